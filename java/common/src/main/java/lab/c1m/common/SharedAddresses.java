package lab.c1m.server;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes accepted epoll connections share their address objects. A million connections come from a handful
 * of client IPs to twenty local ports, yet Netty caches two fresh addresses per connection (local: socket
 * address, its holder, the IP and its holder, 136 bytes; remote: 56 bytes more than its port needs). The
 * cached fields are private, so this swaps them through a VarHandle; if a Netty version renames them the
 * swap is skipped and nothing else changes.
 */
final class SharedAddresses {
    /** Past this many distinct entries (not a lab any more: a scan?) addresses are no longer shared. */
    private static final int MAX_ENTRIES = 65_536;
    /** The package-private class that declares the cached address fields. */
    private static final Class<?> OWNER = EpollSocketChannel.class.getSuperclass().getSuperclass();
    private static final VarHandle LOCAL = field("local");
    private static final VarHandle REMOTE = field("remote");

    private final ConcurrentHashMap<InetSocketAddress, InetSocketAddress> locals = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, InetAddress> clientIps = new ConcurrentHashMap<>();

    static boolean available() {
        return LOCAL != null && REMOTE != null;
    }

    /** Replaces the channel's cached addresses with shared ones. Call on the channel's event loop, once. */
    void share(Channel channel) {
        if (!available() || !OWNER.isInstance(channel) || locals.size() + clientIps.size() >= MAX_ENTRIES) {
            return;
        }
        if (LOCAL.get(channel) instanceof InetSocketAddress local) {
            InetSocketAddress shared = locals.putIfAbsent(local, local);
            if (shared != null) {
                LOCAL.set(channel, shared);
            }
        }
        if (REMOTE.get(channel) instanceof InetSocketAddress remote) {
            InetAddress ip = remote.getAddress();
            InetAddress sharedIp = clientIps.putIfAbsent(ip, ip);
            if (sharedIp != null) {
                REMOTE.set(channel, new InetSocketAddress(sharedIp, remote.getPort()));
            }
        }
    }

    private static VarHandle field(String name) {
        try {
            return MethodHandles.privateLookupIn(OWNER, MethodHandles.lookup()).findVarHandle(OWNER, name, SocketAddress.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
