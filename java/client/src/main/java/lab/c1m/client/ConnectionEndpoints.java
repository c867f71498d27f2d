package lab.c1m.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import lab.c1m.common.notation.PortList;

/**
 * Where connection number i goes: ports vary fastest, then source addresses, so every (source address,
 * server port) combination carries the same share and none fills its ephemeral ports before the others.
 */
final class ConnectionEndpoints {
    private final InetSocketAddress[] remotes;
    private final InetSocketAddress[] locals;

    ConnectionEndpoints(InetAddress server, PortList ports, List<InetAddress> sources) {
        remotes = new InetSocketAddress[ports.size()];
        for (int i = 0; i < remotes.length; i++) {
            remotes[i] = new InetSocketAddress(server, ports.get(i));
        }
        if (sources.isEmpty()) {
            locals = null;
        } else {
            locals = new InetSocketAddress[sources.size()];
            for (int i = 0; i < locals.length; i++) {
                locals[i] = new InetSocketAddress(sources.get(i), 0);
            }
        }
    }

    InetSocketAddress remote(int slot) {
        return remotes[slot % remotes.length];
    }

    /** The local address to bind (port 0: the kernel picks it at connect time), or null for the kernel's choice. */
    InetSocketAddress local(int slot) {
        return locals == null ? null : locals[(slot / remotes.length) % locals.length];
    }

    /** Whether connections bind a source address before connecting (--source-ips). */
    boolean bindsSources() {
        return locals != null;
    }

    int combinations() {
        return remotes.length * (locals == null ? 1 : locals.length);
    }
}
