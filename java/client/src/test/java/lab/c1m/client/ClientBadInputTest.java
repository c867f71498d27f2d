package lab.c1m.client;

import static lab.c1m.common.testing.SummaryReader.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.BadInput;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input of issue 11 against the client: one line, the right exit code, nothing opened; every exit leaves a summary. */
class ClientBadInputTest {
    private static final String MAIN = ClientCommand.class.getName();

    @TempDir
    Path dir;

    private String refused(String... args) throws Exception {
        return BadInput.refused(dir, MAIN, ExitCodes.USAGE, "c1m-client: ", args);
    }

    @Test
    void anEmptyServerUnwritableOutputsAndTooManyThreadsAreUsageErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertEquals("c1m-client: --server must name the server (a host name or an address), got ''", refused("--server", ""));
        assertTrue(refused("--server", "  ").startsWith("c1m-client: --server must name the server"));
        assertTrue(refused("--server", "no-such-host.invalid").contains("is an unknown host"));
        assertTrue(refused("--server", "127.0.0.1", "--threads", "100000").startsWith("c1m-client: --threads must be 0"));
        assertEquals("c1m-client: --log-file /proc/forbidden: is on a proc file system, the kernel's own files, which do not"
            + " keep what a run writes: give a path on a disk", refused("--server", "127.0.0.1", "--log-file", "/proc/forbidden"));
        assertTrue(refused("--server", "127.0.0.1", "--timeline", "/proc/forbidden").startsWith("c1m-client: --timeline"));
        assertEquals("c1m-client: --summary " + file + "/c.json: " + file + " is a file, not a folder",
            refused("--server", "127.0.0.1", "--summary", file + "/c.json"));
        assertTrue(refused("--server", "127.0.0.1", "--summary", dir.resolve("missing/c.json").toString())
            .contains("does not exist (it is not created"));
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void anUnknownProtocolBadWebSocketOptionsAndWebSocketOptionsWithRawAreUsageErrors() throws Exception {
        assertTrue(refused("--server", "127.0.0.1", "--protocol", "mqtt")
            .contains("unknown protocol 'mqtt': use raw (the lab's echo frames) or websocket"), "unknown protocol");
        assertEquals("c1m-client: --ws-path applies to --protocol websocket only: add --protocol websocket or leave --ws-path out",
            refused("--server", "127.0.0.1", "--ws-path", "/ws"));
        assertEquals("c1m-client: --ws-header applies to --protocol websocket only: add --protocol websocket or leave --ws-header"
            + " out", refused("--server", "127.0.0.1", "--protocol", "raw", "--ws-header", "Origin: x"));
        assertEquals("c1m-client: --ws-header must be 'Name: value', e.g. 'Origin: http://example.com', got 'Origin http://x'",
            refused("--server", "127.0.0.1", "--protocol", "websocket", "--ws-header", "Origin http://x"));
        assertEquals("c1m-client: --ws-header Host is written by the handshake itself: use --ws-host",
            refused("--server", "127.0.0.1", "--protocol", "websocket", "--ws-header", "Host: example.com"));
        assertEquals("c1m-client: --ws-path must start with '/', e.g. /ws, got 'ws'",
            refused("--server", "127.0.0.1", "--protocol", "websocket", "--ws-path", "ws"));
        assertTrue(refused("--server", "127.0.0.1", "--protocol", "websocket", "--ws-echo", "text")
            .startsWith("c1m-client: --ws-echo must be ping (any WebSocket server answers) or binary"));
    }

    @Test
    void aRefusalLeavesASummaryWithItsExitCodeAndReason() throws Exception {
        Path summary = dir.resolve("client.json");
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "--server", "127.0.0.1", "--connections", "100m",
                "--summary", summary.toString())) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, p.waitFor(60), p.stdout() + p.stderr());
            assertEquals("3", field(summary, "exit_code"));
            assertTrue(field(summary, "exit_reason").startsWith("c1m-client: this host cannot hold 100,000,000 connections"));
            assertEquals("stopped", field(summary, "state"));
            assertFalse(p.stdout().contains("Opening"), "nothing was opened");
        }
    }

    @Test
    void aSigtermDuringStartUpLeavesASummaryWithTheExitCode() throws Exception {
        Path summary = dir.resolve("client.json");
        // A listener that never accepts: the kernel completes the connects into its backlog.
        try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
             JavaProcess p = JavaProcess.start(dir, MAIN, "--server", "127.0.0.1", "--ports",
                 Integer.toString(server.getLocalPort()), "--connections", "100", "--hold", "0", "--summary",
                 summary.toString())) {
            Eventually.holds(30, () -> !p.stdout().isEmpty(), p::stdout);
            p.terminate();
            int code = p.waitFor(60);
            assertTrue(code == ExitCodes.OK || code == ExitCodes.NOT_REACHED, "not the JVM's 143: " + code + p.stdout());
            assertEquals(Integer.toString(code), field(summary, "exit_code"));
            assertFalse(field(summary, "exit_reason").isBlank());
            assertEquals("done", field(summary, "state"));
        }
    }
}
