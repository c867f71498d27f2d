package lab.c1m.capacity.plan;

import java.util.ArrayList;
import java.util.List;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;
import lab.c1m.capacity.doctor.Fmt;
import lab.c1m.capacity.doctor.Status;

/**
 * The plan's choices: the smallest standard server that holds the target, the fewest clients of the
 * client size, the fewest source addresses the 5-tuple rule wants, and, for hosts that are fixed (an
 * inventory), what to add when they cannot hold it. Every judgement is a doctor's (HostNeeds). An external server is
 * not planned: the clients are sized and judged alone.
 */
public final class Sizing {
    /** Stops the search for clients: past this the answer is "bigger clients", not more of them. */
    static final int MOST_CLIENTS = 100_000;
    static final int MOST_SOURCES = 65_536;

    private Sizing() {
    }

    /**
     * The answer. {@code additions} names what a fixed inventory lacks (empty when it holds the target);
     * {@code notes} what the doctor would warn about. {@code server} is null when the server is external: the
     * clients alone are judged.
     */
    public record Result(PlanRequest request, HostNeeds server, HostNeeds client, int clients, String serverChoice,
                         String clientChoice, List<String> additions, List<String> notes) {
        public boolean fits() {
            return (server == null || server.holds()) && client.holds();
        }

        /** Whether the plan has a server host (not when the server is external). */
        public boolean hasServer() {
            return server != null;
        }

        /** The shares: {@code clients} hosts, the first {@code larger} with one connection more. */
        public long smallerShare() {
            return request.connections() / clients;
        }

        public long largerShares() {
            return request.connections() % clients;
        }
    }

    public static Result plan(PlanRequest q) {
        Shape clientShape = resolve(q.client(), Shape.LAB_CLIENT);
        int clients = q.clients() > 0 ? q.clients() : fewestClients(q, clientShape);
        String clientChoice = q.clients() > 0 ? "given" : "the fewest of " + clientShape.size() + " that hold it";
        HostNeeds client = client(q, clientShape, clients);
        long arrival = client.connectRate() * clients;
        List<String> additions = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!q.plansServer()) {
            externalNotes(q, notes);
            clientAdditions(q, client, clientShape, clients, additions, notes);
            return new Result(q, null, client, clients, q.impl().label(), clientChoice, additions, notes);
        }
        HostNeeds server = q.server() != null && q.server().memoryBytes() > 0
            ? HostNeeds.server(q, resolve(q.server(), Shape.LAB_SERVER), arrival, client.rampSeconds())
            : smallestServer(q, arrival, client.rampSeconds());
        serverAdditions(q, server, arrival, client.rampSeconds(), additions);
        clientAdditions(q, client, clientShape, clients, additions, notes);
        if (server.memoryStatus() == Status.WARN) {
            notes.add("server memory is within the estimate's " + Math.round(Rules.MEMORY_MARGIN * 100) + "% margin"
                + " (memory.margin_fraction): the doctor WARNs; " + Fmt.bytes(server.memory().comfortable()
                + Rules.HOST_OS_RESERVE_MIB * (1L << 20)) + " of memory would be comfortable");
        }
        if (server.heartbeatStatus() != Status.OK) {
            notes.add("the server echoes " + Fmt.count(Math.round(server.heartbeats().perCpu())) + " heartbeats a second a CPU,"
                + " more than half of what one client CPU keeps (heartbeat.per_cpu_per_second, no server figure yet):"
                + " more server CPUs or a longer heartbeat");
        }
        return new Result(q, server, client, clients, server.shape().origin(), clientChoice, additions, notes);
    }

    /** What a plan without a server host says instead of the server's figures. */
    private static void externalNotes(PlanRequest q, List<String> notes) {
        notes.add("the server is external: it is outside the lab, which neither tunes nor measures it; its memory, open"
            + " files, conntrack and listen queues are its owner's to size, and this plan judges the clients only");
        if (q.server() != null) {
            notes.add("--server-memory and --server-cpus are ignored: there is no server host to plan when the server is external");
        }
    }

        /** A shape with what was not given filled in: memory from the standard sizes, CPUs at 4 GiB a CPU. */
    static Shape resolve(Shape given, Shape lab) {
        if (given == null || given.memoryBytes() <= 0 && given.cpus() <= 0) {
            return lab;
        }
        if (given.cpus() <= 0) {
            return new Shape(given.memoryBytes(), (int) Math.max(2, given.memoryBytes() / (4 * Shape.GIB)), "given");
        }
        return given.memoryBytes() > 0 ? given.withOrigin("given") : new Shape(lab.memoryBytes(), given.cpus(), "given");
    }

    static HostNeeds client(PlanRequest q, Shape shape, int clients) {
        long share = Fmt.ceilDiv(q.connections(), clients);
        int sources = q.sourceAddresses() > 0 ? q.sourceAddresses() : fewestSources(q, share);
        return HostNeeds.client(q, shape, share, sources);
    }

    /** The fewest source addresses at which one client's share keeps the 5-tuple OK (below its tight share). */
    static int fewestSources(PlanRequest q, long share) {
        long comfortable = (long) (q.portRangeSize() * Rules.FIVE_TUPLE_SLOW * Rules.TIGHT);
        int sources = (int) Math.max(1, Math.min(MOST_SOURCES, share / Math.max(1, comfortable * q.serverPorts())));
        while (sources < MOST_SOURCES
            && Needs.fiveTuple(q.portRangeSize(), q.serverPorts(), sources, share).status() != Needs.PortStatus.OK) {
            sources++;
        }
        return sources;
    }

    /** The fewest clients of this shape that hold the target comfortably (memory in its margin, heartbeats kept). */
    static int fewestClients(PlanRequest q, Shape shape) {
        for (int clients = 1; clients < MOST_CLIENTS && clients <= q.connections(); clients++) {
            HostNeeds c = client(q, shape, clients);
            // Clients are cheap to add: the fewest that leave the doctor nothing to warn about on memory or heartbeats.
            if (c.holds() && c.memoryStatus() == Status.OK && c.heartbeatStatus() == Status.OK) {
                return clients;
            }
        }
        return (int) Math.min(MOST_CLIENTS, Math.max(1, q.connections()));
    }

    /** The smallest standard server shape that holds the target (with the CPUs given, if any), else the largest. */
    static HostNeeds smallestServer(PlanRequest q, long arrival, double ramp) {
        HostNeeds last = null;
        for (Shape s : Shape.standard(Shape.LAB_SERVER)) {
            Shape shape = q.server() != null && q.server().cpus() > 0 ? new Shape(s.memoryBytes(), q.server().cpus(), s.origin()) : s;
            last = HostNeeds.server(q, shape.withOrigin("the smallest standard shape that holds it (" + s.origin() + ")"), arrival, ramp);
            if (last.holds()) {
                return last;
            }
        }
        return last;
    }

    private static void serverAdditions(PlanRequest q, HostNeeds server, long arrival, double ramp, List<String> additions) {
        if (server.memoryStatus() == Status.FAIL) {
            long needed = server.memory().total() + Rules.HOST_OS_RESERVE_MIB * (1L << 20);
            HostNeeds next = smallestServer(q, arrival, ramp);
            additions.add("a server with at least " + Fmt.bytes(needed) + " of memory (it has " + Fmt.bytes(server.shape().memoryBytes())
                + ")" + (next.holds() ? "; the smallest standard shape that holds it: " + next.shape().size()
                    : "; more than the largest standard shape: spread the target over more servers (one run each)"));
        }
        if (server.openFilesStatus() == Status.FAIL) {
            additions.add("an open-files ceiling of at least " + Fmt.count(server.descriptors()) + " for the server (it is "
                + Fmt.count(q.maxOpenFiles()) + "): raise the container's own limit (lxc.prlimit.nofile, docker --ulimit),"
                + " or a VM; no number of clients helps the server");
        }
    }

    private static void clientAdditions(PlanRequest q, HostNeeds client, Shape shape, int clients, List<String> additions,
                                        List<String> notes) {
        if (client.memoryStatus() == Status.FAIL || client.openFilesStatus() == Status.FAIL) {
            PlanRequest free = q.withClients(shape, 0);
            int needed = fewestClients(free, shape);
            HostNeeds enough = client(free, shape, needed);
            additions.add(enough.holds()
                ? (needed - clients) + " more client(s) of " + shape.size() + " (" + needed + " in all, "
                    + Fmt.count(enough.connections()) + " each)"
                : "larger clients: one of " + shape.size() + " holds next to nothing");
        }
        if (client.fiveTupleStatus() == Status.FAIL) {
            int sources = fewestSources(q, client.connections());
            long slowAt = client.fiveTuple().slowAt();
            additions.add(sources + " source addresses per client (c1m_source_ips), or "
                + Fmt.ceilDiv(client.connections(), (long) client.sourceAddresses() * slowAt) + " server ports, or a wider"
                + " ip_local_port_range: " + Fmt.count(client.fiveTuple().perCombination()) + " connections per (source address,"
                + " server address, server port) is past the whole range of " + Fmt.count(q.portRangeSize()) + " ports"
                + " (EADDRNOTAVAIL)");
        } else if (client.fiveTupleStatus() == Status.WARN) {
            notes.add("the 5-tuple is " + (client.fiveTuple().status() == lab.c1m.capacity.Needs.PortStatus.SLOW
                ? "past half of ip_local_port_range (" + Fmt.count(client.fiveTuple().perCombination()) + " per combination of "
                    + Fmt.count(client.fiveTuple().slowAt()) + "): it fits, but connect() crawled there on Linux 6.1"
                : "tight (" + Fmt.count(client.fiveTuple().perCombination()) + " per combination)") + ": the doctor WARNs; "
                + fewestSources(q, client.connections()) + " source addresses per client leave room");
        }
        if (client.memoryStatus() == Status.WARN) {
            notes.add("client memory is within the estimate's margin (memory.margin_fraction): the doctor WARNs");
        }
        if (client.heartbeatStatus() != Status.OK) {
            long kept = (long) Math.ceil(client.connections()
                / (client.heartbeats().capacityPerCpu() * Rules.HEARTBEAT_COMFORTABLE * shape.cpus()));
            notes.add("each client writes " + Fmt.count(Math.round(client.heartbeats().perCpu())) + " heartbeats a second a CPU,"
                + " more than the comfortable share of " + Fmt.count(client.heartbeats().capacityPerCpu()) + " (the doctor WARNs,"
                + " the clients lag): a heartbeat of " + kept + "s or more, or more clients");
        }
    }
}
