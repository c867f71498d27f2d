package lab.c1m.capacity.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.JsonTree;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command in-process: the table, the JSON, exit codes and one-line usage errors. */
class PlanCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Cli.commandLine(new PlanCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json() {
        return (Map<String, Object>) JsonTree.parse(out.toString());
    }

    @Test
    void tenMillionGivesEveryFigureWithItsRule() {
        assertEquals(ExitCodes.OK, run("--connections", "10m"));
        String table = out.toString();
        for (String rule : List.of("kernel.socket_bytes", "conntrack.entry_bytes", "heap.headroom_factor", "jvm.baseline_mib",
            "memory.margin_fraction", "host.os_reserve_mib", "descriptors.reserve", "hostwide.margin_fraction",
            "conntrack.suggested_chain", "tcp_mem.*", "accept.stall_seconds", "five_tuple.slow_fraction",
            "heartbeat.per_cpu_per_second", "connect.per_client_cpu_per_second")) {
            assertTrue(table.contains(rule), rule + " in\n" + table);
        }
        for (String figure : List.of("LimitNOFILE, fs.nr_open", "fs.file-max", "fs.epoll.max_user_watches", "nf_conntrack_max",
            "net.ipv4.tcp_mem", "somaxconn,", "ip_local_port_range", "5-tuple: source addresses", "heartbeats", "ramp")) {
            assertTrue(table.contains(figure), figure + " in\n" + table);
        }
        assertTrue(table.contains("1 server of 64.0 GiB / 16 CPUs and 17 client(s) of 4.0 GiB / 2 CPUs hold 10,000,000"
            + " connections"), table);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theJsonCarriesTheNumbers() {
        assertEquals(ExitCodes.OK, run("--connections", "1m", "--clients", "3", "--server-memory", "6g", "--server-cpus", "2",
            "--client-memory", "4g", "--client-cpus", "2", "--ports", "9000-9019", "--json"));
        Map<String, Object> plan = json();
        assertEquals(true, plan.get("fits"));
        Map<String, Object> server = (Map<String, Object>) plan.get("server");
        Map<String, Object> clients = (Map<String, Object>) plan.get("clients");
        assertEquals(1_000_276L, server.get("descriptors"));
        assertEquals(1368L, server.get("heap_mb"));
        assertEquals(3L, clients.get("count"));
        assertEquals(List.of(333_333L, 333_334L), clients.get("shares"));
        assertEquals(542L, clients.get("heap_mb"));
        assertEquals(16_667L, ((Map<String, Object>) clients.get("five_tuple")).get("per_combination"));
        assertTrue(((List<Object>) plan.get("figures")).size() > 20);
    }

    @Test
    void hostsThatCannotHoldItExitThreeNamingWhatToAdd() {
        assertEquals(ExitCodes.HOST_CANNOT_HOLD, run("--connections", "2m", "--clients", "3", "--server-memory", "6g"));
        assertTrue(out.toString().contains("add: a server with at least"), out.toString());
        assertTrue(out.toString().contains("cannot hold 2,000,000 connections"), out.toString());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (String[] args : List.of(new String[] {"--connections", "0"}, new String[] {"--server-memory", "lots"},
            new String[] {"--ports", "0"}, new String[] {"--port-range", "60000-1024"}, new String[] {"--conntrack", "maybe"},
            new String[] {"--source-ips", "x.y"}, new String[] {"--clients", "-1"},
            // The client refuses a heartbeat under heartbeat.min_ms: the plan must not say it fits.
            new String[] {"--heartbeat", "1ms"}, new String[] {"--heartbeat", "9999999999h"})) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run(args), String.join(" ", args));
            assertTrue(err.toString().startsWith("plan: "), err.toString());
        }
    }

    @Test
    void theHelpShowsTheDefaults() {
        assertEquals(ExitCodes.OK, run("--help"));
        assertTrue(out.toString().contains("Default: 30s"), out.toString());
        assertTrue(out.toString().contains("Default: 1024-65535"), out.toString());
    }
}
