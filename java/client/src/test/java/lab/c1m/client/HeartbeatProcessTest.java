package lab.c1m.client;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.field;
import static lab.c1m.common.testing.SummaryReader.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.failure.FailureTexts;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.JsonTree;
import lab.c1m.common.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats judged honestly, with real processes: a client too starved of CPU to keep its schedule reports
 * itself late and the server alive; a server that stops answering makes its connections dead, and they recover.
 */
class HeartbeatProcessTest {
    private static final String CLIENT = ClientCommand.class.getName();

    @TempDir
    Path dir;

    private JavaProcess startServer(List<String> prefix, int base, int ports) throws Exception {
        return EchoServerProcess.start(dir, prefix, base, ports, "--summary", dir.resolve("server.json").toString());
    }

    private static boolean hasTaskset() {
        try {
            return new ProcessBuilder("taskset", "-c", "0", "true").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aClientStarvedOfCpuIsLateButNeverCallsTheServerDead() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2 && hasTaskset(), "needs two CPUs and taskset");
        int base = Ports.freeRun(11);
        Path summary = dir.resolve("client.json");
        // The server has its own core; the client one core for 15,000 connections x 20 heartbeats a second.
        try (JavaProcess s = startServer(List.of("taskset", "-c", "1"), base, 10);
             JavaProcess c = JavaProcess.start(dir, List.of("taskset", "-c", "0"), List.of(), CLIENT, "--server", "127.0.0.1",
                 "--ports", base + "-" + (base + 9), "--connections", "15k", "--hold", "8s", "--heartbeat", "50ms",
                 "--summary", summary.toString(), "--progress-every", "0")) {
            int code = c.waitFor(180);
            String why = c.stdout() + excerpt(summary, "heartbeat");
            assertEquals(ExitCodes.OK, code, why);
            assertEquals(15_000, number(summary, "established"), why);
            assertEquals(0, number(summary, "dead"), why);
            assertEquals(0, number(summary, "heartbeat_stalls"), "late is not silent: " + why);
            double kept = Double.parseDouble(field(summary, "schedule_kept"));
            assertTrue(kept < 0.99, "one core cannot keep 300,000 heartbeats a second: kept " + kept);
            assertTrue(number(summary, "late") + number(summary, "missed") > 0, why);
            assertTrue(number(summary, "received") >= number(summary, "sent") - 15_000, "every written heartbeat echoed: " + why);
            // Said once, as data (its kind and figures) and as a line whose meaning and fix are the table's.
            @SuppressWarnings("unchecked")
            String kind = String.valueOf(((Map<String, Object>) ((Map<String, Object>) JsonTree.read(summary)).get("behind")).get("kind"));
            assertTrue(kind.equals("lag-ramp") || kind.equals("lag-hold"), "behind: " + excerpt(summary, "behind"));
            assertTrue(c.stdout().contains(FailureTexts.get(kind, "meaning") + ". Fix: " + FailureTexts.get(kind, "fix")),
                c.stdout());
            s.terminate();
            s.waitFor(30);
        }
    }

    @Test
    void aServerFrozenEightSecondsIsAnOutageItsConnectionsDeadAndTheyRecover() throws Exception {
        int base = Ports.freeRun(5);
        Path summary = dir.resolve("client.json");
        try (JavaProcess s = startServer(List.of(), base, 4);
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 3),
                 "--connections", "2000", "--hold", "16s", "--heartbeat", "200ms", "--summary", summary.toString(),
                 "--progress-every", "0")) {
            Eventually.holds(60, () -> Files.exists(summary) && field(summary, "state").equals("holding"), c::stdout);
            Thread.sleep(1_000);
            s.signal("STOP");
            // 2 s of silence (at least 3 intervals) make a connection dead; it is seen at its next beat.
            Eventually.holds(10, () -> number(summary, "dead") == 2000, () -> excerpt(summary, "dead"));
            assertEquals(1, number(summary, "outage_count"), excerpt(summary, "outages"));
            assertEquals("true", field(summary, "ongoing"), excerpt(summary, "outages"));
            Thread.sleep(5_500);
            s.signal("CONT");
            Eventually.holds(10, () -> number(summary, "dead") == 0, () -> excerpt(summary, "dead"));
            assertEquals(ExitCodes.OK, c.waitFor(60), "an outage that healed loses nothing: " + c.stdout());
            assertEquals(2000, number(summary, "heartbeat_stalls"), excerpt(summary, "heartbeat_stalls"));
            assertEquals(2000, number(summary, "recovered"), excerpt(summary, "heartbeat"));
            assertEquals(0, number(summary, "lost"));
            assertTrue(c.stdout().contains("counted as dead"), c.stdout());
            // The outage is on record: one episode, every connection, from the first unanswered heartbeat to the last echo.
            String outage = excerpt(summary, "outages");
            assertEquals(1, number(summary, "outage_count"), outage);
            // Read within the outages record: other parts of the summary have "seconds" and "connections" too.
            assertEquals("2000", within(outage, "connections"), outage);
            assertEquals("false", within(outage, "ongoing"), outage);
            assertEquals("null", field(summary, "recovery_seconds"), "nothing was lost, nothing reconnected: " + outage);
            double seconds = Double.parseDouble(within(outage, "seconds"));
            assertTrue(seconds > 7 && seconds < 10.5, "frozen about 8 s, silent " + seconds + " s: " + outage);
            String reason = field(summary, "exit_reason");
            assertTrue(reason.contains("1 outage(s): 2,000 connection(s) silent"), reason);
            s.terminate();
            s.waitFor(30);
        }
    }

    /** The first {@code "key": value} in an excerpt of the summary. */
    private static String within(String excerpt, String key) {
        var m = java.util.regex.Pattern.compile("\"" + key + "\": ([^,\\n}]+)").matcher(excerpt);
        if (!m.find()) {
            throw new AssertionError("no " + key + " in " + excerpt);
        }
        return m.group(1).trim();
    }
}
