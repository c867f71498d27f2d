package lab.c1m.capacity.plan;

import lab.c1m.capacity.ServerImpl;

/**
 * The question a plan answers: a target and what is fixed about the hosts. A null shape or a 0 count
 * is the plan's to choose.
 *
 * @param server the server's size, or null: the smallest standard shape that holds the target
 * @param client each client's size, or null: the lab's client VM
 * @param clients how many clients, or 0: the fewest of {@code client}'s size
 * @param serverPorts how many ports the server listens on (the connections are spread over them)
 * @param sourceAddresses local addresses per client, or 0: the fewest the 5-tuple rule wants
 * @param portRangeLow the clients' net.ipv4.ip_local_port_range, low end
 * @param portRangeHigh its high end
 * @param heartbeatSeconds each connection's heartbeat interval, 0 = none
 * @param conntrack whether connection tracking is loaded on the hosts (the lab's kernel role loads it)
 * @param ratePerClient connects a second each client is paced at, 0 = as fast as it goes
 * @param maxOpenFiles the most open files a process may get on these hosts (a container's ceiling), 0 = none
 * @param impl the server that will run (c1m_server_impl): what its host must hold, or, external, no server host at all
 */
public record PlanRequest(
    long connections,
    Shape server,
    Shape client,
    int clients,
    int serverPorts,
    int sourceAddresses,
    int portRangeLow,
    int portRangeHigh,
    double heartbeatSeconds,
    boolean conntrack,
    long ratePerClient,
    long maxOpenFiles,
    ServerImpl impl) {

    public PlanRequest {
        if (impl == null) {
            throw new IllegalArgumentException("no server implementation");
        }
    }

    /** A plan for the lab's Java server. */
    public PlanRequest(long connections, Shape server, Shape client, int clients, int serverPorts, int sourceAddresses,
                       int portRangeLow, int portRangeHigh, double heartbeatSeconds, boolean conntrack, long ratePerClient,
                       long maxOpenFiles) {
        this(connections, server, client, clients, serverPorts, sourceAddresses, portRangeLow, portRangeHigh, heartbeatSeconds,
            conntrack, ratePerClient, maxOpenFiles, ServerImpl.NETTY);
    }

    /** The same question with the clients' number left to the plan (0) and their size fixed. */
    PlanRequest withClients(Shape clientShape, int count) {
        return new PlanRequest(connections, server, clientShape, count, serverPorts, sourceAddresses, portRangeLow, portRangeHigh,
            heartbeatSeconds, conntrack, ratePerClient, maxOpenFiles, impl);
    }

    /** Whether there is a server host to plan: not when the server is external. */
    public boolean plansServer() {
        return impl.onServerHost();
    }

    public int portRangeSize() {
        return portRangeHigh - portRangeLow + 1;
    }
}
