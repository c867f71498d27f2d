package lab.c1m.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import lab.c1m.common.report.Json;

/**
 * /metrics in Prometheus text format and /status as JSON, on the JDK's small HTTP server: one thread,
 * away from the event loops, so a scrape never delays an echo.
 */
final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer http;
    private final ServerStats stats;
    private final ServerSummary summary;

    MetricsEndpoint(String bindAddress, int port, ServerStats stats, ServerSummary summary) throws IOException {
        this.stats = stats;
        this.summary = summary;
        this.http = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        http.createContext("/metrics", ex -> respond(ex, "text/plain; version=0.0.4; charset=utf-8", prometheus()));
        http.createContext("/status", ex -> respond(ex, "application/json", Json.write(summary.toMap())));
        http.createContext("/", ex -> respond(ex, "text/plain; charset=utf-8", "c1m-server: see /metrics and /status\n"));
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "c1m-metrics");
            t.setDaemon(true);
            return t;
        }));
    }

    void start() {
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    String prometheus() {
        StringBuilder sb = new StringBuilder(2048);
        metric(sb, "c1m_server_open_connections", "gauge", "Connections open now.", stats.open());
        metric(sb, "c1m_server_peak_open_connections", "gauge", "Most connections open at once.", stats.peakOpen());
        metric(sb, "c1m_server_accepted_total", "counter", "Connections accepted.", stats.accepted());
        metric(sb, "c1m_server_closed_total", "counter", "Connections closed.", stats.closed());
        metric(sb, "c1m_server_reaped_total", "counter",
            "Connections closed by a keepalive or retransmission timeout (ETIMEDOUT): the peer had vanished.",
            stats.reapedTotal());
        metric(sb, "c1m_server_bytes_echoed_total", "counter", "Bytes received and echoed back.", stats.bytesEchoed());
        metric(sb, "process_resident_memory_bytes", "gauge", "Resident set size of the server process.", summary.rss());
        metric(sb, "jvm_memory_heap_used_bytes", "gauge", "Java heap in use.", summary.heapUsed());
        metric(sb, "jvm_memory_heap_max_bytes", "gauge", "Java heap limit (-Xmx).", Runtime.getRuntime().maxMemory());
        sb.append("# HELP c1m_server_port_open_connections Connections open now, per listening port.\n");
        sb.append("# TYPE c1m_server_port_open_connections gauge\n");
        for (int i = 0; i < stats.ports().size(); i++) {
            sb.append("c1m_server_port_open_connections{port=\"").append(stats.ports().get(i)).append("\"} ")
                .append(stats.openOnPort(i)).append('\n');
        }
        return sb.toString();
    }

    private static void metric(StringBuilder sb, String name, String type, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        sb.append(name).append(' ').append(value).append('\n');
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
