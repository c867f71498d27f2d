package lab.c1m.server;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.BadInput;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input of issue 11 against the server: one line, the right exit code, nothing opened; every exit leaves a summary. */
class ServerBadInputTest {
    private static final String MAIN = ServerCommand.class.getName();

    @TempDir
    Path dir;

    private String refused(String... args) throws Exception {
        return BadInput.refused(dir, MAIN, ExitCodes.USAGE, "c1m-server: ", args);
    }

    @Test
    void unwritableOutputsAddressesAndThreadsAreUsageErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        String port = Integer.toString(Ports.freeRun(2));
        assertEquals("c1m-server: --log-file /proc/forbidden: is on a proc file system, the kernel's own files, which do not"
            + " keep what a run writes: give a path on a disk", refused("--ports", port, "--log-file", "/proc/forbidden"));
        assertTrue(refused("--ports", port, "--timeline", "/proc/forbidden").startsWith("c1m-server: --timeline /proc/forbidden"));
        // Issue 20, item 3: an existing kernel file took the log (lost) and the timeline (a stack trace).
        assertTrue(refused("--ports", port, "--log-file", "/proc/self/status").contains("is on a proc file system"));
        assertTrue(refused("--ports", port, "--timeline", "/proc/self/status").contains("is on a proc file system"));
        assertTrue(refused("--ports", port, "--summary", "/sys/kernel/s.json").contains("is on a sysfs file system"));
        Path same = dir.resolve("same.log");
        assertEquals("c1m-server: --log-file " + same + " is the same file as --timeline " + same + ": give each its own file",
            refused("--ports", port, "--timeline", same.toString(), "--log-file", same.toString()));
        assertEquals("c1m-server: --summary " + file + "/s.json: " + file + " is a file, not a folder",
            refused("--ports", port, "--summary", file + "/s.json"));
        Path missing = dir.resolve("missing/deeper");
        assertTrue(refused("--ports", port, "--summary", missing + "/s.json").contains("does not exist (it is not created"));
        assertFalse(Files.exists(dir.resolve("missing")), "no folder is created");
        assertEquals("c1m-server: --summary " + dir + ": is a folder, not a file", refused("--summary", dir.toString()));
        assertEquals("c1m-server: --bind '300.1.1.1' is neither an IP address nor a known host name",
            refused("--ports", port, "--bind", "300.1.1.1"));
        assertTrue(refused("--ports", port, "--bind", "192.0.2.254").contains("is not an address of this host"));
        assertTrue(refused("--ports", port, "--bind", "").contains("--bind must be an address of this host"));
        assertTrue(refused("--ports", port, "--metrics-bind", "300.1.1.1").startsWith("c1m-server: --metrics-bind '300.1.1.1'"));
        assertTrue(refused("--ports", port, "--protocol", "http2")
            .contains("unknown protocol 'http2': use raw (the lab's echo frames) or websocket"), "unknown protocol");
        assertTrue(refused("--ports", port, "--threads", "100000").startsWith("c1m-server: --threads must be 0 (one per CPU) or"
            + " 1 to 256 event loops, got 100000"));
    }

    @Test
    void aSecondProcessOnAnOutputPathInUseIsRefusedWithTheHoldersPid() throws Exception {
        // Issue 20, item 5: two runs on one --summary used to interleave silently, one of them lost.
        Path summary = dir.resolve("shared.json");
        int[] ports = {Ports.freeRun(2), Ports.freeRun(2)};
        try (JavaProcess first = JavaProcess.start(dir, MAIN, "--bind", "127.0.0.1", "--ports", Integer.toString(ports[0]),
                 "--metrics-port", "0", "--summary", summary.toString())) {
            Eventually.holds(20, () -> first.stdout().contains("Listening on"), first::stdout);
            assertEquals("c1m-server: --summary " + summary + " is being written by process " + first.pid()
                    + " (another c1m run on this host): give this run another path, or stop that one",
                refused("--bind", "127.0.0.1", "--ports", Integer.toString(ports[1]), "--metrics-port", "0",
                    "--summary", summary.toString()));
            // Issue 20, item 5: another name for the same file (a symlink, a hard link) is no way around the lock.
            Path other = Files.createDirectory(dir.resolve("other"));
            Path symlink = Files.createSymbolicLink(other.resolve("via-symlink.json"), summary);
            assertEquals("c1m-server: --summary " + symlink + " is being written by process " + first.pid()
                    + " (another c1m run on this host): give this run another path, or stop that one",
                refused("--bind", "127.0.0.1", "--ports", Integer.toString(ports[1]), "--metrics-port", "0",
                    "--summary", symlink.toString()));
            Path log = dir.resolve("first.log");
            Files.writeString(log, "a line of another run\n");
            Path hardLink = Files.createLink(other.resolve("via-hard-link.log"), log);
            assertEquals("c1m-server: --log-file " + hardLink + " has other hard links (another run's file by another name?):"
                + " give a path of its own", refused("--bind", "127.0.0.1", "--ports", Integer.toString(ports[1]),
                    "--metrics-port", "0", "--log-file", hardLink.toString()));
            assertEquals("a line of another run\n", Files.readString(log), "nothing written to it");
            assertTrue(first.isAlive(), "the first run goes on");
        }
    }

    @Test
    void anImmutableSummaryIsRefusedAtTheStartNotEverySecond() throws Exception {
        // Issue 20, item 3: it passed the start check, then "summary NOT written" every second.
        Path summary = Files.writeString(dir.resolve("immutable.json"), "{}");
        assertEquals(0, new ProcessBuilder("chattr", "+i", summary.toString()).inheritIO().start().waitFor());
        try {
            assertTrue(refused("--ports", Integer.toString(Ports.freeRun(2)), "--summary", summary.toString())
                .startsWith("c1m-server: --summary " + summary + ": cannot be replaced ("));
        } finally {
            new ProcessBuilder("chattr", "-i", summary.toString()).inheritIO().start().waitFor();
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(summary), files.filter(p -> p.getFileName().toString().startsWith("immutable")).toList());
        }
    }

    @Test
    void aRefusedRunLeavesNoFileBehind() throws Exception {
        // Issue 20, item 4: these are caught after the output files were checked.
        String port = Integer.toString(Ports.freeRun(2));
        String[][] cases = {{"--keepalive", "500ms"}, {"--backlog", "0"}, {"--bind", "192.0.2.254"},
            {"--keepalive", "60s", "--heartbeat", "30s"}, {"--keepalive", "32768s"}};
        for (String[] bad : cases) {
            Path out = Files.createTempDirectory(dir, "refused");
            List<String> args = new ArrayList<>(List.of("--ports", port));
            args.addAll(List.of(bad));
            args.addAll(List.of("--summary", out.resolve("s.json").toString(), "--timeline", out.resolve("t.csv").toString(),
                "--log-file", out.resolve("s.log").toString()));
            refused(args.toArray(String[]::new));
            try (var files = Files.list(out)) {
                assertEquals(List.of(), files.toList(), String.join(" ", bad));
            }
        }
    }

    @Test
    void aKeepaliveThatWouldReapLiveConnectionsIsRefused() throws Exception {
        String port = Integer.toString(Ports.freeRun(2));
        // The measured failure: 60 s idle against a 30 s heartbeat, whose dead rule is 3 x 30 s = 90 s.
        assertEquals("c1m-server: --keepalive 1m is shorter than the dead rule of --heartbeat 30s (90s): it would reap"
                + " live connections. Fix: --keepalive auto (sized from --heartbeat: 10m) or at least 90s",
            refused("--ports", port, "--keepalive", "60s", "--heartbeat", "30s"));
        assertTrue(refused("--ports", port, "--keepalive", "soon").startsWith("c1m-server: --keepalive must be auto, 0"
            + " (off) or a duration such as 10m, got 'soon'"));
        assertTrue(refused("--ports", port, "--keepalive", "500ms").startsWith("c1m-server: --keepalive must be auto, 0"
            + " (off) or at least 1s"));
        assertTrue(refused("--ports", port, "--heartbeat", "5ms").contains("'--heartbeat': '5ms' is shorter than 10ms: give 0 (off)"));
        assertTrue(refused("--ports", port, "--heartbeat", "-1s").startsWith("c1m-server: "));
    }

    @Test
    void aKeepaliveLongerThanTheKernelTakesIsRefused() throws Exception {
        // Issue 20: accepted, then "setsockopt() failed: Invalid argument ... Failed to register an accepted
        // channel" for every connection. The kernel's MAX_TCP_KEEPIDLE and MAX_TCP_KEEPINTVL are 32,767 s.
        String port = Integer.toString(Ports.freeRun(2));
        assertEquals("c1m-server: --keepalive 32768s is longer than the kernel takes: TCP_KEEPIDLE (MAX_TCP_KEEPIDLE) is at"
                + " most 32767s (about 9 h), and every connection would fail to be accepted",
            refused("--ports", port, "--keepalive", "32768s"));
        assertTrue(refused("--ports", port, "--keepalive", "10h", "--heartbeat", "1h")
            .startsWith("c1m-server: --keepalive 10h is longer than the kernel takes"));
        assertEquals("c1m-server: --keepalive-interval 32768s is longer than the kernel takes: TCP_KEEPINTVL"
                + " (MAX_TCP_KEEPINTVL) is at most 32767s (about 9 h), and every connection would fail to be accepted",
            refused("--ports", port, "--keepalive-interval", "32768s"));
    }

    @Test
    void autoKeepaliveFromALongHeartbeatIsCappedAndEveryConnectionIsAccepted() throws Exception {
        // Issue 20: --heartbeat 1h sized an idle time of 10 x 1h = 10h, past the kernel's 32,767 s, and every
        // accepted connection failed to register; now it is capped there, and the log says so.
        int port = Ports.freeRun(2);
        Path summary = dir.resolve("server.json");
        try (JavaProcess server = JavaProcess.start(dir, MAIN, "--bind", "127.0.0.1", "--ports", Integer.toString(port),
                "--metrics-port", "0", "--heartbeat", "1h", "--summary", summary.toString())) {
            Eventually.holds(20, () -> server.stdout().contains("Listening on"), server::stdout);
            assertTrue(server.stdout().contains("keepalive after 32767s idle (the kernel's longest, capped from 10"
                + " heartbeats = 10h)"), server.stdout());
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(5000);
                    sockets.add(s);
                }
                for (Socket s : sockets) {
                    s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII), server.stdout());
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            Eventually.holds(10, () -> field(summary, "idle_seconds").equals("32767"), () -> excerpt(summary, "keepalive"));
            assertFalse(server.stdout().contains("Failed to register"), server.stdout());
        }
    }

    @Test
    void portsTheOpenFilesLimitCannotListenOnAreExitThreeWithASummary() throws Exception {
        Path summary = dir.resolve("server.json");
        // 2,000 listening ports under a hard limit of 1,024 open files (the host's own limit is 20,000 here).
        try (JavaProcess p = JavaProcess.start(dir, List.of("prlimit", "--nofile=1024:1024"), List.of(), MAIN,
                "--ports", "20000-21999", "--metrics-port", "0", "--summary", summary.toString())) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, p.waitFor(60), p.stdout() + p.stderr());
            assertTrue(p.stderr().startsWith("c1m-server: this host cannot even listen on 2,000 ports (20000-21999)"),
                p.stderr());
            assertTrue(p.stderr().contains("open files (hard): 1,024 (this process); needs >= 2,256"), p.stderr());
            assertFalse(p.stdout().contains("Listening"), "nothing was opened");
            assertEquals("3", field(summary, "exit_code"));
            assertTrue(field(summary, "exit_reason").contains("cannot even listen on 2,000 ports"));
            assertEquals("stopped", field(summary, "state"));
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".lock")).toList(), "a run leaves no lock file");
            }
        }
    }

    @Test
    void aSigtermDuringStartUpStillLeavesTheFinalSummary() throws Exception {
        Path summary = dir.resolve("server.json");
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "--ports", Integer.toString(Ports.freeRun(2)), "--metrics-port",
                "0", "--summary", summary.toString())) {
            // The signal lands while the server starts: after its first line (the open-files check), before it
            // binds and before its reporter writes anything. (A quarter second after exec works on an idle host;
            // on a loaded one the JVM itself may not have reached main by then, and before main the JVM's own
            // handler exits 143 with nothing to write: no process can do better.)
            Eventually.holds(30, () -> !p.stdout().isEmpty(), p::stdout);
            p.terminate();
            assertEquals(ExitCodes.OK, p.waitFor(60), p.stdout() + p.stderr());
            assertEquals("0", field(summary, "exit_code"));
            assertEquals("stopped by SIGTERM", field(summary, "exit_reason"));
            assertEquals("stopped", field(summary, "state"));
        }
    }

    @Test
    void aSummaryThatCouldNotBeWrittenIsNeverReportedAsWritten() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("out"));
        Path summary = folder.resolve("server.json");
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "--ports", Integer.toString(Ports.freeRun(2)), "--metrics-port",
                "0", "--summary", summary.toString())) {
            Eventually.holds(20, () -> Files.exists(summary), p::stdout);
            Files.delete(summary);
            Files.delete(folder.resolve("server.json.lock"));
            Files.delete(folder);
            Eventually.holds(20, () -> p.stdout().contains("The summary is not written: cannot write summary"), p::stdout);
            p.terminate();
            assertEquals(ExitCodes.OK, p.waitFor(60));
            assertTrue(p.stdout().contains("Stopped; summary NOT written: cannot write summary " + summary), p.stdout());
            assertFalse(p.stdout().contains("Stopped; summary " + summary), p.stdout());
        }
    }
}
