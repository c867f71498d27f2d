package lab.c1m.client;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.field;
import static lab.c1m.common.testing.SummaryReader.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.uring.IoUring;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.Ports;
import lab.c1m.common.testing.SummaryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the real server, each in its own JVM on loopback; sized well under the 20,000 open-files cap. */
class ClientProcessTest {
    private static final String CLIENT = ClientCommand.class.getName();

    @TempDir
    Path dir;

    private JavaProcess startServer(int base, int ports, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--summary", dir.resolve("server.json").toString()));
        args.addAll(List.of(more));
        return EchoServerProcess.start(dir, base, ports, args.toArray(String[]::new));
    }

    @Test
    void thousandsOfConnectionsAreCountedByBothSidesAndHeartbeatsComeBack() throws Exception {
        int base = Ports.freeRun(5);
        Path summary = dir.resolve("client.json");
        Path server = dir.resolve("server.json");
        try (JavaProcess s = startServer(base, 4);
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 3),
                 "--connections", "3k", "--rate", "0", "--hold", "3s", "--heartbeat", "500ms", "--summary", summary.toString(),
                 "--timeline", dir.resolve("client.csv").toString(), "--progress-every", "1k")) {
            assertEquals(ExitCodes.OK, c.waitFor(120), c.stdout() + c.stderr());
            assertEquals("done", field(summary, "state"));
            assertEquals(3000, number(summary, "established"));
            assertEquals(3000, number(summary, "peak_open"));
            assertEquals("true", field(summary, "reached"));
            assertEquals(0, number(summary, "lost"));
            assertEquals(0, number(summary, "dead"));
            assertEquals(0, number(summary, "failed_total"));
            long sent = number(summary, "sent");
            long received = number(summary, "received");
            assertTrue(sent >= 3000 * 5, "every connection sent about once per 500 ms for 3 s: " + sent);
            assertTrue(received >= sent - 3000, "echoes come back: " + received + " of " + sent);
            assertFalse(field(summary, "p99_ms").equals("null"));
            assertFalse(field(summary, "histogram").isEmpty());
            assertTrue(c.stdout().contains("Established 3,000 connections"), c.stdout());
            assertTrue(Files.readAllLines(dir.resolve("client.csv")).get(0)
                .startsWith("time,open,established,failed,lost,rss_bytes,heap_used_bytes,dead,hb_due,hb_sent,"));

            assertEquals(3000, number(server, "peak_open"), "the server counted the same connections");
            Eventually.holds(20, () -> number(server, "open") == 0, () -> field(server, "open"));
            s.terminate();
            assertEquals(ExitCodes.OK, s.waitFor(30));
        }
    }

    @Test
    void ioUringCarriesTheSameLoadWithHeartbeats() throws Exception {
        assumeTrue(IoUring.isAvailable(), "io_uring is not available on this host");
        int base = Ports.freeRun(5);
        Path summary = dir.resolve("client.json");
        Path server = dir.resolve("server.json");
        try (JavaProcess s = startServer(base, 4, "--transport", "io_uring");
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--transport", "io_uring", "--server", "127.0.0.1",
                 "--ports", base + "-" + (base + 3), "--connections", "6k", "--rate", "0", "--hold", "3s",
                 "--heartbeat", "500ms", "--summary", summary.toString())) {
            assertEquals(ExitCodes.OK, c.waitFor(120), c.stdout() + c.stderr());
            assertEquals("io_uring", field(summary, "transport"));
            assertEquals("io_uring", field(server, "transport"));
            assertEquals(6000, number(summary, "established"));
            assertEquals(0, number(summary, "lost"));
            assertEquals(0, number(summary, "dead"));
            long sent = number(summary, "sent");
            assertTrue(sent >= 6000 * 3, "every connection sent several heartbeats in 3 s: " + sent);
            assertTrue(number(summary, "received") >= sent - 6000, excerpt(summary, "received"));
            assertEquals(6000, number(server, "peak_open"), "the server counted the same connections");
            Eventually.holds(20, () -> number(server, "open") == 0, () -> field(server, "open"));
            s.terminate();
            assertEquals(ExitCodes.OK, s.waitFor(30));
            // A burst of 6,000 connects and their echoes overflows Netty's default completion queue.
            assertFalse((c.stdout() + s.stdout()).contains("CompletionQueue overflow"), c.stdout());
        }
    }

    @Test
    void ioUringRingsBeyondTheLockedMemoryLimitExitThreeWithTheFix() throws Exception {
        // Without CAP_IPC_LOCK (any service user) io_uring's rings count against RLIMIT_MEMLOCK: set it low.
        assumeTrue(IoUring.isAvailable(), "io_uring is not available on this host");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/prlimit")),
            "setpriv and prlimit (util-linux) are needed");
        List<String> lowMemlock = List.of("/usr/bin/setpriv", "--bounding-set=-ipc_lock", "/usr/bin/prlimit",
            "--memlock=524288:524288");
        Path log = dir.resolve("client.log");
        try (JavaProcess c = JavaProcess.start(dir, lowMemlock, List.of(), CLIENT, "--transport", "io_uring",
                 "--server", "127.0.0.1", "--ports", "9", "--connections", "10", "--log-file", log.toString())) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, c.waitFor(60), c.stdout() + c.stderr());
            assertTrue(c.stderr().contains("io_uring could not allocate the rings"), c.stderr());
            assertTrue(c.stderr().contains("RLIMIT_MEMLOCK 0.5 MiB"), c.stderr());
            assertTrue(c.stderr().contains("LimitMEMLOCK=infinity") && c.stderr().contains("--transport epoll"), c.stderr());
            assertFalse(c.stderr().contains("\tat "), "no stack trace: " + c.stderr());
            assertTrue(Files.readString(log).contains("LimitMEMLOCK=infinity"), "the log file names the fix too");
        }
    }

    @Test
    void sourceAddressesMultiplyTheConnectionsOneServerPortCanTake() throws Exception {
        // One port and the default port range hold about 14,116 connections per source address: 15,000 need
        // two sources, bound with IP_BIND_ADDRESS_NO_PORT so each keeps the whole range per destination.
        int base = Ports.freeRun(2);
        Path summary = dir.resolve("client.json");
        try (JavaProcess s = startServer(base, 1);
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", Integer.toString(base),
                 "--connections", "15k", "--source-ips", "127.0.0.2,127.0.0.3", "--hold", "3s",
                 "--summary", summary.toString())) {
            // A hold of a few seconds: on a loaded machine the server accepts the last connections a moment after
            // the client counts them open, and its peak must see all of them.
            assertEquals(ExitCodes.OK, c.waitFor(180), c.stdout() + c.stderr());
            assertEquals(15_000, number(summary, "peak_open"));
            assertTrue(SummaryReader.raw(summary).contains("\"source_ips\": [\"127.0.0.2\", \"127.0.0.3\"]"),
                excerpt(summary, "source_ips"));
            assertEquals(15_000, number(dir.resolve("server.json"), "peak_open"));
        }
    }

    @Test
    void connectionsTheServerDropsDuringTheHoldAreLost() throws Exception {
        int base = Ports.freeRun(3);
        Path summary = dir.resolve("client.json");
        try (JavaProcess s = startServer(base, 2);
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 1),
                 "--connections", "500", "--hold", "60s", "--summary", summary.toString())) {
            Eventually.holds(60, () -> "holding".equals(field(summary, "state")), c::stdout);
            s.kill();
            assertEquals(ExitCodes.NOT_REACHED, c.waitFor(60), c.stdout());
            assertEquals(500, number(summary, "lost"));
            assertTrue(field(summary, "exit_reason").contains("lost"), field(summary, "exit_reason"));
        }
    }

    @Test
    void aRefusedServerGivesFailuresCountedByKindAndExitOne() throws Exception {
        int base = Ports.freeRun(2);
        Path summary = dir.resolve("client.json");
        try (JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 1),
                 "--connections", "40", "--retries", "1", "--summary", summary.toString())) {
            assertEquals(ExitCodes.NOT_REACHED, c.waitFor(60), c.stdout());
            assertEquals(40, number(summary, "ECONNREFUSED"), excerpt(summary, "failed"));
            assertEquals(0, number(summary, "established"));
            assertTrue(c.stdout().contains("First ECONNREFUSED"), c.stdout());
            // The same, as data (since schema 2): where to and the error's message, and how the ramp ended.
            String raw = SummaryReader.raw(summary).replaceAll("\\s+", " ");
            assertEquals(ClientSummary.SCHEMA, number(summary, "schema"));
            assertEquals(3, ClientSummary.SCHEMA, "schema 3: behind is data (docs/interfaces.md)");
            assertTrue((raw.contains("\"first_failures\": { \"ECONNREFUSED\": { \"to\": \"127.0.0.1:" + base + "\"")
                || raw.contains("\"first_failures\": { \"ECONNREFUSED\": { \"to\": \"127.0.0.1:" + (base + 1) + "\"")), excerpt(summary, "first_failures"));
            assertTrue(excerpt(summary, "first_failures").contains("refused"), excerpt(summary, "first_failures"));
            assertTrue(raw.contains("\"ramp_end\": { \"seconds\": "), excerpt(summary, "ramp_end"));
            assertEquals(0, number(summary, "open"));
            assertTrue(field(summary, "exit_reason").contains("Fix:"), field(summary, "exit_reason"));
        }
    }

    @Test
    void aServerThatNeverAnswersGivesTimeouts() throws Exception {
        // A listener that never accepts: once its queue is full the kernel drops further SYNs, as a full
        // conntrack table would, and connects time out.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path summary = dir.resolve("client.json");
            try (JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports",
                     Integer.toString(silent.getLocalPort()), "--connections", "30", "--retries", "0",
                     "--connect-timeout", "1s", "--hold", "1s", "--summary", summary.toString())) {
                assertEquals(ExitCodes.NOT_REACHED, c.waitFor(60), c.stdout());
                assertTrue(number(summary, "ETIMEDOUT") > 0, excerpt(summary, "failed"));
                assertEquals("false", field(summary, "reached"));
            }
        }
    }

    @Test
    void anImpossibleTargetExitsThreeBeforeOpeningAnything() throws Exception {
        Path summary = dir.resolve("client.json");
        try (JavaProcess files = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--connections", "5m",
                 "--summary", summary.toString());
             // One more than the whole ip_local_port_range to one port from one address: the 5-tuple's wall
             // (past half the range is only a warning since Linux 6.18 connects at full speed there).
             JavaProcess ports = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", "9000",
                 "--connections", Long.toString(lab.c1m.capacity.HostLimits.read().portRangeSize() + 1L))) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, files.waitFor(30));
            assertTrue(files.stderr().contains("open files (hard): "), files.stderr());
            assertTrue(files.stderr().contains("Fix: "), files.stderr());
            assertFalse(files.stdout().contains("Opening"), "nothing opened");
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, ports.waitFor(30));
            assertTrue(ports.stderr().contains("5-tuple"), ports.stderr());
            assertTrue(ports.stderr().contains("ip_local_port_range"), ports.stderr());
        }
    }

    @Test
    void skipPreflightRunsIntoTooManyOpenFilesInsteadOfExitingThree() throws Exception {
        // The lab's nofile scenario: a service left at a low open-files limit hits EMFILE, as the seed did.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
        int base = Ports.freeRun(3);
        Path summary = dir.resolve("client.json");
        List<String> lowLimit = List.of("/usr/bin/prlimit", "--nofile=256:256");
        String ports = base + "-" + (base + 1);
        try (JavaProcess s = startServer(base, 2);
             JavaProcess refused = JavaProcess.start(dir, lowLimit, List.of(), CLIENT, "--server", "127.0.0.1",
                 "--ports", ports, "--connections", "600");
             JavaProcess c = JavaProcess.start(dir, lowLimit, List.of(), CLIENT, "--server", "127.0.0.1", "--ports", ports,
                 "--connections", "600", "--retries", "0", "--max-failures", "50", "--hold", "5s", "--skip-preflight",
                 "--summary", summary.toString())) {
            // At the wall, while holding every descriptor it may have, the client still refreshes its summary.
            Eventually.holds(60, () -> "holding".equals(field(summary, "state")) && number(summary, "EMFILE") >= 50,
                () -> excerpt(summary, "state") + "\n" + c.stdout() + c.stderr());
            // The first EMFILE and the ramp's end are in the summary written at the wall (what the playbook reads).
            String atTheWall = SummaryReader.raw(summary).replaceAll("\\s+", " ");
            assertTrue(atTheWall.contains("\"EMFILE\": { \"to\": \"127.0.0.1:"), excerpt(summary, "first_failures"));
            // 50 or a few more: the loops fail connects at once and the first to see the limit says how many there were.
            assertTrue(atTheWall.matches(".*\"stopped_early\": \"5\\d connections failed for good.*"), excerpt(summary, "ramp_end"));
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, refused.waitFor(60), refused.stdout() + refused.stderr());
            assertTrue(refused.stderr().contains("open files (hard): "), refused.stderr());
            assertEquals(ExitCodes.NOT_REACHED, c.waitFor(120), c.stdout() + c.stderr());
            assertTrue(c.stdout().contains("Preflight skipped (--skip-preflight): this host cannot hold 600 connections"),
                c.stdout());
            assertTrue(c.stdout().contains("open files (hard): 256"), c.stdout());
            assertTrue(c.stdout().contains("First EMFILE connecting to"), c.stdout());
            assertTrue(c.stdout().contains("Too many open files"), c.stdout());
            assertTrue(number(summary, "EMFILE") >= 50, excerpt(summary, "failed"));
            assertEquals("false", field(summary, "reached"));
            assertTrue(number(summary, "peak_open") > 0 && number(summary, "peak_open") < 256, excerpt(summary, "peak_open"));
            assertTrue(field(summary, "exit_reason").contains("--max-failures"), field(summary, "exit_reason"));
        }
    }

    @Test
    void aRefusedRunLeavesNoFileBehind() throws Exception {
        // Issue 20, item 4: each of these is caught after the output files were checked.
        String[][] cases = {
            {"--server", "nohost.invalid"},
            {"--server", "127.0.0.1", "--max-inflight", "0"},
            {"--server", "127.0.0.1", "--source-ips", "203.0.113.77"},
            {"--server", "127.0.0.1", "--source-ips", "::1"},
            {"--server", "127.0.0.1", "--connect-timeout", "0"},
        };
        for (String[] args : cases) {
            Path out = Files.createTempDirectory(dir, "refused");
            List<String> argv = new ArrayList<>(List.of(args));
            argv.addAll(List.of("--summary", out.resolve("s.json").toString(), "--timeline", out.resolve("t.csv").toString(),
                "--log-file", out.resolve("c.log").toString()));
            try (JavaProcess p = JavaProcess.start(dir, CLIENT, argv.toArray(String[]::new))) {
                assertEquals(ExitCodes.USAGE, p.waitFor(30), argv + "\n" + p.stdout() + p.stderr());
            }
            try (var files = Files.list(out)) {
                assertEquals(List.of(), files.toList(), String.join(" ", args));
            }
        }
    }

    @Test
    void badFlagsGetOneLineAndExitTwo() throws Exception {
        String[][] cases = {
            {"--server", "127.0.0.1", "--connections", "-5"},
            {"--server", "127.0.0.1", "--connections", "0"},
            {"--server", "127.0.0.1", "--hold", "for a while"},
            {"--server", "127.0.0.1", "--ports", "9019-9000"},
            {"--server", "no-such-host.invalid"},
            {"--server", "127.0.0.1", "--source-ips", "203.0.113.77"},
            {"--server", "127.0.0.1", "--heartbeat", "1ms"},
            {"--server", "127.0.0.1", "--source-ips", "::1"},
            {"--server", "127.0.0.1", "--log-file", "/dev/full"},
            {"--server", "127.0.0.1", "--timeline", "/dev/null"},
            {"--connections", "10"},
        };
        for (String[] args : cases) {
            try (JavaProcess p = JavaProcess.start(dir, CLIENT, args)) {
                assertEquals(ExitCodes.USAGE, p.waitFor(30), String.join(" ", args) + "\n" + p.stdout() + p.stderr());
                assertTrue(p.stderr().startsWith("c1m-client: "), p.stderr());
                assertFalse(p.stderr().contains("Exception"), "no stack trace for " + String.join(" ", args) + ":\n" + p.stderr());
            }
        }
    }
}
