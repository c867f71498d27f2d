package lab.c1m.capacity.doctor;

import java.util.List;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;

/**
 * Listen queues on the server: net.core.somaxconn caps every port's accept queue, net.ipv4.tcp_max_syn_backlog
 * its queue of half-open connections. Both must absorb the connects that arrive while the accept loop is
 * stalled. They are advice (WARN at most): an overflowing queue drops the SYN or the handshake's last ACK
 * and the client retransmits, so connects slow down and may time out, but nothing is lost for good.
 */
final class ListenQueueCheck {
    /** Connects per second assumed without --rate: what the jars ramp at on loopback (docs/performance.md: 11,232/s). */
    static final long MEASURED_RATE = Rules.ACCEPTS_PER_SECOND;
    /** How long the accept loop may stall: a full GC of a million connections' heap takes about a second. */
    static final long STALL_SECONDS = Rules.ACCEPT_STALL_SECONDS;

    private ListenQueueCheck() {
    }

    static List<Check> run(HostFacts facts, HostShare share) {
        if (!share.server()) {
            return List.of();
        }
        long rate = share.rate() > 0 ? share.rate() : MEASURED_RATE;
        long perPort = Needs.listenQueuePerPort(rate, share.ports().size());
        String basis = Fmt.count(rate) + " connects/s" + (share.rate() > 0 ? " (--rate)" : " (assumed: the loopback ramp rate"
            + " measured in docs/performance.md; pass --rate)") + " x " + STALL_SECONDS + " s stall / " + share.ports().size()
            + " ports";
        String needed = ">= " + Fmt.count(perPort) + " per port = " + basis;
        return List.of(somaxconn(facts, perPort, needed), synBacklog(facts, perPort, needed));
    }

    private static Check somaxconn(HostFacts facts, long perPort, String needed) {
        String name = "somaxconn";
        long value = facts.somaxconn();
        if (value < 0) {
            return Check.unreadable(name, "/proc/sys/net/core/somaxconn", "sysctl net.core.somaxconn");
        }
        String found = Fmt.count(value) + " (caps the server's --backlog)";
        if (value < perPort) {
            return Check.warn(name, found, needed, "sysctl -w net.core.somaxconn=" + Math.max(perPort, 65535)
                + " (persist it in /etc/sysctl.d/), or lower --rate; a full accept queue drops the handshake's last ACK,"
                + " the client retries and ramps slower");
        }
        return Check.ok(name, found, needed);
    }

    private static Check synBacklog(HostFacts facts, long perPort, String needed) {
        String name = "tcp_max_syn_backlog";
        long value = facts.tcpMaxSynBacklog();
        if (value < 0) {
            return Check.unreadable(name, "/proc/sys/net/ipv4/tcp_max_syn_backlog", "sysctl net.ipv4.tcp_max_syn_backlog");
        }
        long cookies = facts.tcpSyncookies();
        String found = Fmt.count(value) + (cookies < 0 ? "" : " (tcp_syncookies " + cookies + ")");
        if (value < perPort) {
            return Check.warn(name, found, needed, "sysctl -w net.ipv4.tcp_max_syn_backlog=" + Math.max(perPort, 65535)
                + " (persist it in /etc/sysctl.d/), or lower --rate; past it "
                + (cookies == 0 ? "SYNs are dropped (tcp_syncookies is 0) and connects wait 1 s, 3 s... to retry"
                    : "the kernel answers with SYN cookies ('Possible SYN flooding' in dmesg)"));
        }
        return Check.ok(name, found, needed);
    }
}
