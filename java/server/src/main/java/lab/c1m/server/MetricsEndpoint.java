package lab.c1m.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.record.Json;

/**
 * /metrics in Prometheus text format and /status as JSON, on Netty's HTTP codec and an event loop of its
 * own (one thread, apart from the echo loops, so a scrape never delays an echo). Nothing a peer does can
 * hold it: reads never block the loop, a request must arrive whole within {@link #REQUEST_DEADLINE} of the
 * connect (or of the last answer), and at most {@link #MAX_CONNECTIONS} connections are served at once: a
 * new one closes the oldest, so peers that only hold connections open can never keep a scrape out.
 *
 * <p>Nor can a peer hold more than a little of the server's memory (issue 20: one that pipelined 156,000
 * requests and never read had every answer queued in direct memory, which the echo path shares, until the
 * echo connections died for want of it). A connection is served one request at a time: reads are off, and
 * the next request is read only once the answer to the last one has been written to the socket
 * ({@link MetricsRoutes}), so at most one answer waits in the server. Each read takes at most
 * {@link #READ_BYTES}; the requests it holds wait, decoded, in a {@link FlowControlHandler} until their turn.
 * The kernel's buffers are {@link #SOCKET_BUFFER_BYTES} each way, and a peer that leaves its answer unread
 * for {@link #REQUEST_DEADLINE} is closed, as the deadline counts from the last answer written.
 */
final class MetricsEndpoint implements AutoCloseable {
    /** A request (line, headers and any body) must be complete this soon, however slowly it trickles in. */
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(5);
    /** More at once is not a scraper: the oldest is closed for each new one, so they cannot take the echo server's descriptors. */
    static final int MAX_CONNECTIONS = 64;
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    /** One read from a connection: a request's worth, and at most about 120 of the shortest pipelined ones decoded at a time. */
    static final int READ_BYTES = 4096;
    /**
     * SO_RCVBUF and SO_SNDBUF of every metrics connection (the kernel doubles them for its bookkeeping): an
     * answer is a few kB, and a peer that does not read pins no more kernel memory than this, on a host whose
     * tcp_mem is sized for a million idle echo connections.
     */
    static final int SOCKET_BUFFER_BYTES = 16 * 1024;

    private final InetSocketAddress address;
    private final ServerStats stats;
    private final ServerSummary summary;
    /** The connections open, oldest first; touched only on the endpoint's one event loop. */
    private final Deque<Channel> connections = new ArrayDeque<>();
    private EventLoopGroup group;
    private Channel listener;

    MetricsEndpoint(String bindAddress, int port, ServerStats stats, ServerSummary summary) {
        this.address = new InetSocketAddress(bindAddress, port);
        this.stats = stats;
        this.summary = summary;
    }

    void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        MetricsRoutes routes = new MetricsRoutes(this::prometheus, () -> Json.write(summary.toMap()));
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .option(ChannelOption.SO_REUSEADDR, true)
            // Set on the listener, so accepted connections inherit it before the handshake sizes the window.
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
            .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
            // One request at a time: MetricsRoutes reads the next once the last answer is written.
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_BYTES))
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (connections.size() >= MAX_CONNECTIONS) {
                        // The newest is most likely the scrape: the oldest has had its deadline's worth of time.
                        connections.pollFirst().close();
                    }
                    connections.addLast(ch);
                    ch.closeFuture().addListener(f -> connections.remove(ch));
                    ch.pipeline()
                        .addLast(new RequestDeadline(REQUEST_DEADLINE.toMillis()))
                        .addLast(new HttpServerCodec(4096, 8192, 8192))
                        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        // Pipelined requests decoded from one read wait here: one is let through per read().
                        .addLast(new FlowControlHandler())
                        .addLast(routes);
                }
            });
        try {
            listener = bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            close();
            throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
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
        if (listener != null) {
            listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
