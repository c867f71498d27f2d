package lab.c1m.capacity.doctor;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.common.notation.PortList;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.notation.SourceAddresses;

/**
 * What this host is about to do: its role, its share of the connections and how the service will run.
 * Every value the doctor needs derives from this, never from fixed numbers.
 *
 * @param nofileSoft the service's soft open-files limit (its LimitNOFILE), or -1 to use this process's own
 * @param nofileHard the service's hard open-files limit, or -1 to use this process's own
 * @param heapBytes the service's -Xmx, or -1 when not given
 * @param rate new connections per second arriving (server) or made (client); 0 when not given
 * @param jvmRaisesSoftLimit whether a JVM started like this one raises its soft open-files limit to the
 *     hard one (HotSpot's -XX:+MaxFDLimit, the default)
 * @param heartbeatNanos client: how often each connection sends a heartbeat; 0 when none or not given
 * @param cpus the CPUs the service will have (this host's by default)
 * @param impl the server that will run (the server role's --impl); a client is always the lab's Java client; never
 *     external (no server host to judge)
 */
public record HostShare(
    Role role,
    long connections,
    PortList ports,
    int sourceAddresses,
    long rate,
    long heapBytes,
    long nofileSoft,
    long nofileHard,
    boolean jvmRaisesSoftLimit,
    long heartbeatNanos,
    int cpus,
    ServerImpl impl) {

    public HostShare {
        if (impl == null) {
            throw new IllegalArgumentException("no server implementation");
        }
        if (role == Role.CLIENT && impl != ServerImpl.NETTY) {
            throw new IllegalArgumentException("'" + impl.label() + "' names a server, and this is a client (always the lab's"
                + " Java client): leave --impl out, or use --role server");
        }
        if (!impl.onServerHost()) {
            // Refused rather than judged: a table for a host the server does not run on would read as a passed one.
            throw new IllegalArgumentException(Needs.NO_SERVER_HOST + "; the doctor judges the clients only (--role client)");
        }
    }

    /** The Java server's (or a client's) share. */
    public HostShare(Role role, long connections, PortList ports, int sourceAddresses, long rate, long heapBytes,
                long nofileSoft, long nofileHard, boolean jvmRaisesSoftLimit, long heartbeatNanos, int cpus) {
        this(role, connections, ports, sourceAddresses, rate, heapBytes, nofileSoft, nofileHard, jvmRaisesSoftLimit,
            heartbeatNanos, cpus, ServerImpl.NETTY);
    }

    /** A share without heartbeats, on this host's CPUs, for the Java server or a client. */
    public HostShare(Role role, long connections, PortList ports, int sourceAddresses, long rate, long heapBytes,
                long nofileSoft, long nofileHard, boolean jvmRaisesSoftLimit) {
        this(role, connections, ports, sourceAddresses, rate, heapBytes, nofileSoft, nofileHard, jvmRaisesSoftLimit, 0,
            Runtime.getRuntime().availableProcessors());
    }

    /** The same share, held by another server. */
    public HostShare withImpl(ServerImpl other) {
        return new HostShare(role, connections, ports, sourceAddresses, rate, heapBytes, nofileSoft, nofileHard,
            jvmRaisesSoftLimit, heartbeatNanos, cpus, other);
    }

    /** Headroom asked on top of the share for host-wide tables: other processes, retried connects, TIME_WAIT. */
    static final double MARGIN = Rules.HOSTWIDE_MARGIN;

    private static final Pattern HEAP = Pattern.compile("(\\d+)([kmgt]?)");
    private static final Pattern SIMPLE_COUNT = Pattern.compile("\\d+(?:\\.\\d+)?[km]?");

    public enum Role {
        SERVER,
        CLIENT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "server" -> SERVER;
                case "client" -> CLIENT;
                default -> throw new IllegalArgumentException("'" + text + "' is not a role: use server or client");
            };
        }
    }

    public boolean server() {
        return role == Role.SERVER;
    }

    /**
     * Whether the service raises its own soft open-files limit to the hard one at start, so that only the hard
     * limit can stop it. HotSpot does unless started with -XX:-MaxFDLimit (jvmRaisesSoftLimit: the doctor's
     * own JVM, started as the jar's service is); the c-epoll server does too (check_open_files in
     * servers/c-epoll/c1m-epoll-server.c); a user's command is not known to, so its soft limit is the one it
     * has.
     */
    public boolean serviceRaisesSoftLimit() {
        return switch (impl) {
            case NETTY -> jvmRaisesSoftLimit;
            case C_EPOLL -> true;
            case COMMAND -> false;
            case EXTERNAL -> throw new IllegalStateException(Needs.NO_SERVER_HOST);  // the constructor refuses it
        };
    }

    /** Sockets the service holds: every connection, plus one listening socket per port on the server. */
    public long sockets() {
        return connections + (server() ? ports.size() : 0);
    }

    /** "1,000,000 connections + 20 listening", the words behind {@link #sockets()}. */
    public String socketsText() {
        return Fmt.count(connections) + " connections" + (server() ? " + " + ports.size() + " listening" : "");
    }

    /** Connections conntrack would track on this host: one entry per connection, whichever end it is. */
    public long tracked() {
        return connections;
    }

    public long margin() {
        return Needs.tableMargin(connections);
    }

    public boolean nofileGiven() {
        return nofileHard >= 0;
    }

    /** The service's -Xmx: {@code 1400m}, {@code 2g}, {@code 512M} or bytes, as the JVM takes it. */
    public static long parseHeap(String text) {
        Matcher m = HEAP.matcher(text.trim().toLowerCase(Locale.ROOT).replaceFirst("^-xmx", ""));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a heap size: use what -Xmx takes, e.g. 1400m or 2g");
        }
        long value = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (value <= 0 || value > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("'" + text + "' is not a usable heap size");
        }
        return value << shift;
    }

    /** {@code N} (both limits, as LimitNOFILE=N sets them) or {@code SOFT:HARD}; {@code infinity} is unlimited. */
    public static long[] parseNofile(String text) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("'" + text + "' is not an open-files limit: use N or SOFT:HARD, e.g. 1048576");
        }
        long soft = nofile(parts[0], text);
        long hard = parts.length == 2 ? nofile(parts[1], text) : soft;
        if (soft > hard) {
            throw new IllegalArgumentException("'" + text + "': the soft limit is above the hard one");
        }
        return new long[] {soft, hard};
    }

    private static long nofile(String part, String whole) {
        String p = part.trim().toLowerCase(Locale.ROOT);
        if (p.equals("infinity") || p.equals("unlimited")) {
            return Long.MAX_VALUE;
        }
        try {
            long n = Quantities.parseCount(p);
            if (n < 1) {
                throw new IllegalArgumentException("'" + whole + "': an open-files limit must be at least 1");
            }
            return n;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + whole + "' is not an open-files limit: use N or SOFT:HARD, e.g. 1048576", e);
        }
    }

    /**
     * Source addresses the client connects from: a number ({@code 4}), a list ({@code 10.0.0.2,10.0.0.3}) or
     * IPv4 networks ({@code 10.0.0.0/30}: its usable host addresses, as the client counts them).
     */
    public static int countSources(String text) {
        String t = text.trim();
        if (SIMPLE_COUNT.matcher(t.toLowerCase(Locale.ROOT)).matches() && !t.contains(".")) {
            long n = Quantities.parseCount(t);
            if (n < 1) {
                throw new IllegalArgumentException("'" + text + "': at least one source address");
            }
            return (int) n;
        }
        return SourceAddresses.parse(t).size();
    }
}
