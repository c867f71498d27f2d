package lab.c1m.capacity;

/**
 * What a host needs for its share, from the numbers in {@link Rules}. report/c1mlab/capacity.py computes
 * the same; tests/vectors/capacity.json holds the cases both must agree on (CapacityVectorsTest).
 */
public final class Needs {
    private static final long MIB = 1L << 20;
    /** Why an external server has no memory, no share and no doctor here (capacity.py says the same). */
    public static final String NO_SERVER_HOST = "the server is external (outside the lab): there is no server host to count or judge";

    private Needs() {
    }

    /** Open files a process needs to hold that many sockets (connections or listeners). */
    public static long descriptors(long sockets) {
        return sockets + Rules.DESCRIPTOR_RESERVE;
    }

    public static long liveHeapBytes(long connections) {
        return connections * Rules.HEAP_LIVE_BYTES_PER_CONNECTION;
    }

    /** The heap rule: the live set times the headroom factor, plus a young generation. */
    public static long heapBytes(long connections) {
        return (long) Math.ceil(liveHeapBytes(connections) * Rules.HEAP_HEADROOM) + Rules.HEAP_YOUNG_MIB * MIB;
    }

    /** heapBytes in whole MiB, rounded up: the -Xmx<N>m the roles give a jar. */
    public static long heapMegabytes(long connections) {
        return (heapBytes(connections) + MIB - 1) / MIB;
    }

    /**
     * What a share costs in memory.
     *
     * @param heap the heap rule's -Xmx; 0 for a server without a JVM
     * @param nativeBytes the process's memory besides its heap: the JVM's native memory, or the user space a
     *     server without a JVM is counted for (0 when it is not known before the run)
     */
    public record Memory(long kernel, long conntrack, long heap, long nativeBytes, long total, long comfortable) {
    }

    /** The kernel's sockets, conntrack entries (0 if untracked), the heap rule and the JVM's native memory. */
    public static Memory memory(long sockets, long connections, long tracked) {
        long heap = heapBytes(connections);
        long nativeBytes = Rules.JVM_BASELINE_MIB * MIB + connections * Rules.JVM_NATIVE_BYTES_PER_CONNECTION;
        return memory(sockets, tracked, heap, nativeBytes);
    }

    /**
     * The same for the server that will run: the Java one as above; the c-epoll server has no JVM, only its
     * rule's user space a connection; a user's command is counted for the kernel alone, since nothing tells
     * its own memory before it runs (the report measures its RSS from outside afterwards). An external server
     * runs on no host of the lab: there is nothing to count, and asking is a mistake.
     *
     * @throws IllegalArgumentException for {@link ServerImpl#EXTERNAL}
     */
    public static Memory memory(ServerImpl impl, long sockets, long connections, long tracked) {
        return switch (impl) {
            case NETTY -> memory(sockets, connections, tracked);
            case C_EPOLL -> memory(sockets, tracked, 0, connections * Rules.C_EPOLL_BYTES_PER_CONNECTION);
            case COMMAND -> memory(sockets, tracked, 0, 0);
            case EXTERNAL -> throw new IllegalArgumentException(NO_SERVER_HOST);
        };
    }

    private static Memory memory(long sockets, long tracked, long heap, long nativeBytes) {
        long kernel = sockets * Rules.KERNEL_SOCKET_BYTES;
        long conntrack = tracked * Rules.CONNTRACK_ENTRY_BYTES;
        long total = kernel + conntrack + heap + nativeBytes;
        return new Memory(kernel, conntrack, heap, nativeBytes, total, (long) Math.ceil(total * (1 + Rules.MEMORY_MARGIN)));
    }

    public enum PortStatus { OK, TIGHT, SLOW, WALL }

    /**
     * The 5-tuple: each (source address, server address, server port) draws on ip_local_port_range. Past the
     * slow share connect() crawled on Linux 6.1; past the wall share the ports are gone (EADDRNOTAVAIL).
     */
    public record FiveTuple(long combinations, long perCombination, long slowAt, long wallAt, PortStatus status) {
        public long slowCapacity() {
            return slowAt * combinations;
        }

        public long wallCapacity() {
            return wallAt * combinations;
        }
    }

    public static FiveTuple fiveTuple(long rangeSize, long serverPorts, long sourceAddresses, long connections) {
        long combinations = Math.max(serverPorts, 1) * Math.max(sourceAddresses, 1);
        long per = (connections + combinations - 1) / combinations;
        long slowAt = (long) (rangeSize * Rules.FIVE_TUPLE_SLOW);
        long wallAt = (long) (rangeSize * Rules.FIVE_TUPLE_WALL);
        PortStatus status = per > wallAt ? PortStatus.WALL
            : per > slowAt ? PortStatus.SLOW
            : per > slowAt * Rules.TIGHT ? PortStatus.TIGHT
            : PortStatus.OK;
        return new FiveTuple(combinations, per, slowAt, wallAt, status);
    }

    /** The conntrack table is as full as the kernel starts dropping new connections at. */
    public static boolean conntrackFull(long count, long max) {
        return max > 0 && count >= max * Rules.CONNTRACK_FULL;
    }

    public record HeartbeatLoad(double perSecond, double perCpu, long capacityPerCpu, boolean comfortable) {
    }

    public static HeartbeatLoad heartbeats(long connections, double intervalSeconds, int cpus) {
        double rate = connections / intervalSeconds;
        double perCpu = rate / Math.max(cpus, 1);
        return new HeartbeatLoad(rate, perCpu, Rules.HEARTBEATS_PER_CPU_PER_SECOND,
            perCpu <= Rules.HEARTBEATS_PER_CPU_PER_SECOND * Rules.HEARTBEAT_COMFORTABLE);
    }

    /** What is asked on top of {@code connections} for a host-wide table: the margin, rounded up. */
    public static long tableMargin(long connections) {
        return (long) Math.ceil(connections * Rules.HOSTWIDE_MARGIN);
    }

    /** conntrack hash buckets below which chains get long: {@code entries} / the longest average chain. */
    public static long conntrackBucketsNeeded(long entries) {
        return ceilDiv(entries, Rules.CONNTRACK_LONGEST_CHAIN);
    }

    /** The hash size suggested for {@code entries}: chains of conntrack.suggested_chain when full. */
    public static long conntrackBucketsSuggested(long entries) {
        return ceilDiv(entries, Rules.CONNTRACK_SUGGESTED_CHAIN);
    }

    /** The listen-queue depth a port needs: what arrives at {@code perSecond} while accept stalls, per port. */
    public static long listenQueuePerPort(long perSecond, long ports) {
        return ceilDiv(perSecond * Rules.ACCEPT_STALL_SECONDS, Math.max(ports, 1));
    }

    /** tcp_mem's max in pages: a page per socket, at most tcp_mem.max_memory_fraction of memory. */
    public static long tcpMemPages(long sockets, long memoryBytes, long pageBytes) {
        long need = sockets * Rules.TCP_MEM_PAGES_PER_SOCKET;
        long cap = memoryBytes > 0 ? (long) (memoryBytes / pageBytes * Rules.TCP_MEM_MAX_MEMORY) : Long.MAX_VALUE;
        return Math.min(need, cap);
    }

    /** tcp_mem's three values for that max, "low pressure max": the rules' shares of it, rounded down. */
    public static long[] tcpMemTriple(long maxPages) {
        return new long[] {(long) (maxPages * Rules.TCP_MEM_LOW), (long) (maxPages * Rules.TCP_MEM_PRESSURE), maxPages};
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Memory a host of {@code memoryBytes} leaves a service: less what its own kernel and daemons keep. */
    public static long usableMemoryBytes(long memoryBytes) {
        return Math.max(0, memoryBytes - Rules.HOST_OS_RESERVE_MIB * MIB);
    }

    /**
     * Connections a client opens a second: its CPUs at the measured rate, or {@code pacedPerSecond} (its
     * --rate) when that is lower; 0 = not paced.
     */
    public static long connectRate(int cpus, long pacedPerSecond) {
        long measured = Math.max(cpus, 1) * Rules.CONNECTS_PER_CLIENT_CPU_PER_SECOND;
        return pacedPerSecond > 0 ? Math.min(pacedPerSecond, measured) : measured;
    }

    /** Seconds a ramp takes: every client opens its share at {@link #connectRate}, all at once. */
    public static double rampSeconds(long share, int cpus, long pacedPerSecond) {
        return share / (double) connectRate(cpus, pacedPerSecond);
    }
}
