package lab.c1m.capacity.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.capacity.doctor.Fmt;
import lab.c1m.capacity.doctor.NotApplicable;

/**
 * A plan's figures, host by host, each with the rule (the rules.properties key) it comes from. The server's are
 * those of the server that will run (--impl); an external server has none.
 */
final class PlanFigures {
    private PlanFigures() {
    }

    static List<Figure> of(Sizing.Result r) {
        List<Figure> out = new ArrayList<>();
        if (r.hasServer()) {
            host(out, r, r.server());
        }
        host(out, r, r.client());
        return out;
    }

    private static void host(List<Figure> out, Sizing.Result r, HostNeeds h) {
        String who = h.server() ? "server" : "client";
        PlanRequest q = r.request();
        out.add(Figure.of(who, "shape", h.shape().size() + (h.server() ? "" : " x " + r.clients()),
            h.server() ? h.shape().origin() : r.clientChoice()));
        if (!h.server()) {
            out.add(Figure.of(who, "share", Fmt.count(h.connections()) + (r.largerShares() == 0 ? " each"
                : " on " + r.largerShares() + ", " + Fmt.count(r.smallerShare()) + " on " + (r.clients() - r.largerShares())),
                Fmt.count(q.connections()) + " / " + r.clients() + " clients, shares differ by at most one"));
        }
        var m = h.memory();
        out.add(Figure.of(who, "kernel memory", Fmt.bytes(m.kernel()), Fmt.count(h.sockets()) + " sockets x "
            + Fmt.count(Rules.KERNEL_SOCKET_BYTES) + " B (kernel.socket_bytes)"));
        out.add(Figure.of(who, "conntrack memory", q.conntrack() ? Fmt.bytes(m.conntrack()) : "0 (conntrack off)",
            Fmt.count(h.tracked()) + " entries x " + Rules.CONNTRACK_ENTRY_BYTES + " B (conntrack.entry_bytes)"));
        // A client is always the lab's Java client; the server is the one that will run.
        ServerImpl impl = h.server() ? q.impl() : ServerImpl.NETTY;
        processMemory(out, who, h, impl);
        out.add(new Figure(who, "memory", Fmt.bytes(m.total()) + " needed, OK from " + Fmt.bytes(m.comfortable()) + "; "
            + Fmt.bytes(h.usableMemory()) + " usable, " + left(h) + " left"
            + (impl == ServerImpl.COMMAND ? " for your server's own memory (not counted: the report measures it after the run)" : ""),
            "the sum; +" + pct(Rules.MEMORY_MARGIN) + " (memory.margin_fraction); usable = " + Fmt.bytes(h.shape().memoryBytes())
                + " - " + Rules.HOST_OS_RESERVE_MIB + " MiB for the OS (host.os_reserve_mib)", h.memoryStatus()));
        long wanted = Capacity.roundUp(h.descriptors());
        out.add(new Figure(who, "LimitNOFILE, fs.nr_open", ">= " + Fmt.count(h.descriptors()) + " (set " + Fmt.count(wanted) + ")",
            Fmt.count(h.sockets()) + " sockets + " + Rules.DESCRIPTOR_RESERVE + " (descriptors.reserve)"
                + (h.maxOpenFiles() > 0 ? "; this host's ceiling: " + Fmt.count(h.maxOpenFiles()) : ""), h.openFilesStatus()));
        long withMargin = h.sockets() + h.margin();
        out.add(Figure.of(who, "fs.file-max", ">= " + Fmt.count(withMargin) + " + what else is open (set "
            + Fmt.count(Capacity.roundUp(withMargin)) + ")", "sockets + " + pct(Rules.HOSTWIDE_MARGIN) + " (hostwide.margin_fraction)"));
        out.add(Figure.of(who, "fs.epoll.max_user_watches", ">= " + Fmt.count(withMargin) + " (set "
            + Fmt.count(Capacity.roundUp(withMargin)) + ")", "one watch a socket + " + pct(Rules.HOSTWIDE_MARGIN)
            + " (hostwide.margin_fraction)"));
        if (q.conntrack()) {
            long entries = h.tracked() + h.margin();
            out.add(Figure.of(who, "nf_conntrack_max", ">= " + Fmt.count(entries) + " (set " + Fmt.count(Capacity.roundUp(entries))
                + "); hashsize " + Fmt.count(lab.c1m.capacity.Needs.conntrackBucketsSuggested(entries)),
                "a connection each + " + pct(Rules.HOSTWIDE_MARGIN) + "; chains of " + Rules.CONNTRACK_SUGGESTED_CHAIN
                    + " (conntrack.suggested_chain); or NOTRACK and skip it"));
        } else {
            out.add(Figure.of(who, "nf_conntrack_max", "not needed (conntrack off)", "keep the module unloaded, or NOTRACK"));
        }
        long[] t = Needs.tcpMemTriple(h.tcpMemPages());
        out.add(Figure.of(who, "net.ipv4.tcp_mem", "\"" + t[0] + " " + t[1] + " " + t[2] + "\" pages",
            Rules.TCP_MEM_PAGES_PER_SOCKET + " page a socket, at most " + pct(Rules.TCP_MEM_MAX_MEMORY)
                + " of memory (tcp_mem.*); pressure " + pct(Rules.TCP_MEM_PRESSURE) + ", low " + pct(Rules.TCP_MEM_LOW)));
        if (h.server()) {
            out.add(Figure.of(who, "somaxconn, tcp_max_syn_backlog", ">= " + Fmt.count(h.listenQueue()) + " a port (the lab sets 65,535)",
                Fmt.count(h.connectRate()) + " connects/s arriving x " + Rules.ACCEPT_STALL_SECONDS + " s (accept.stall_seconds) / "
                    + q.serverPorts() + " ports"));
        } else {
            var f = h.fiveTuple();
            out.add(new Figure(who, "5-tuple: source addresses", h.sourceAddresses() + (q.sourceAddresses() > 0 ? " (given)" : "") + ": "
                + Fmt.count(f.perCombination()) + " per (source, server address, port), slow past " + Fmt.count(f.slowAt()),
                q.serverPorts() + " ports x " + h.sourceAddresses() + " x " + pct(Rules.FIVE_TUPLE_SLOW) + " of ip_local_port_range "
                    + q.portRangeLow() + "-" + q.portRangeHigh() + " (five_tuple.slow_fraction; OK below "
                    + pct(Rules.TIGHT) + " of it, capacity.tight_fraction)", h.fiveTupleStatus()));
        }
        if (!h.server()) {
            out.add(Figure.of(who, "ip_local_port_range", "\"" + q.portRangeLow() + " " + q.portRangeHigh() + "\" ("
                + Fmt.count(q.portRangeSize()) + " ports)", "--port-range; the wider, the fewer source addresses"));
        }
        if (h.heartbeats() != null) {
            var b = h.heartbeats();
            out.add(new Figure(who, h.server() ? "heartbeat echoes" : "heartbeats", Fmt.count(Math.round(b.perSecond())) + "/s, "
                + Fmt.count(Math.round(b.perCpu())) + "/s a CPU", "<= " + pct(Rules.HEARTBEAT_COMFORTABLE) + " of "
                + Fmt.count(b.capacityPerCpu()) + " a CPU (heartbeat.per_cpu_per_second, heartbeat.comfortable_fraction)"
                + (h.server() ? "; measured on a client: an estimate for the server" : ""), h.heartbeatStatus()));
        }
        out.add(Figure.of(who, h.server() ? "ramp" : "connect rate", h.server()
            ? String.format(Locale.ROOT, "%.1f s at %s connects/s", h.rampSeconds(), Fmt.count(h.connectRate()))
            : Fmt.count(h.connectRate()) + "/s, " + String.format(Locale.ROOT, "%.1f s for its share", h.rampSeconds()),
            h.server() ? r.clients() + " clients at once, each at its connect rate; accepting was never the limit measured"
                : h.shape().cpus() + " CPUs x " + Fmt.count(Rules.CONNECTS_PER_CLIENT_CPU_PER_SECOND)
                    + " (connect.per_client_cpu_per_second, a floor)" + (q.ratePerClient() > 0 ? ", paced at "
                    + Fmt.count(q.ratePerClient()) + "/s" : "")));
    }

    /** The service's own memory besides the kernel's: the JVM's heap and native memory, or a server's user space. */
    private static void processMemory(List<Figure> out, String who, HostNeeds h, ServerImpl impl) {
        var m = h.memory();
        if (impl.jvm()) {
            out.add(Figure.of(who, "JVM heap", "-Xmx" + h.heapMegabytes() + "m (" + Fmt.bytes(m.heap()) + ")",
                Fmt.count(h.connections()) + " x " + Rules.HEAP_LIVE_BYTES_PER_CONNECTION + " B x " + Rules.HEAP_HEADROOM + " + "
                    + Rules.HEAP_YOUNG_MIB + " MiB young (heap.live_bytes_per_connection, heap.headroom_factor, heap.young_mib:"
                    + " the roles' -Xmx and the doctor's heap row)"));
            out.add(Figure.of(who, "JVM native", Fmt.bytes(m.nativeBytes()), Rules.JVM_BASELINE_MIB + " MiB + "
                + Rules.JVM_NATIVE_BYTES_PER_CONNECTION + " B a connection (jvm.baseline_mib, jvm.native_bytes_per_connection)"));
            return;
        }
        // The row stays, saying why it is empty: a missing row would read as a heap nobody needs to size.
        out.add(Figure.of(who, "JVM heap", "none: not counted, " + NotApplicable.noHeap(impl),
            "heap.* and jvm.* are the Java server's (the doctor has no heap row either)"));
        if (impl == ServerImpl.C_EPOLL) {
            out.add(Figure.of(who, "c-epoll user space", Fmt.bytes(m.nativeBytes()), Fmt.count(h.connections()) + " x "
                + Rules.C_EPOLL_BYTES_PER_CONNECTION + " B (c_epoll.bytes_per_connection); its descriptor and epoll item are the"
                + " kernel's"));
        } else {
            out.add(Figure.of(who, "your server's memory", "not counted: the lab knows nothing of it before it runs",
                "the report measures its RSS from outside after the run; leave room for it in what is left"));
        }
    }

        private static String left(HostNeeds h) {
        long left = h.usableMemory() - h.memory().total();
        return left < 0 ? "-" + Fmt.bytes(-left) : Fmt.bytes(left);
    }

    static String pct(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? Long.toString(Math.round(p)) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }
}
