package lab.c1m.client;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.Ports;
import lab.c1m.common.testing.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, item 1: the client's summary and timeline on a small tmpfs that fills up in the middle of the
 * hold. While it is full no half-written summary is left and the last whole one stays readable; once room
 * is made again, the summary is written again (the timeline's failure never stopped it) and the final one
 * says "done". Needs root (mount); CI runs as root.
 */
class FullDiskProcessTest {
    private static final String CLIENT = ClientCommand.class.getName();

    @TempDir
    Path dir;

    @Test
    void aFullDiskNeverFreezesTheRecord() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, "2m")) {
            fullThenFreed(disk);
        }
    }

    private void fullThenFreed(SmallDisk disk) throws Exception {
        int base = Ports.freeRun(3);
        Path summary = disk.resolve("client.json");
        Path timeline = disk.resolve("client.csv");
        try (JavaProcess server = EchoServerProcess.start(dir, base, 2)) {
            try (JavaProcess client = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports",
                     base + "-" + (base + 1), "--connections", "500", "--hold", "12s", "--heartbeat", "1s",
                     "--summary", summary.toString(), "--timeline", timeline.toString(), "--progress-every", "0")) {
                Eventually.holds(60, () -> "holding".equals(field(summary, "state")), client::stdout);
                disk.fill(4096);
                Thread.sleep(3_000);
                assertNoTmp(summary);
                assertEquals("holding", field(summary, "state"), "the last whole summary stays readable");
                disk.free();
                assertEquals(ExitCodes.OK, client.waitFor(60), client.stdout());
                assertEquals("done", field(summary, "state"), "the final summary is written: " + excerpt(summary, "state"));
                String log = client.stdout();
                assertTrue(log.contains("The summary is not written") && log.contains("The summary is written again"), log);
                assertEquals(1, log.split("The summary is not written", -1).length - 1, "said once: " + log);
                assertTrue(log.contains("Done: ") && log.contains("; summary " + summary), "the last line names the summary: " + log);
                assertWholeRows(timeline);
            }
        }
    }

    private static void assertNoTmp(Path summary) throws IOException {
        try (var files = Files.list(summary.getParent())) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList(), "no half-written summary");
        }
    }

    /** Every row has the header's columns and one time: none cut off, none glued to the next (issue 20). */
    private static void assertWholeRows(Path timeline) throws IOException {
        List<String> rows = Files.readAllLines(timeline);
        assertNotNull(rows.get(0));
        int columns = rows.get(0).split(",", -1).length;
        assertTrue(rows.size() > 3, "rows before and after the full disk: " + rows);
        for (String row : rows.subList(1, rows.size())) {
            assertEquals(columns, row.split(",", -1).length, "a whole row: " + row);
            assertTrue(row.matches("\\d{4}-\\d\\d-\\d\\dT[^,]*Z,[^T]*"), "one time, at the start: " + row);
        }
    }

    @Test
    void aDiskFullToTheEndIsSaidInTheLastLine() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, "2m")) {
            fullToTheEnd(disk);
        }
    }

    private void fullToTheEnd(SmallDisk disk) throws Exception {
        int base = Ports.freeRun(3);
        Path summary = disk.resolve("client.json");
        Path timeline = disk.resolve("client.csv");
        try (JavaProcess server = EchoServerProcess.start(dir, base, 2)) {
            try (JavaProcess client = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports",
                     base + "-" + (base + 1), "--connections", "200", "--hold", "4s", "--heartbeat", "1s",
                     "--summary", summary.toString(), "--timeline", timeline.toString(), "--progress-every", "0")) {
                Eventually.holds(60, () -> "holding".equals(field(summary, "state")), client::stdout);
                disk.fill(4096);
                assertEquals(ExitCodes.OK, client.waitFor(60), client.stdout());
                String log = client.stdout();
                assertTrue(log.contains("ERROR ClientCommand - Done: ") && log.contains("; summary NOT written: "),
                    "the last line says the final summary is not there: " + log);
                assertEquals("holding", field(summary, "state"), "the last whole summary stays, named stale by the report");
                assertNoTmp(summary);
                try (var files = Files.list(summary.getParent())) {
                    assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".lock")).toList(), "its locks went with it");
                }
                assertWholeRows(timeline);
            }
        }
    }
}
