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
        assertEquals("netty", plan.get("impl"));
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
            new String[] {"--heartbeat", "1ms"}, new String[] {"--heartbeat", "9999999999h"}, new String[] {"--impl", "nginx"})) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run(args), String.join(" ", args));
            assertTrue(err.toString().startsWith("plan: "), err.toString());
        }
    }

    @Test
    void anUnknownServerIsOneLineNamingTheServers() {
        assertEquals(ExitCodes.USAGE, run("--impl", "c_epoll"));
        assertEquals("plan: --impl: 'c_epoll' is not a server implementation: use netty, c-epoll, command or external",
            err.toString().lines().findFirst().orElse(""));
        assertEquals("", out.toString(), "no plan for a refused command line");
    }

    /** The server's rows of the table: "server  OK      JVM heap ..." lines. */
    private List<String> serverRows() {
        return out.toString().lines().filter(l -> l.startsWith("server ")).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCEpollServerHasNoHeapOrJvmButItsUserSpace() {
        assertEquals(ExitCodes.OK, run("--connections", "1m", "--server-memory", "6g", "--clients", "3", "--impl", "c-epoll"));
        String table = out.toString();
        assertTrue(table.startsWith("c1m plan: 1,000,000 connections over 20 server port(s), heartbeat 30 s, conntrack on,"
            + " server c-epoll\n"), table);
        String rows = String.join("\n", serverRows());
        assertTrue(rows.contains("none: not counted, the server is c-epoll (no"), rows);
        assertTrue(rows.contains("c-epoll user space          61 MiB"), rows);
        assertTrue(rows.contains("c_epoll.bytes_per_connection"), rows);
        assertTrue(!rows.contains("-Xmx") && !rows.contains("JVM native"), rows);
        // The clients are the lab's Java clients whatever the server: their heap is still planned.
        assertTrue(table.contains("client  OK      JVM heap                    -Xmx542m"), table);

        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, run("--connections", "1m", "--server-memory", "6g", "--clients", "3", "--impl", "c-epoll",
            "--json"));
        Map<String, Object> plan = json();
        assertEquals("c-epoll", plan.get("impl"));
        Map<String, Object> server = (Map<String, Object>) plan.get("server");
        // The vectors' c-epoll 1M case: 3,800,076,000 + 256,000,000 + 1,000,000 x 64 B, no heap.
        assertEquals(Map.of("kernel", 3_800_076_000L, "conntrack", 256_000_000L, "heap", 0L, "native", 64_000_000L,
            "total", 4_120_076_000L, "comfortable", 4_532_083_600L, "usable", 6_023_020_544L), server.get("memory"));
        assertTrue(!server.containsKey("heap_mb"), server.toString());
        assertEquals(List.of(Map.of("name", "heap", "why", "the server is c-epoll (no JVM)")), server.get("not_applicable"));
        assertEquals("OK", server.get("memory_status"));
        assertEquals(542L, ((Map<String, Object>) plan.get("clients")).get("heap_mb"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aUsersCommandIsCountedForTheKernelAloneAndSaysSo() {
        assertEquals(ExitCodes.OK, run("--connections", "1m", "--server-memory", "6g", "--clients", "3", "--impl", "command"));
        String rows = String.join("\n", serverRows());
        assertTrue(rows.contains("your server's memory        not counted: the lab knows nothing of it"), rows);
        assertTrue(!rows.contains("-Xmx") && !rows.contains("c-epoll user space"), rows);

        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, run("--connections", "1m", "--server-memory", "6g", "--clients", "3", "--impl", "command",
            "--json"));
        Map<String, Object> plan = json();
        Map<String, Object> memory = (Map<String, Object>) ((Map<String, Object>) plan.get("server")).get("memory");
        // The kernel's sockets and conntrack only: 3,800,076,000 + 256,000,000.
        assertEquals(4_056_076_000L, memory.get("total"));
        assertEquals(0L, memory.get("native"));
        Object row = ((List<Object>) plan.get("figures")).stream().map(f -> (Map<String, Object>) f)
            .filter(f -> f.get("host").equals("server") && f.get("name").equals("memory")).findFirst().orElseThrow().get("value");
        assertTrue(row.toString().startsWith("3.8 GiB needed, OK from 4.2 GiB; 5.6 GiB usable, 1.8 GiB left for your server's own"
            + " memory (not counted: the report measures it after the run)"), row.toString());
    }

    @Test
    void theCEpollServerHoldsOnAServerWhereTheJavaOneIsRefused() {
        // 1.1M on the lab's 6 GiB server: the Java server needs 6.3 GiB with heap and JVM, the C one 4.5 GiB.
        String[] args = {"--connections", "1.1m", "--server-memory", "6g", "--server-cpus", "2", "--clients", "3"};
        assertEquals(ExitCodes.HOST_CANNOT_HOLD, run(args));
        assertTrue(out.toString().contains("add: a server with at least 6.3 GiB of memory"), out.toString());
        out.getBuffer().setLength(0);
        String[] cEpoll = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--impl", "c-epoll"))
            .toArray(String[]::new);
        assertEquals(ExitCodes.OK, run(cEpoll), out.toString());
        assertTrue(out.toString().contains("1 server of 6.0 GiB / 2 CPUs and 3 client(s) of 4.0 GiB / 2 CPUs hold 1,100,000"
            + " connections"), out.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void anExternalServerIsNotPlannedAndTheClientsAloneAreJudged() {
        // --server-memory would refuse 2M for any server the lab runs; outside the lab it is ignored, with a note.
        assertEquals(ExitCodes.OK, run("--connections", "2m", "--impl", "external", "--server-memory", "1g", "--json"));
        Map<String, Object> plan = json();
        assertEquals("external", plan.get("impl"));
        assertEquals(true, plan.get("fits"));
        assertTrue(!plan.containsKey("server"), "no server entry: " + plan.keySet());
        for (Object f : (List<Object>) plan.get("figures")) {
            assertEquals("client", ((Map<String, Object>) f).get("host"), f.toString());
        }
        // The clients are sized as for any server: 4 of 4 GiB hold 500,000 each.
        assertEquals(4L, ((Map<String, Object>) plan.get("clients")).get("count"));
        List<Object> notes = (List<Object>) plan.get("notes");
        assertTrue(notes.get(0).toString().startsWith("the server is external: it is outside the lab, which neither tunes nor"
            + " measures it"), notes.toString());
        assertTrue(notes.get(1).toString().startsWith("--server-memory and --server-cpus are ignored"), notes.toString());
        assertTrue(plan.get("verdict").toString().startsWith("4 client(s) of 4.0 GiB / 2 CPUs hold 2,000,000 connections to the"
            + " external server (not judged: outside the lab)"), plan.get("verdict").toString());

        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, run("--connections", "2m", "--impl", "external"));
        assertTrue(serverRows().isEmpty(), out.toString());
        assertTrue(out.toString().startsWith("c1m plan: 2,000,000 connections over 20 server port(s), heartbeat 30 s,"
            + " conntrack on, server external (outside the lab)\n"), out.toString());
    }

    @Test
    void tooFewClientsForAnExternalServerAreRefusedNamingTheClientsToAdd() {
        assertEquals(ExitCodes.HOST_CANNOT_HOLD, run("--connections", "2m", "--impl", "external", "--clients", "1"));
        assertTrue(out.toString().contains("add: 3 more client(s) of 4.0 GiB / 2 CPUs (4 in all, 500,000 each)"), out.toString());
        assertTrue(out.toString().contains("1 client(s) of 4.0 GiB / 2 CPUs cannot hold 2,000,000 connections to the external"
            + " server"), out.toString());
        assertTrue(!out.toString().contains("a server with"), out.toString());
    }

    @Test
    void theHelpShowsTheDefaults() {
        assertEquals(ExitCodes.OK, run("--help"));
        assertTrue(out.toString().contains("Default: 30s"), out.toString());
        assertTrue(out.toString().contains("Default: 1024-65535"), out.toString());
    }
}
