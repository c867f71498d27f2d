package lab.c1m.common.netty;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes epoll connections share their cached address objects, or drop them. A million connections run
 * between a handful of IPs and twenty server ports, yet Netty caches two fresh addresses per connection: a
 * socket address, its holder, the IP and its holder. The side with few distinct values (the server's ports)
 * is shared whole. The other has one port per connection: it is dropped (40 bytes a connection with compact
 * headers), since nothing in the lab reads it and Netty reads it only for {@code remoteAddress()} /
 * {@code localAddress()} and {@code toString()}, which then leave it out; the socket still knows it
 * (getpeername). The cached fields are private, so they are swapped through a VarHandle; if a Netty version
 * renames them nothing is swapped.
 */
public final class SharedAddresses {
    /** Past this many distinct endpoints (not a lab any more: a scan?) no more are added to the shared ones. */
    private static final int MAX_ENTRIES = 65_536;
    /** The package-private class that declares the cached address fields. */
    private static final Class<?> OWNER = EpollSocketChannel.class.getSuperclass().getSuperclass();
    private static final VarHandle LOCAL = field("local");
    private static final VarHandle REMOTE = field("remote");

    private final boolean serverSide;
    private final ConcurrentHashMap<InetSocketAddress, InetSocketAddress> endpoints = new ConcurrentHashMap<>();

    private SharedAddresses(boolean serverSide) {
        this.serverSide = serverSide;
    }

    /** For accepted connections: the local address (a listening port) is shared whole, the client's dropped. */
    public static SharedAddresses forServer() {
        return new SharedAddresses(true);
    }

    /** For connected connections: the remote address (a server port) is shared whole, the local one dropped. */
    public static SharedAddresses forClient() {
        return new SharedAddresses(false);
    }

    public static boolean available() {
        return LOCAL != null && REMOTE != null;
    }

    /** Replaces the channel's cached addresses with shared ones, or none. Call once, on the channel's event loop. */
    public void share(Channel channel) {
        if (!available() || !OWNER.isInstance(channel)) {
            return;
        }
        VarHandle few = serverSide ? LOCAL : REMOTE;
        VarHandle many = serverSide ? REMOTE : LOCAL;
        if (endpoints.size() < MAX_ENTRIES && few.get(channel) instanceof InetSocketAddress endpoint) {
            InetSocketAddress shared = endpoints.putIfAbsent(endpoint, endpoint);
            if (shared != null) {
                few.set(channel, shared);
            }
        }
        many.set(channel, null);
    }

    /**
     * The channel as a log line shows it, the address dropped above read back from its socket: {@code [id: 0x..,
     * L:/10.0.0.2:40001 - R:/10.0.0.1:9000]}. For the few lines that name one connection (its first death, a
     * stray byte); Netty's own toString would print the dropped side as null.
     */
    public static String describe(Channel channel) {
        if (channel instanceof EpollSocketChannel epoll && channel.isOpen()
            && (channel.localAddress() == null || channel.remoteAddress() == null) && epoll.fd() instanceof Socket socket) {
            try {
                return "[id: 0x" + channel.id().asShortText() + ", L:" + socket.localAddress() + " - R:" + socket.remoteAddress()
                    + "]";
            } catch (RuntimeException e) {
                // Closed meanwhile: Netty's own text below.
            }
        }
        return channel.toString();
    }

    private static VarHandle field(String name) {
        try {
            return MethodHandles.privateLookupIn(OWNER, MethodHandles.lookup()).findVarHandle(OWNER, name, SocketAddress.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
