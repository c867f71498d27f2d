package lab.c1m.client;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.field;
import static lab.c1m.common.testing.SummaryReader.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --protocol websocket with real processes on loopback: the client held by the lab's own server speaking
 * WebSocket, and by a server nobody here wrote (Debian's python3-websockets), heartbeats answered by Pongs;
 * a server that stops answering makes its connections dead, as with raw frames.
 */
class WebSocketProcessTest {
    private static final String CLIENT = ClientCommand.class.getName();
    /** Debian's interpreter: python3-websockets is installed for it (install-deps.sh), not for another on PATH. */
    private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void theClientHoldsTheLabsWebSocketServerWithPingsAndBinaryEchoes() throws Exception {
        int base = Ports.freeRun(5);
        Path server = dir.resolve("server.json");
        Path ping = dir.resolve("ping.json");
        Path binary = dir.resolve("binary.json");
        try (JavaProcess s = EchoServerProcess.start(dir, base, 4, "--protocol", "websocket", "--summary", server.toString());
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 3),
                 "--connections", "3000", "--hold", "5s", "--heartbeat", "500ms", "--protocol", "websocket",
                 "--summary", ping.toString(), "--progress-every", "0")) {
            int code = c.waitFor(120);
            String why = c.stdout() + excerpt(ping, "heartbeat");
            assertEquals(ExitCodes.OK, code, why);
            assertEquals(3000, number(ping, "established"), why);
            assertEquals(0, number(ping, "dead"), why);
            assertEquals(0, number(ping, "lost"), why);
            assertEquals("websocket", field(ping, "protocol"));
            assertTrue(number(ping, "sent") >= 3000 * 5, "at least five heartbeats a connection: " + why);
            assertTrue(number(ping, "received") >= number(ping, "sent") - 3000, "every written Ping ponged: " + why);
            // The same server echoes Binary frames for --ws-echo binary.
            try (JavaProcess b = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 3),
                    "--connections", "500", "--hold", "3s", "--heartbeat", "500ms", "--protocol", "websocket",
                    "--ws-echo", "binary", "--ws-path", "/any", "--summary", binary.toString(), "--progress-every", "0")) {
                assertEquals(ExitCodes.OK, b.waitFor(120), b.stdout());
                assertTrue(number(binary, "received") >= 500 * 3, excerpt(binary, "heartbeat"));
                assertEquals("binary", field(binary, "ws_echo"));
            }
            Eventually.holds(10, () -> number(server, "open") == 0, () -> excerpt(server, "open"));
            assertEquals("websocket", field(server, "protocol"));
            assertEquals(3500, number(server, "accepted"), "both runs were upgraded and held: " + excerpt(server, "accepted"));
            s.terminate();
            s.waitFor(30);
        }
    }

    @Test
    void aServerThatStopsPongingMakesItsConnectionsDead() throws Exception {
        int base = Ports.freeRun(3);
        Path summary = dir.resolve("client.json");
        try (JavaProcess s = EchoServerProcess.start(dir, base, 2, "--protocol", "websocket");
             JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", base + "-" + (base + 1),
                 "--connections", "1000", "--hold", "10s", "--heartbeat", "200ms", "--protocol", "websocket",
                 "--summary", summary.toString(), "--progress-every", "0")) {
            Eventually.holds(60, () -> Files.exists(summary) && field(summary, "state").equals("holding"), c::stdout);
            assertEquals(0, number(summary, "dead"), excerpt(summary, "dead"));
            s.signal("STOP");
            try {
                Eventually.holds(10, () -> number(summary, "dead") == 1000, () -> excerpt(summary, "dead"));
            } finally {
                s.signal("CONT");
            }
            assertEquals(0, number(summary, "lost"), "dead, not closed: " + excerpt(summary, "lost"));
            c.waitFor(60);
            s.terminate();
            s.waitFor(30);
        }
    }

    @Test
    void aThirdPartyWebSocketServerHoldsTheClientAndIsHeldByIt() throws Exception {
        assumeTrue(Files.isExecutable(DEBIAN_PYTHON) && new ProcessBuilder(DEBIAN_PYTHON.toString(), "-c", "import websockets")
            .start().waitFor() == 0, "needs Debian's python3-websockets (bash install-deps.sh)");
        Path script = dir.resolve("websockets_server.py");
        try (InputStream in = WebSocketProcessTest.class.getResourceAsStream("websockets_server.py")) {
            Files.write(script, in.readAllBytes());
        }
        int port = Ports.freeRun(1);
        Path summary = dir.resolve("client.json");
        Process python = new ProcessBuilder(DEBIAN_PYTHON.toString(), script.toString(), Integer.toString(port))
            .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine(), "the websockets server did not start");
            // It pings every second and closes a connection whose Pong is a second late: 6 s held is 6 Pings answered.
            try (JavaProcess c = JavaProcess.start(dir, CLIENT, "--server", "127.0.0.1", "--ports", Integer.toString(port),
                    "--connections", "1000", "--rate", "500", "--hold", "6s", "--heartbeat", "1s", "--protocol", "websocket",
                    "--ws-path", "/c1m", "--ws-header", "Origin: http://c1m.test", "--summary", summary.toString(),
                    "--progress-every", "0")) {
                int code = c.waitFor(120);
                String why = c.stdout() + excerpt(summary, "heartbeat");
                assertEquals(ExitCodes.OK, code, why);
                assertEquals(1000, number(summary, "established"), why);
                assertEquals(0, number(summary, "lost"), "the server's Pings answered: " + why);
                assertEquals(0, number(summary, "dead"), why);
                assertTrue(number(summary, "received") >= 1000 * 6, "its Pongs are the echoes: " + why);
            }
        } finally {
            python.destroy();
            if (!python.waitFor(10, TimeUnit.SECONDS)) {
                python.destroyForcibly();
            }
        }
    }
}
