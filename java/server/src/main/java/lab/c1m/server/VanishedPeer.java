package lab.c1m.server;

import io.netty.channel.unix.Errors;
import java.util.Locale;

/**
 * Whether the kernel closed an established connection because its peer stopped answering: keepalive
 * probes (or retransmissions) unanswered end in ETIMEDOUT, or in EHOSTUNREACH / ENETUNREACH when the last
 * probes drew an ICMP error, as they do when a peer on the same network is gone and ARP fails.
 */
final class VanishedPeer {
    private static final int ETIMEDOUT = 110;
    private static final int ENETUNREACH = 101;
    private static final int EHOSTUNREACH = 113;

    private VanishedPeer() {
    }

    static boolean closed(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Errors.NativeIoException e) {
                int errno = -e.expectedErr();
                if (errno == ETIMEDOUT || errno == EHOSTUNREACH || errno == ENETUNREACH) {
                    return true;
                }
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("connection timed out") || m.contains("no route to host") || m.contains("network is unreachable")) {
                return true;
            }
        }
        return false;
    }
}
