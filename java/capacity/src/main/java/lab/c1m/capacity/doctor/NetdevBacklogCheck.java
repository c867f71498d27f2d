package lab.c1m.capacity.doctor;

import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.Rules;

/**
 * net.core.netdev_max_backlog: the packets a CPU queues before its softirq takes them, host-wide. Every
 * loopback packet passes this queue, and the keepalive probes of connections opened together fall due
 * together: at 1M in one guest the default 1,000 dropped 1.38M packets and the server's keepalive reaped
 * 2,029 connections its client held (docs/performance.md). Advice (WARN at most): a dropped packet is sent
 * again, and only a connection whose every probe is dropped is reaped.
 */
final class NetdevBacklogCheck {
    static final long MIN_BACKLOG = Rules.NETDEV_MIN_BACKLOG;

    private NetdevBacklogCheck() {
    }

    static Check run(HostFacts facts) {
        String name = "netdev_max_backlog";
        long value = facts.netdevMaxBacklog();
        if (value < 0) {
            return Check.unreadable(name, "/proc/sys/net/core/netdev_max_backlog is host-wide and hidden in this network"
                + " namespace", "sysctl net.core.netdev_max_backlog on the host");
        }
        String found = Fmt.count(value) + " packets a CPU";
        String needed = ">= " + Fmt.count(MIN_BACKLOG) + " (bursts of keepalive probes and heartbeats, loopback's among them)";
        if (value < MIN_BACKLOG) {
            return Check.warn(name, found, needed, "sysctl -w net.core.netdev_max_backlog=" + MIN_BACKLOG
                + " (persist it in /etc/sysctl.d/); a full backlog drops packets, keepalive probes among them, and a live"
                + " connection whose probes are all dropped is reaped");
        }
        return Check.ok(name, found, needed);
    }
}
