package lab.c1m.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.cli.WireProtocol;
import lab.c1m.common.netty.CompactChannelIds;
import lab.c1m.common.netty.SharedAddresses;
import lab.c1m.common.netty.SharedReadHandles;
import lab.c1m.common.netty.Transport;
import lab.c1m.common.notation.PortList;
import lab.c1m.common.record.ProgressLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the echo service on every port; the bootstrap lives here and nowhere else. */
final class EchoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EchoServer.class);

    /** Echo reads are small; a fixed 2 KiB guess avoids the adaptive allocator's per-connection bookkeeping. */
    private static final int READ_BUFFER_BYTES = 2048;

    private final Transport transport;
    private final String bindAddress;
    private final PortList ports;
    private final int backlog;
    private final int threads;
    private final ServerStats stats;
    private final ProgressLog progress;
    /** Null when addresses are not shared (--no-lean, not epoll, or Netty's fields moved). */
    private final SharedAddresses addresses;
    /** Lean mode: accepted channels get compact ids and share their loop's read handle (epoll). */
    private final boolean lean;
    private final Keepalive keepalive;
    /** raw: every byte echoed; websocket: the upgrade answered, then Pings ponged and data frames echoed. */
    private final WireProtocol protocol;
    private final List<Channel> listeners = new ArrayList<>();
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;

    EchoServer(Transport transport, String bindAddress, PortList ports, int backlog, int threads, ServerStats stats,
               ProgressLog progress, boolean lean, Keepalive keepalive) {
        this(transport, bindAddress, ports, backlog, threads, stats, progress, lean, keepalive, WireProtocol.RAW);
    }

    EchoServer(Transport transport, String bindAddress, PortList ports, int backlog, int threads, ServerStats stats,
               ProgressLog progress, boolean lean, Keepalive keepalive, WireProtocol protocol) {
        this.protocol = protocol;
        this.transport = transport;
        this.bindAddress = bindAddress;
        this.ports = ports;
        this.backlog = backlog;
        this.threads = threads;
        this.stats = stats;
        this.progress = progress;
        this.addresses = lean && transport.isEpoll() && SharedAddresses.available() ? SharedAddresses.forServer() : null;
        this.lean = lean;
        this.keepalive = keepalive;
    }

    /** Listens on every port or, if one cannot be bound, closes what was bound and says which and why. */
    void start() throws BindFailedException {
        acceptGroup = transport.newGroup(1);
        ioGroup = transport.newGroup(threads);
        ServerBootstrap bootstrap = bootstrap(acceptGroup, ioGroup);
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            // One shared handler per port: per-port counts with no per-connection handler objects.
            ServerBootstrap perPort = bootstrap.clone().childHandler(protocol == WireProtocol.WEBSOCKET
                ? new WebSocketEchoHandler(i, stats, progress, addresses) : new EchoHandler(i, stats, progress, addresses));
            try {
                listeners.add(perPort.bind(bindAddress, port).sync().channel());
            } catch (Exception e) {
                close();
                throw new BindFailedException(bindAddress, port, e);
            }
        }
        // The raw line is unchanged; WebSocket says so at its end.
        LOG.info("Listening on {} ports {} ({}{}), backlog {}, {} I/O threads, {}{}", bindAddress, ports, transport.kind(),
            leanParts(), backlog, threads, keepalive.describe(),
            protocol == WireProtocol.WEBSOCKET ? "; speaking WebSocket (RFC 6455: upgrade, Pong, Binary echo)" : "");
    }

    /** Everything but the child handler, which start() adds per port; tests bind it with their own. */
    ServerBootstrap bootstrap(EventLoopGroup accept, EventLoopGroup io) {
        // Read handles are shared only on epoll: io_uring keeps a handle's state across a submitted read and
        // its completion, while other channels' reads complete in between.
        RecvByteBufAllocator reads = lean && transport.isEpoll()
            ? new SharedReadHandles(READ_BUFFER_BYTES) : new FixedRecvByteBufAllocator(READ_BUFFER_BYTES);
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(accept, io)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, backlog)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, reads)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        keepalive.apply(bootstrap, transport.kind());
        ChannelHandler ids = lean && CompactChannelIds.available() ? CompactChannelIds.acceptor() : null;
        bootstrap.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel listener) {
                if (ids != null) {
                    // On the listening channel's pipeline: sees each accepted channel before it is registered.
                    listener.pipeline().addLast(ids);
                }
                // Counts accept errors that name a limit, for the summary.
                listener.pipeline().addLast(stats.acceptErrors());
            }
        });
        return bootstrap;
    }

    private String leanParts() {
        if (!lean) {
            return "";
        }
        return (addresses != null ? ", shared addresses" : "")
            + (CompactChannelIds.available() ? ", compact ids" : "")
            + (transport.isEpoll() ? ", shared read handles" : "");
    }

    @Override
    public void close() {
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        listeners.clear();
        // Closing the I/O group closes every connection; a million take a few seconds.
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
        }
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(60, TimeUnit.SECONDS);
        }
    }

    /** A port that could not be bound, named with the likely reason. */
    static final class BindFailedException extends Exception {
        BindFailedException(String address, int port, Throwable cause) {
            super("cannot listen on " + address + ":" + port + ": " + cause.getMessage()
                + (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")
                    ? " (another server is already listening there: stop it or choose other --ports)"
                    : ""), cause);
        }
    }
}
