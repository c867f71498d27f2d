package lab.c1m.capacity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;

/**
 * The numbers the jars, the Ansible filters and the report share, from rules.properties: the one table,
 * also read by report/c1mlab/rules.py. A missing or malformed key fails at class load, naming the key.
 */
public final class Rules {
    static final String RESOURCE = "/lab/c1m/capacity/rules.properties";
    private static final Properties TABLE = load();

    /** Descriptors a process needs besides its sockets (jars, event loops' epoll/eventfd/timerfd, logs). */
    public static final long DESCRIPTOR_RESERVE = integer("descriptors.reserve");
    public static final long KERNEL_SOCKET_BYTES = integer("kernel.socket_bytes");
    public static final long CONNTRACK_ENTRY_BYTES = integer("conntrack.entry_bytes");
    public static final double MEMORY_MARGIN = fraction("memory.margin_fraction");
    public static final long HEAP_LIVE_BYTES_PER_CONNECTION = integer("heap.live_bytes_per_connection");
    public static final double HEAP_HEADROOM = fraction("heap.headroom_factor");
    public static final long HEAP_YOUNG_MIB = integer("heap.young_mib");
    public static final long JVM_NATIVE_BYTES_PER_CONNECTION = integer("jvm.native_bytes_per_connection");
    public static final long JVM_BASELINE_MIB = integer("jvm.baseline_mib");
    /** User space a connection costs the c-epoll server (an allowance: it keeps nothing per connection by design). */
    public static final long C_EPOLL_BYTES_PER_CONNECTION = integer("c_epoll.bytes_per_connection");
    /** Memory a planned host's own kernel and daemons keep from the service (an allowance, not measured). */
    public static final long HOST_OS_RESERVE_MIB = integer("host.os_reserve_mib");
    public static final double FIVE_TUPLE_SLOW = fraction("five_tuple.slow_fraction");
    public static final double FIVE_TUPLE_WALL = fraction("five_tuple.wall_fraction");
    public static final double TIGHT = fraction("capacity.tight_fraction");
    public static final double CONNTRACK_FULL = fraction("conntrack.full_fraction");
    public static final double HOSTWIDE_MARGIN = fraction("hostwide.margin_fraction");
    public static final long CONNTRACK_LONGEST_CHAIN = integer("conntrack.longest_chain");
    public static final long CONNTRACK_SUGGESTED_CHAIN = integer("conntrack.suggested_chain");
    public static final long TCP_MEM_PAGES_PER_SOCKET = integer("tcp_mem.pages_per_socket");
    public static final double TCP_MEM_MAX_MEMORY = fraction("tcp_mem.max_memory_fraction");
    public static final double TCP_MEM_PRESSURE = fraction("tcp_mem.pressure_fraction");
    public static final double TCP_MEM_LOW = fraction("tcp_mem.low_fraction");
    public static final long HEARTBEAT_DEAD_INTERVALS = integer("heartbeat.dead_intervals");
    public static final long HEARTBEAT_DEAD_MIN_MS = integer("heartbeat.dead_min_ms");
    /** The shortest heartbeat interval any command takes (0 is off). */
    public static final long HEARTBEAT_MIN_MS = integer("heartbeat.min_ms");
    public static final double HEARTBEAT_LATE = fraction("heartbeat.late_fraction");
    public static final long HEARTBEAT_LATE_MIN_MS = integer("heartbeat.late_min_ms");
    public static final long HEARTBEATS_PER_CPU_PER_SECOND = integer("heartbeat.per_cpu_per_second");
    public static final double HEARTBEAT_COMFORTABLE = fraction("heartbeat.comfortable_fraction");
    /** The server's keepalive under --keepalive auto: idle this many heartbeat intervals, at least the minimum. */
    public static final long KEEPALIVE_IDLE_HEARTBEATS = integer("keepalive.idle_heartbeats");
    public static final long KEEPALIVE_IDLE_MIN_SECONDS = integer("keepalive.idle_min_seconds");
    public static final long KEEPALIVE_INTERVAL_SECONDS = integer("keepalive.interval_seconds");
    public static final long KEEPALIVE_PROBES = integer("keepalive.probes");
    /** Packets a CPU must be able to queue (net.core.netdev_max_backlog): bursts of keepalive probes on loopback. */
    public static final long NETDEV_MIN_BACKLOG = integer("netdev.min_backlog");
    public static final long ACCEPTS_PER_SECOND = integer("accept.measured_per_second");
    public static final long ACCEPT_STALL_SECONDS = integer("accept.stall_seconds");
    /** Connections one client CPU opens a second (measured, a floor): the plan's ramp time. */
    public static final long CONNECTS_PER_CLIENT_CPU_PER_SECOND = integer("connect.per_client_cpu_per_second");

    private Rules() {
    }

    /**
     * The heartbeat's dead rule: a connection whose written heartbeat stays unanswered this long is dead,
     * {@code heartbeat.dead_intervals} intervals and at least {@code heartbeat.dead_min_ms}. The client
     * counts dead by it; the server refuses a keepalive that would reap a connection sooner.
     */
    public static Duration heartbeatDeadAfter(Duration interval) {
        return Duration.ofNanos(Math.max(HEARTBEAT_DEAD_INTERVALS * interval.toNanos(),
            HEARTBEAT_DEAD_MIN_MS * 1_000_000L));
    }

    private static Properties load() {
        Properties table = new Properties();
        try (InputStream in = Rules.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            table.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return table;
    }

    static String text(Properties table, String key) {
        String value = table.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("rules.properties has no " + key);
        }
        return value.trim();
    }

    static long integer(Properties table, String key) {
        String value = text(table, key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("rules.properties: " + key + "=" + value + " is not a whole number");
        }
    }

    static double fraction(Properties table, String key) {
        String value = text(table, key);
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("rules.properties: " + key + "=" + value + " is not a number");
        }
        if (d < 0 || Double.isNaN(d)) {
            throw new IllegalStateException("rules.properties: " + key + "=" + value + " is negative");
        }
        return d;
    }

    private static long integer(String key) {
        return integer(TABLE, key);
    }

    private static double fraction(String key) {
        return fraction(TABLE, key);
    }
}
