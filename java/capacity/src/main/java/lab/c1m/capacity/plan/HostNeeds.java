package lab.c1m.capacity.plan;

import lab.c1m.capacity.Needs;
import lab.c1m.capacity.doctor.Status;

/**
 * What one host needs for its part of a plan. Every figure comes from lab.c1m.capacity.Needs,
 * the computation the doctor runs on a real host, so a plan and a doctor cannot disagree.
 *
 * @param connections the server's whole target, or one client's share (the largest, shares differ by one)
 * @param sockets connections, plus one listening socket per port on the server
 * @param tracked conntrack entries (0 when conntrack is off)
 * @param descriptors open files the service needs (Needs.descriptors: its LimitNOFILE, at least fs.nr_open)
 * @param usableMemory the shape's memory less the OS reserve (Needs.usableMemoryBytes)
 * @param margin what the host-wide tables get on top (Needs.tableMargin)
 * @param tcpMemPages tcp_mem's max (Needs.tcpMemPages, 4 KiB pages)
 * @param heartbeats the heartbeats a second this host writes (client) or echoes (server); null without
 * @param fiveTuple the client's 5-tuple at its source addresses; null on the server
 * @param connectRate client: connects a second it opens (Needs.connectRate); server: what arrives from all
 * @param rampSeconds client: the time its share takes at that rate (Needs.rampSeconds); server: the longest client's
 * @param listenQueue server: the queue depth a port needs at that rate (Needs.listenQueuePerPort); 0 on a client
 * @param heapMegabytes the -Xmx of the heap rule; 0 on a server without a JVM (c-epoll, command)
 * @param maxOpenFiles the ceiling of open files a process may get there, 0 = none
 */
public record HostNeeds(
    String role,
    Shape shape,
    long connections,
    long sockets,
    long tracked,
    long descriptors,
    Needs.Memory memory,
    long usableMemory,
    long heapMegabytes,
    long margin,
    long tcpMemPages,
    Needs.HeartbeatLoad heartbeats,
    Needs.FiveTuple fiveTuple,
    int sourceAddresses,
    long connectRate,
    double rampSeconds,
    long listenQueue,
    long maxOpenFiles) {

    /** The page size tcp_mem counts in: x86_64's and most aarch64 kernels'. */
    static final long PAGE_BYTES = 4096;

    static HostNeeds server(PlanRequest q, Shape shape, long arrivalPerSecond, double rampSeconds) {
        long n = q.connections();
        long sockets = n + q.serverPorts();
        long tracked = q.conntrack() ? n : 0;
        // The server that will run decides its memory (no heap or JVM without one); never called for an external one.
        return new HostNeeds("server", shape, n, sockets, tracked, Needs.descriptors(sockets), Needs.memory(q.impl(), sockets, n, tracked),
            Needs.usableMemoryBytes(shape.memoryBytes()), q.impl().jvm() ? Needs.heapMegabytes(n) : 0, Needs.tableMargin(n),
            Needs.tcpMemPages(sockets, shape.memoryBytes(), PAGE_BYTES), heartbeats(q, n, shape), null, 0, arrivalPerSecond,
            rampSeconds, Needs.listenQueuePerPort(arrivalPerSecond, q.serverPorts()), q.maxOpenFiles());
    }

    static HostNeeds client(PlanRequest q, Shape shape, long share, int sources) {
        long tracked = q.conntrack() ? share : 0;
        long rate = Needs.connectRate(shape.cpus(), q.ratePerClient());
        return new HostNeeds("client", shape, share, share, tracked, Needs.descriptors(share), Needs.memory(share, share, tracked),
            Needs.usableMemoryBytes(shape.memoryBytes()), Needs.heapMegabytes(share), Needs.tableMargin(share),
            Needs.tcpMemPages(share, shape.memoryBytes(), PAGE_BYTES), heartbeats(q, share, shape),
            Needs.fiveTuple(q.portRangeSize(), q.serverPorts(), sources, share), sources, rate,
            Needs.rampSeconds(share, shape.cpus(), q.ratePerClient()), 0, q.maxOpenFiles());
    }

    private static Needs.HeartbeatLoad heartbeats(PlanRequest q, long connections, Shape shape) {
        return q.heartbeatSeconds() > 0 ? Needs.heartbeats(connections, q.heartbeatSeconds(), shape.cpus()) : null;
    }

    public boolean server() {
        return "server".equals(role);
    }

    /** The doctor's memory verdict for a host of this shape: FAIL short of the estimate, WARN within its margin. */
    public Status memoryStatus() {
        return usableMemory < memory.total() ? Status.FAIL : usableMemory < memory.comfortable() ? Status.WARN : Status.OK;
    }

    /** FAIL when a container's ceiling of open files is below what the service needs. */
    public Status openFilesStatus() {
        return maxOpenFiles > 0 && descriptors > maxOpenFiles ? Status.FAIL : Status.OK;
    }

    /** The doctor's 5-tuple verdict: past the whole range FAIL (EADDRNOTAVAIL), past half of it or its tight share WARN. */
    public Status fiveTupleStatus() {
        if (fiveTuple == null) {
            return Status.OK;
        }
        return switch (fiveTuple.status()) {
            case WALL -> Status.FAIL;
            case SLOW, TIGHT -> Status.WARN;
            case OK -> Status.OK;
        };
    }

    /** The doctor's heartbeat verdict (a client's lag is never a failure): WARN above the comfortable share. */
    public Status heartbeatStatus() {
        return heartbeats == null || heartbeats.comfortable() ? Status.OK : Status.WARN;
    }

    /** Whether this host holds its part: nothing the doctor would FAIL. */
    public boolean holds() {
        return memoryStatus() != Status.FAIL && openFilesStatus() != Status.FAIL && fiveTupleStatus() != Status.FAIL;
    }

    /** Whether it holds with nothing the doctor would WARN about. */
    public boolean comfortable() {
        return holds() && memoryStatus() == Status.OK && fiveTupleStatus() == Status.OK && heartbeatStatus() == Status.OK;
    }
}
