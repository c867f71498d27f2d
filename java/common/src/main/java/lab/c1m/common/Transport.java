package lab.c1m.common;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The transport in use: its event loops and channel classes, chosen once with a loud fallback to NIO. */
public record Transport(
    TransportKind kind,
    Class<? extends ServerSocketChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    IoHandlerFactory ioHandlerFactory,
    String fallbackReason) {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    /**
     * Completion queue entries per io_uring loop (16 B each). Netty's default of 4,096 overflows when
     * thousands of connects or heartbeat echoes complete at once: the kernel then parks completions and
     * Netty warns "CompletionQueue overflow detected" on every loop.
     */
    static final int IO_URING_COMPLETION_QUEUE = 65_536;

    /** Returns the requested transport, or NIO with the reason logged at WARN when it is not available here. */
    public static Transport select(TransportKind requested) {
        switch (requested) {
            case EPOLL -> {
                if (Epoll.isAvailable()) {
                    return new Transport(TransportKind.EPOLL, EpollServerSocketChannel.class, EpollSocketChannel.class,
                        EpollIoHandler.newFactory(), null);
                }
                return fallBack(requested, Epoll.unavailabilityCause());
            }
            case IO_URING -> {
                if (IoUring.isAvailable()) {
                    return new Transport(TransportKind.IO_URING, IoUringServerSocketChannel.class, IoUringSocketChannel.class,
                        IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setCqSize(IO_URING_COMPLETION_QUEUE)), null);
                }
                return fallBack(requested, IoUring.unavailabilityCause());
            }
            default -> {
                return nio(null);
            }
        }
    }

    private static Transport fallBack(TransportKind requested, Throwable cause) {
        String why = requested + " is not available on this host (" + rootMessage(cause) + "); falling back to nio,"
            + " which costs more memory per connection and is not what the lab measures";
        LOG.warn(why);
        return nio(why);
    }

    private static Transport nio(String fallbackReason) {
        return new Transport(TransportKind.NIO, NioServerSocketChannel.class, NioSocketChannel.class,
            NioIoHandler.newFactory(), fallbackReason);
    }

    private static String rootMessage(Throwable t) {
        if (t == null) {
            return "no reason given";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    public MultiThreadIoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory);
    }

    public boolean isEpoll() {
        return kind == TransportKind.EPOLL;
    }
}
