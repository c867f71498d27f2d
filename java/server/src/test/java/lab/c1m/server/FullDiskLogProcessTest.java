package lab.c1m.server;

import static lab.c1m.common.testing.SummaryReader.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.Ports;
import lab.c1m.common.testing.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, item 3: a log file on a disk that fills up lost its lines without a word. Now the console says so
 * once (it keeps every line), the summary keeps when and why (log_problem), and the console says when the
 * file takes lines again. Needs root (mount); CI runs as root.
 */
class FullDiskLogProcessTest {
    private static final String MAIN = ServerCommand.class.getName();

    @TempDir
    Path dir;

    @Test
    void aLogFileOnAFullDiskIsSaidOnceAndKeptInTheSummary() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, "1m")) {
            holdALogOnAFullDisk(disk);
        }
    }

    private void holdALogOnAFullDisk(SmallDisk disk) throws Exception {
        Path log = disk.resolve("server.log");
        Path summary = dir.resolve("server.json");
        int port = Ports.freeRun(2);
        // A line for every accepted connection: the log has something to write once the disk is full.
        try (JavaProcess server = JavaProcess.start(dir, MAIN, "--bind", "127.0.0.1", "--ports",
                 Integer.toString(port), "--metrics-port", "0", "--progress-every", "1",
                 "--summary", summary.toString(), "--log-file", log.toString())) {
            Eventually.holds(30, () -> server.stdout().contains("Listening on"), server::stdout);
            disk.fill(4096);
            Eventually.holds(30, () -> {
                connectAndClose(port);
                return server.stdout().contains("The log file " + log + " is not written");
            }, server::stdout);
            Eventually.holds(10, () -> String.valueOf(field(summary, "log_problem")).startsWith("lines lost from "),
                () -> "log_problem: " + field(summary, "log_problem"));
            disk.free();
            Eventually.holds(30, () -> {
                connectAndClose(port);
                return server.stdout().contains("takes lines again");
            }, server::stdout);
            String out = server.stdout();
            assertEquals(1, out.split("is not written", -1).length - 1, "said once: " + out);
            assertTrue(server.isAlive(), "the server goes on");
            server.terminate();
            server.waitFor(30); // its log file open on the tmpfs would keep it from being unmounted
        }
    }

    private static void connectAndClose(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
