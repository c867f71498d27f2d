package lab.c1m.client;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.field;
import static lab.c1m.common.testing.SummaryReader.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.JsonTree;
import lab.c1m.common.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed in the middle of the hold and started again on the same ports, with real processes: with
 * --reconnect every lost connection comes back to the new server, counted and timed; without it the hold
 * ends and the summary says it did not run its course.
 */
class ReconnectProcessTest {
    private static final String CLIENT = ClientCommand.class.getName();
    private static final int CONNECTIONS = 3000;

    @TempDir
    Path dir;

    private JavaProcess startServer(int base, int ports, String summaryName) throws Exception {
        return EchoServerProcess.start(dir, base, ports, "--summary", dir.resolve(summaryName).toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRestartedServerGetsEveryConnectionBackAndTheClientTimesIt() throws Exception {
        int base = Ports.freeRun(5);
        Path summary = dir.resolve("client.json");
        Path second = dir.resolve("server2.json");
        long downMillis = 2_000;
        // --hold 0: held until the test has seen every connection back, however slow a busy machine makes that.
        try (JavaProcess first = startServer(base, 4, "server1.json");
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 3),
                 "--connections", Integer.toString(CONNECTIONS), "--hold", "0", "--heartbeat", "500ms", "--reconnect",
                 "--summary", summary.toString(), "--timeline", dir.resolve("client.csv").toString(),
                 "--progress-every", "0")) {
            Eventually.holds(60, () -> "holding".equals(field(summary, "state")), c::stdout);
            Thread.sleep(1_000);
            first.kill();
            first.waitFor(30);
            // At least every connection: one re-opened in the instant before the dying server's listener closed is lost twice.
            Eventually.holds(10, () -> number(summary, "lost") >= CONNECTIONS, () -> excerpt(summary, "lost"));
            Thread.sleep(downMillis);
            try (JavaProcess restarted = startServer(base, 4, "server2.json")) {
                Eventually.holds(60, () -> number(summary, "unrecovered") == 0, () -> excerpt(summary, "reconnected"));
                Eventually.holds(30, () -> number(summary, "dead") == 0 && number(summary, "down") == 0,
                    () -> excerpt(summary, "dead"));
                // The new server writes its summary periodically: it shows them all by a later write.
                Eventually.holds(10, () -> number(second, "peak_open") == CONNECTIONS,
                    () -> "the new server has them all: " + excerpt(second, "peak_open"));
                c.terminate();
                assertEquals(ExitCodes.NOT_REACHED, c.waitFor(60), "lost is lost, even when it comes back: " + c.stdout());
                String why = c.stdout() + "\n" + excerpt(summary, "lost");
                assertEquals(CONNECTIONS, number(summary, "established"), "reconnects are not counted as established: " + why);
                long lost = number(summary, "lost");
                assertTrue(lost >= CONNECTIONS && lost < CONNECTIONS * 1.1, why);
                assertEquals(lost, number(summary, "reconnected"), "every loss re-opened: " + why);
                assertEquals(0, number(summary, "unrecovered"), why);
                Map<String, Object> all = (Map<String, Object>) JsonTree.read(summary);
                long refused = (Long) ((Map<String, Object>) all.get("reconnect_errors")).get("ECONNREFUSED");
                assertTrue(refused > 0, "the connects while the server was down were refused: " + all.get("reconnect_errors"));
                double recovery = Double.parseDouble(field(summary, "recovery_seconds"));
                // Down 2 s, the new JVM's start, and at most one backoff cap (5 s) before each slot tries again.
                assertTrue(recovery >= downMillis / 1000.0 && recovery < 30, "recovery " + recovery + " s: " + why);
                assertEquals("true", field(summary, "hold_completed"), why);
                // A starved client may also have seen a silent episode before the kill; the restart is the one that lost.
                Map<String, Object> outage = ((List<Map<String, Object>>) all.get("outages")).stream()
                    .filter(o -> (Long) o.get("lost") > 0).findFirst().orElseThrow(() -> new AssertionError(why));
                assertEquals(lost, outage.get("lost"), outage.toString());
                assertEquals(lost, outage.get("reconnected"), outage.toString());
                assertEquals((long) CONNECTIONS, outage.get("connections"), outage.toString());
                assertEquals(recovery, (Double) outage.get("recovery_seconds"), 1e-9, outage.toString());
                assertTrue(field(summary, "exit_reason").contains("every one reconnected"), field(summary, "exit_reason"));
                assertTrue(c.stdout().contains("First ECONNREFUSED reconnecting to"), c.stdout());
                List<String> rows = Files.readAllLines(dir.resolve("client.csv"));
                assertTrue(rows.get(0).endsWith(",reconnected,reconnect_errors,down"), rows.get(0));
                restarted.terminate();
                restarted.waitFor(30);
            }
        }
    }

    @Test
    void withoutReconnectTheHoldEndsAndTheSummarySaysItWasCut() throws Exception {
        int base = Ports.freeRun(3);
        Path summary = dir.resolve("client.json");
        try (JavaProcess s = startServer(base, 2, "server.json");
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 1),
                 "--connections", "500", "--hold", "40s", "--summary", summary.toString())) {
            Eventually.holds(60, () -> "holding".equals(field(summary, "state")), c::stdout);
            s.kill();
            assertEquals(ExitCodes.NOT_REACHED, c.waitFor(30), c.stdout());
            assertEquals(500, number(summary, "lost"));
            assertEquals(0, number(summary, "reconnected"));
            assertEquals(500, number(summary, "unrecovered"));
            assertEquals("false", field(summary, "hold_completed"));
            assertTrue(Double.parseDouble(field(summary, "held_seconds")) < 10, field(summary, "held_seconds"));
            String reason = field(summary, "exit_reason");
            assertTrue(reason.contains("hold ended after") && reason.contains("of 40s"), reason);
            assertEquals("true", field(summary, "ongoing"), "nothing came back: the outage is not over");
        }
    }
}
