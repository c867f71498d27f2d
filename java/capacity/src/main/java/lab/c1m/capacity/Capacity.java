package lab.c1m.capacity;

import java.util.ArrayList;
import java.util.List;
import lab.c1m.common.notation.Quantities;

/**
 * The fixes the doctor's open-files and 5-tuple checks name (the jars run those checks at start, see
 * StartupCheck), and the 5-tuple shortfall: each names the limit, its value, what is needed and the command.
 */
public final class Capacity {
    /** File descriptors the JVM and Netty need besides the sockets (rules.properties: descriptors.reserve). */
    public static final long FD_RESERVE = Rules.DESCRIPTOR_RESERVE;

    private Capacity() {
    }

    public record Shortfall(String limit, long value, long needed, String fix) {
        public String message() {
            return limit + " is " + Quantities.count(value) + " but " + Quantities.count(needed) + " are needed. Fix: " + fix;
        }
    }

    /** How to give a process {@code wanted} open files, depending on whether it may raise its own hard limit. */
    public static String hardLimitFix(HostLimits host, long wanted) {
        return host.canRaiseHardLimit()
            ? "ulimit -Hn " + wanted + " && ulimit -Sn " + wanted + " before starting, LimitNOFILE=" + wanted
                + " in the systemd unit, or 'nofile " + wanted + "' in /etc/security/limits.conf"
            : "this process cannot raise its own hard limit (no CAP_SYS_RESOURCE): raise it where the process is"
                + " started: LimitNOFILE=" + wanted + " in the systemd unit, 'nofile " + wanted + "' in"
                + " /etc/security/limits.conf, or 'ulimit -Hn " + wanted + "' in a root shell"
                + (host.container() == null ? "" : "; inside a " + host.container() + " container the container's own"
                    + " limit caps it (lxc.prlimit.nofile, docker run --ulimit nofile=...)");
    }

    public static String softLimitFix(long wanted) {
        return "start with 'ulimit -Sn " + wanted + "' (the hard limit allows it) and without -XX:-MaxFDLimit";
    }

    public static String nrOpenFix(HostLimits host, long wanted) {
        return "sysctl -w fs.nr_open=" + wanted + " (and persist it in /etc/sysctl.d/), then raise the nofile limit to match"
            + containerNote(host);
    }

    public static String fileMaxFix(HostLimits host, long wanted) {
        return "sysctl -w fs.file-max=" + wanted + " (and persist it in /etc/sysctl.d/)" + containerNote(host);
    }

    /**
     * Connections one (source address, server address, server port) combination can practically hold:
     * half the ephemeral range, because past that Linux's connect() scans the whole range for every new
     * connection and slows from thousands a second to a few.
     */
    public static long practicalPortsPerDestination(HostLimits host) {
        return (long) (host.portRangeSize() * Rules.FIVE_TUPLE_SLOW);
    }

    /**
     * The 5-tuple's wall: a shortfall only past the whole ephemeral range per (source address, server address,
     * server port), where connect() fails with EADDRNOTAVAIL ({@link Needs#fiveTuple} WALL). Past half of it
     * (SLOW) the connections still fit; the doctor's 5-tuple row warns of the slowdown.
     */
    public static List<Shortfall> ephemeralPorts(HostLimits host, long connections, int serverPorts, int sourceAddresses) {
        List<Shortfall> found = new ArrayList<>();
        if (host.portRangeSize() <= 0) {
            return found;
        }
        Needs.FiveTuple tuple = Needs.fiveTuple(host.portRangeSize(), serverPorts, sourceAddresses, connections);
        if (tuple.status() == Needs.PortStatus.WALL) {
            long portsNeeded = (connections + (long) sourceAddresses * tuple.slowAt() - 1)
                / ((long) sourceAddresses * Math.max(1, tuple.slowAt()));
            found.add(new Shortfall(
                "the 5-tuple capacity (" + serverPorts + " server port(s) x " + sourceAddresses + " source address(es) x "
                    + Quantities.count(tuple.wallAt()) + " ports, the whole ip_local_port_range " + host.portRangeLow() + "-"
                    + host.portRangeHigh() + ")",
                tuple.wallCapacity(), connections,
                portsFix(portsNeeded)));
        }
        return found;
    }

    /** How to widen the 5-tuple; {@code portsNeeded} is the number of server ports that would do with this range. */
    public static String portsFix(long portsNeeded) {
        return "sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\", and/or spread over more server ports (about "
            + portsNeeded + " with this range) or more source addresses (--source-ips)";
    }

    /** Said of host-wide settings when this process runs in a container. */
    public static String containerNote(HostLimits host) {
        return host.container() == null ? "" : "; inside a " + host.container() + " container this is the host's setting: change it on the host";
    }

    /** Needed values rounded up to a tidy figure so the suggested command leaves some room. */
    public static long roundUp(long needed) {
        long step = needed >= 100_000 ? 100_000 : needed >= 10_000 ? 10_000 : 1_000;
        return (needed / step + 1) * step;
    }
}
