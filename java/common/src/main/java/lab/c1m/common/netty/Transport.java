package lab.c1m.common.netty;

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
import java.nio.file.Path;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.host.ProcFiles;
import lab.c1m.common.notation.Quantities;
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
    static final int IO_URING_COMPLETION_QUEUE = 16_384;
    /** Locked memory of one loop's rings: the completion queue plus 4,096 submission entries of 64 B, rounded up. */
    public static final long IO_URING_RING_BYTES = IO_URING_COMPLETION_QUEUE * 16L + 4_096 * 64L + 64 * 1024;
    /** What to do when the rings do not fit: said by the doctor's locked-memory check and by a loop that failed. */
    public static final String IO_URING_MEMLOCK_FIX = "raise it (LimitMEMLOCK=infinity in the systemd unit, ulimit -l"
        + " unlimited, or memlock in /etc/security/limits.conf), or use --transport epoll";

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

    /**
     * Event loops of this transport. An io_uring loop whose rings do not fit in the user's locked-memory
     * limit is a limit of the host (exit 3 with the fix), not a crash.
     */
    public MultiThreadIoEventLoopGroup newGroup(int threads) {
        try {
            return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory);
        } catch (IllegalStateException e) {
            if (kind == TransportKind.IO_URING && rootMessage(e).contains("memlock")) {
                throw new Cli.HostCannotHoldException(ioUringMemlockMessage(threads, Path.of("/proc/self/limits")));
            }
            throw e;
        }
    }

    static String ioUringMemlockMessage(int threads, Path limits) {
        long soft = ProcFiles.limit(limits, "Max locked memory")[0];
        String now = soft < 0 ? "unknown" : soft == Long.MAX_VALUE ? "unlimited" : Quantities.mib(soft);
        return "io_uring could not allocate the rings of " + threads + " event loop(s) (about "
            + Quantities.mib(threads * IO_URING_RING_BYTES) + ") within the locked-memory limit (RLIMIT_MEMLOCK"
            + " " + now + ", counted over every process of this user). Fix: " + IO_URING_MEMLOCK_FIX + ".";
    }

    public boolean isEpoll() {
        return kind == TransportKind.EPOLL;
    }
}
