package lab.c1m.capacity.doctor;

import java.util.ArrayList;
import java.util.List;
import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.HostLimits;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;
import lab.c1m.common.notation.PortList;

/**
 * Ports, the seed's second wall ("Cannot assign requested address"). Client: the 5-tuple, server ports x
 * source addresses x the usable half of ip_local_port_range, against the share. Server: its listen ports
 * must be free and out of the way of outgoing connections.
 */
final class PortsCheck {
    /** Linux's default ip_local_port_range, named when it is the one in force. */
    static final int DEFAULT_LOW = 32768;
    static final int DEFAULT_HIGH = 60999;
    /** Below this share of the usable ports the 5-tuple is comfortable; above it, a quick rerun may not fit. */
    static final double COMFORTABLE = Rules.TIGHT;
    /** Past half the range: it fits, but that is where connect() fell off a cliff on Linux 6.1 (issue 11). */
    static final String SLOW_WARNING = "past half the range per (source address, server address, server port) the"
        + " connects still fit, but on Linux 6.1 connect() slowed there from ~1,000/s to a few a second (the kernel"
        + " scans the range for each free port; on 6.18, 15,000 to one port opened in 2.2 s): the ramp may crawl. ";

    private PortsCheck() {
    }

    static List<Check> run(HostLimits limits, HostFacts facts, HostShare share) {
        List<Check> checks = new ArrayList<>();
        if (share.server()) {
            checks.add(listenPorts(limits, facts, share));
        } else {
            checks.add(fiveTuple(limits, share));
        }
        return checks;
    }

    static String range(HostLimits limits) {
        return limits.portRangeLow() + "-" + limits.portRangeHigh()
            + (limits.portRangeLow() == DEFAULT_LOW && limits.portRangeHigh() == DEFAULT_HIGH ? ", Linux's default" : "");
    }

    private static Check fiveTuple(HostLimits limits, HostShare share) {
        String name = "5-tuple";
        if (limits.portRangeSize() <= 0) {
            return Check.unreadable(name, "/proc/sys/net/ipv4/ip_local_port_range", "sysctl net.ipv4.ip_local_port_range");
        }
        int ports = share.ports().size();
        int sources = share.sourceAddresses();
        Needs.FiveTuple tuple = Needs.fiveTuple(limits.portRangeSize(), ports, sources, share.connections());
        String found = Fmt.count(tuple.slowCapacity()) + " = " + ports + " server port(s) x " + sources
            + " source address(es) x " + Fmt.count(tuple.slowAt()) + " (half of ip_local_port_range " + range(limits) + ")";
        String needed = ">= " + Fmt.count(share.connections()) + " (this client's share): " + Fmt.count(tuple.perCombination())
            + " per (source address, server address, server port); rule: up to half the range each is comfortable,"
            + " past half connect() slowed to a few a second on Linux 6.1, past the whole range ("
            + Fmt.count(tuple.wallCapacity()) + " here) the ports are gone";
        long portsForComfort = Fmt.ceilDiv(share.connections(), (long) sources * Math.max(1, tuple.slowAt()));
        return switch (tuple.status()) {
            case WALL -> Check.fail(name, found, needed, Capacity.portsFix(portsForComfort)
                + " (else: 'Cannot assign requested address', EADDRNOTAVAIL)");
            case SLOW -> Check.warn(name, found, needed, SLOW_WARNING + Capacity.portsFix(portsForComfort));
            case TIGHT -> Check.warn(name, found, needed + "; OK below " + Fmt.count((long) (tuple.slowAt() * COMFORTABLE))
                + " (90%)", "little room left: a rerun within 60 s finds the last run's ports in TIME_WAIT. "
                    + Capacity.portsFix(Fmt.ceilDiv(share.connections(), (long) sources * (long) (tuple.slowAt() * COMFORTABLE))));
            case OK -> Check.ok(name, found, needed);
        };
    }

    /**
     * A listen port already in LISTEN means the server cannot bind it. A listen port inside the ephemeral
     * range (and not reserved) can be taken by any outgoing connection of this host before the server starts.
     */
    private static Check listenPorts(HostLimits limits, HostFacts facts, HostShare share) {
        String name = "listen ports";
        PortList ports = share.ports();
        List<Integer> taken = new ArrayList<>();
        List<Integer> exposed = new ArrayList<>();
        PortList reserved = reserved(facts.reservedPorts());
        for (int port : ports.asList()) {
            if (facts.listeningPorts().contains(port)) {
                taken.add(port);
            }
            boolean inRange = limits.portRangeSize() > 0 && port >= limits.portRangeLow() && port <= limits.portRangeHigh();
            if (inRange && (reserved == null || !reserved.asList().contains(port))) {
                exposed.add(port);
            }
        }
        String needed = "free, and outside ip_local_port_range or in ip_local_reserved_ports";
        if (!taken.isEmpty()) {
            return Check.fail(name, "already listening: " + shortList(taken), needed,
                "stop what holds them (ss -ltnp 'sport = :" + taken.get(0) + "' names it; a server from an earlier run?)"
                    + " or choose other --ports");
        }
        String range = limits.portRangeSize() > 0 ? "ip_local_port_range " + range(limits) : "ip_local_port_range unknown";
        if (!exposed.isEmpty()) {
            return Check.warn(name, ports + ": " + exposed.size() + " inside " + range + ", not reserved", needed,
                "sysctl -w net.ipv4.ip_local_reserved_ports=" + ports + " (persist it in /etc/sysctl.d/), else an outgoing"
                    + " connection of this host may take one first and the server's bind fails ('Address already in use')");
        }
        return Check.ok(name, ports + ": free, " + (limits.portRangeSize() > 0 ? "outside or reserved from " : "") + range, needed);
    }

    private static PortList reserved(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return PortList.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String shortList(List<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ports.size() && i < 5; i++) {
            sb.append(i == 0 ? "" : ", ").append(ports.get(i));
        }
        return ports.size() > 5 ? sb + " and " + (ports.size() - 5) + " more" : sb.toString();
    }
}
