package lab.c1m.capacity.doctor;

import java.util.List;
import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;

/**
 * Connection tracking, the seed's silent wall: when nf_conntrack's table is full, new connections' SYNs
 * are dropped without a word and connects time out. The table must hold the share plus what it holds
 * now; its hash should keep chains short.
 */
final class ConntrackCheck {
    /** The average chain length past which lookups get slow (the kernel's old default of max = 8 x buckets). */
    static final long LONGEST_CHAIN = Rules.CONNTRACK_LONGEST_CHAIN;
    /** The hash size suggested: chains of about four entries when full, as the lab's kernel role sizes it. */
    static final long SUGGESTED_CHAIN = Rules.CONNTRACK_SUGGESTED_CHAIN;

    private ConntrackCheck() {
    }

    static List<Check> run(HostFacts facts, HostShare share) {
        if (!facts.conntrackLoaded()) {
            return List.of(Check.ok("nf_conntrack_max", "nf_conntrack not loaded: connections are not tracked",
                "if it gets loaded (a firewall, NAT, docker): >= " + Fmt.count(share.tracked() + share.margin())));
        }
        return List.of(table(facts, share), hash(facts, share));
    }

    private static Check table(HostFacts facts, HostShare share) {
        String name = "nf_conntrack_max";
        long max = facts.conntrackMax();
        if (max < 0) {
            return Check.unreadable(name, "/proc/sys/net/netfilter/nf_conntrack_max", "sysctl net.netfilter.nf_conntrack_max");
        }
        long now = Math.max(0, facts.conntrackCount());
        boolean active = facts.conntrackCount() != 0;
        long need = share.tracked() + now;
        long comfortable = need + share.margin();
        String found = Fmt.count(max) + (facts.conntrackCount() < 0 ? " (count not readable)"
            : active ? " (" + Fmt.count(now) + " tracked now)" : " (loaded, but tracking nothing in this network namespace now)");
        String needed = ">= " + Fmt.count(need) + " = " + Fmt.count(share.tracked()) + " connections + " + Fmt.count(now)
            + " tracked now; OK from " + Fmt.count(comfortable) + " (" + Fmt.margin() + " of the share for retries and TIME_WAIT)";
        String fix = "sysctl -w net.netfilter.nf_conntrack_max=" + Capacity.roundUp(comfortable)
            + " (persist it in /etc/sysctl.d/; in a container or network namespace it is the host's setting), or keep"
            + " these connections out of the table: " + notrack(share);
        if (max < need) {
            String consequence = " (else, once the table is full, new connections are dropped silently and connects time out:"
                + " 'nf_conntrack: table full, dropping packet' in dmesg)";
            return active ? Check.fail(name, found, needed, fix + consequence)
                : Check.warn(name, found, needed, "not tracking now, but any rule that uses conntrack (NAT, a stateful"
                    + " firewall) makes this table full before the share is in: " + fix);
        }
        if (max < comfortable) {
            return Check.warn(name, found, needed, fix);
        }
        return Check.ok(name, found, needed);
    }

    private static Check hash(HostFacts facts, HostShare share) {
        String name = "nf_conntrack hashsize";
        long buckets = facts.conntrackBuckets();
        if (buckets < 0) {
            return Check.unreadable(name, "/sys/module/nf_conntrack/parameters/hashsize",
                "cat /sys/module/nf_conntrack/parameters/hashsize on the host");
        }
        long entries = share.tracked() + Math.max(0, facts.conntrackCount());
        long need = Needs.conntrackBucketsNeeded(entries);
        long suggested = Needs.conntrackBucketsSuggested(entries + share.margin());
        String found = Fmt.count(buckets) + " buckets";
        String needed = ">= " + Fmt.count(need) + " = " + Fmt.count(entries) + " entries / " + LONGEST_CHAIN
            + " (average chain of at most " + LONGEST_CHAIN + ")";
        if (buckets < need) {
            return Check.warn(name, found, needed, "echo " + suggested + " > /sys/module/nf_conntrack/parameters/hashsize"
                + " and persist it: echo 'options nf_conntrack hashsize=" + suggested + "' > /etc/modprobe.d/nf_conntrack.conf"
                + " (chains of ~" + SUGGESTED_CHAIN + "; long chains cost CPU on every packet, they drop nothing)");
        }
        return Check.ok(name, found, needed);
    }

    /** iptables raw-table rules that keep the test's connections out of conntrack, for this role's direction. */
    static String notrack(HostShare share) {
        int[] ports = share.ports().toArray();
        int low = ports[0];
        int high = ports[0];
        for (int p : ports) {
            low = Math.min(low, p);
            high = Math.max(high, p);
        }
        String range = low == high ? Integer.toString(low) : low + ":" + high;
        String in = share.server() ? "--dport" : "--sport";
        String out = share.server() ? "--sport" : "--dport";
        return "iptables -t raw -A PREROUTING -p tcp " + in + " " + range + " -j NOTRACK; iptables -t raw -A OUTPUT -p tcp "
            + out + " " + range + " -j NOTRACK";
    }
}
