package lab.c1m.server;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.c1m.capacity.HostLimits;
import lab.c1m.common.cli.WireProtocol;
import lab.c1m.common.netty.Transport;
import lab.c1m.common.record.ProcessMemory;
import lab.c1m.common.record.RuntimeFacts;
import lab.c1m.common.record.Times;

/** Samples memory each second, remembers it at the peak and builds the summary that /status and the file show. */
final class ServerSummary {
    private final ServerStats stats;
    private final Transport transport;
    private final HostLimits limits;
    private final Keepalive keepalive;
    private final WireProtocol protocol;
    private final String startedAt = Times.now();
    private final Map<String, Object> jvm = RuntimeFacts.jvm();
    private final String nettyVersion = RuntimeFacts.nettyVersion();
    private final String hostname = RuntimeFacts.hostname();

    private volatile long rss;
    private volatile long heapUsed;
    private long peakSampled = -1;
    private volatile long rssAtPeak;
    private volatile long heapAtPeak;
    private volatile String state = "running";
    private volatile Integer exitCode;
    private volatile String exitReason;

    ServerSummary(ServerStats stats, Transport transport, HostLimits limits, Keepalive keepalive, WireProtocol protocol) {
        this.protocol = protocol;
        this.stats = stats;
        this.transport = transport;
        this.limits = limits;
        this.keepalive = keepalive;
        sample();
    }

    /** Called once a second by one thread: the memory at the highest open count seen is the cost at peak. */
    synchronized void sample() {
        long open = stats.open();
        rss = ProcessMemory.rssBytes();
        heapUsed = ProcessMemory.heapUsedBytes();
        if (open >= peakSampled) {
            peakSampled = open;
            rssAtPeak = rss;
            heapAtPeak = heapUsed;
        }
    }

    void stopped(int code, String reason) {
        exitCode = code;
        exitReason = reason;
        state = "stopped";
    }

    long rss() {
        return rss;
    }

    long heapUsed() {
        return heapUsed;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        // The summary's version, as the client's (docs/interfaces.md): the playbook reads summaries, never logs.
        m.put("schema", 2);
        m.put("role", "server");
        m.put("state", state);
        m.put("transport", transport.kind().label());
        m.put("transport_fallback", transport.fallbackReason());
        m.put("protocol", protocol.label());
        m.put("ports", stats.ports().asList());
        m.put("open", stats.open());
        m.put("peak_open", stats.peakOpen());
        m.put("accepted", stats.accepted());
        m.put("closed", stats.closed());
        m.put("reaped", stats.reapedTotal());
        // What sized the keepalive that reaps: the verdict names it beside `reaped` (docs/interfaces.md).
        m.put("keepalive", keepalive.toMap());
        m.put("accept_errors", stats.acceptErrors().toMap());
        m.put("bytes_echoed", stats.bytesEchoed());
        m.put("rss_bytes", rss);
        m.put("heap_used_bytes", heapUsed);
        m.put("rss_bytes_at_peak", rssAtPeak);
        m.put("heap_used_bytes_at_peak", heapAtPeak);
        m.put("started_at", startedAt);
        m.put("first_connection_at", Times.iso(Times.fromNanos(stats.firstConnectionNanos())));
        m.put("peak_at", Times.iso(Times.fromNanos(stats.peakNanos())));
        m.put("updated_at", Times.now());
        // Refreshed every second while running: an older one with state "running" is a process that died.
        m.put("updated_at_ms", System.currentTimeMillis());
        m.put("exit_code", exitCode);
        m.put("exit_reason", exitReason);
        Map<String, Object> perPort = new LinkedHashMap<>();
        for (int i = 0; i < stats.ports().size(); i++) {
            perPort.put(Integer.toString(stats.ports().get(i)), stats.openOnPort(i));
        }
        m.put("per_port_open", perPort);
        m.put("nofile_soft", limits.nofileSoft());
        m.put("nofile_hard", limits.nofileHard());
        m.put("jvm", jvm);
        m.put("netty_version", nettyVersion);
        m.put("hostname", hostname);
        return m;
    }
}
