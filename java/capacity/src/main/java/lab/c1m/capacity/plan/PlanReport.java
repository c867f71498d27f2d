package lab.c1m.capacity.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.capacity.doctor.DoctorReport;
import lab.c1m.capacity.doctor.Fmt;
import lab.c1m.capacity.doctor.NotApplicable;
import lab.c1m.common.record.Json;

/** A plan as a table for people or a JSON object for the playbook, and its exit code. */
public final class PlanReport {
    private static final String[] HEADERS = {"HOST", "STATUS", "FIGURE", "VALUE", "RULE"};
    private static final int[] WIDTHS = {6, 6, 26, 44, 64};

    private final Sizing.Result result;
    private final List<Figure> figures;

    public PlanReport(Sizing.Result result) {
        this.result = result;
        this.figures = PlanFigures.of(result);
    }

    public Sizing.Result result() {
        return result;
    }

    public List<Figure> figures() {
        return figures;
    }

    /** 0 when the hosts hold the target (warnings may remain), 3 when they cannot, as the doctor's exit 3. */
    public int exitCode() {
        return result.fits() ? ExitCodes.OK : ExitCodes.HOST_CANNOT_HOLD;
    }

    public String verdict() {
        PlanRequest q = result.request();
        String clients = result.clients() + " client(s) of " + result.client().shape().size();
        String hosts = result.hasServer() ? "1 server of " + result.server().shape().size() + " and " + clients : clients;
        // With an external server the verdict is the clients' alone, and says so.
        String connections = Fmt.count(q.connections()) + " connections" + (result.hasServer() ? ""
            : " to the external server (not judged: outside the lab)");
        return result.fits()
            ? hosts + " hold " + connections
                + String.format(Locale.ROOT, "; the ramp takes about %.0f s", Math.ceil(result.client().rampSeconds()))
                + (result.notes().isEmpty() ? "" : "; read the notes")
            : hosts + " cannot hold " + connections + "; add: " + String.join("; ", result.additions());
    }

    public String table() {
        PlanRequest q = result.request();
        StringBuilder sb = new StringBuilder();
        sb.append("c1m plan: ").append(Fmt.count(q.connections())).append(" connections over ").append(q.serverPorts())
            .append(" server port(s), heartbeat ").append(q.heartbeatSeconds() > 0 ? trim(q.heartbeatSeconds()) + " s" : "off")
            .append(", conntrack ").append(q.conntrack() ? "on" : "off").append(", server ").append(q.impl().label())
            .append(result.hasServer() ? "" : " (outside the lab)").append('\n');
        row(sb, HEADERS);
        for (Figure f : figures) {
            row(sb, new String[] {f.host(), f.status().name(), f.name(), f.value(), f.rule()});
        }
        sb.append('\n');
        for (String a : result.additions()) {
            sb.append("add: ").append(a).append('\n');
        }
        for (String n : result.notes()) {
            sb.append("note: ").append(n).append('\n');
        }
        sb.append(verdict()).append(result.fits() ? "" : " (exit " + ExitCodes.HOST_CANNOT_HOLD + ")").append('\n');
        return sb.toString();
    }

    public String json() {
        PlanRequest q = result.request();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connections", q.connections());
        m.put("impl", q.impl().label());
        m.put("fits", result.fits());
        m.put("verdict", verdict());
        m.put("server_ports", q.serverPorts());
        m.put("heartbeat_seconds", q.heartbeatSeconds());
        m.put("conntrack", q.conntrack());
        m.put("ramp_seconds", result.client().rampSeconds());
        if (result.hasServer()) {
            // No entry at all for an external server: there is no server host, and no figure is made up.
            m.put("server", host(result.server(), q.impl()));
        }
        Map<String, Object> clients = host(result.client(), ServerImpl.NETTY);
        clients.put("count", result.clients());
        clients.put("choice", result.clientChoice());
        clients.put("shares", List.of(result.smallerShare(), result.smallerShare() + (result.largerShares() > 0 ? 1 : 0)));
        m.put("clients", clients);
        m.put("additions", result.additions());
        m.put("notes", result.notes());
        List<Object> list = new ArrayList<>();
        figures.forEach(f -> list.add(f.toJson()));
        m.put("figures", list);
        return Json.write(m);
    }

    /** One host's numbers; {@code impl} is the service it runs (a client always runs the lab's Java client). */
    private static Map<String, Object> host(HostNeeds h, ServerImpl impl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("memory_bytes", h.shape().memoryBytes());
        m.put("cpus", h.shape().cpus());
        m.put("shape", h.shape().origin());
        m.put("connections", h.connections());
        m.put("sockets", h.sockets());
        m.put("descriptors", h.descriptors());
        m.put("nofile", Capacity.roundUp(h.descriptors()));
        if (impl.jvm()) {
            m.put("heap_mb", h.heapMegabytes());
        } else {
            m.put("not_applicable", List.of(ordered("name", NotApplicable.HEAP, "why", NotApplicable.noHeap(impl))));
        }
        var mem = h.memory();
        m.put("memory", ordered("kernel", mem.kernel(), "conntrack", mem.conntrack(), "heap", mem.heap(), "native", mem.nativeBytes(),
            "total", mem.total(), "comfortable", mem.comfortable(), "usable", h.usableMemory()));
        m.put("memory_status", h.memoryStatus().name());
        m.put("epoll_max_user_watches", h.sockets() + h.margin());
        m.put("conntrack_max", h.tracked() > 0 ? h.tracked() + h.margin() : 0);
        m.put("tcp_mem_pages", h.tcpMemPages());
        m.put("connect_per_second", h.connectRate());
        m.put("ramp_seconds", h.rampSeconds());
        if (h.heartbeats() != null) {
            m.put("heartbeats_per_second", h.heartbeats().perSecond());
            m.put("heartbeats_per_cpu", h.heartbeats().perCpu());
            m.put("heartbeat_status", h.heartbeatStatus().name());
        }
        if (h.server()) {
            m.put("listen_queue_per_port", h.listenQueue());
        } else {
            var f = h.fiveTuple();
            m.put("source_addresses", h.sourceAddresses());
            m.put("five_tuple", ordered("combinations", f.combinations(), "per_combination", f.perCombination(), "slow_at", f.slowAt(),
                "wall_at", f.wallAt(), "status", f.status().name()));
            m.put("five_tuple_status", h.fiveTupleStatus().name());
        }
        m.put("holds", h.holds());
        return m;
    }

    /** key, value, key, value...: a map that keeps that order in the JSON. */
    private static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    private static void row(StringBuilder sb, String[] cells) {
        DoctorReport.appendRow(sb, cells, WIDTHS);
    }
}
