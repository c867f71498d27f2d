package lab.c1m.client;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.field;
import static lab.c1m.common.testing.SummaryReader.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.testing.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket upgrade that fails, against a tiny server that answers each request as told: refused with a
 * status, answered with a 101 that is no upgrade, or not answered at all. Each is its named kind in the
 * summary, said once with its cause, and the run fails with the kind's meaning and fix.
 */
class WebSocketHandshakeFailureTest {
    private static final String CLIENT = ClientCommand.class.getName();

    @TempDir
    Path dir;

    /** Answers each connection's request head with {@code answer} of it (null: no answer, the socket held open). */
    private static final class TinyServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> held = new ArrayList<>();
        private final Thread thread;

        TinyServer(Function<String, String> answer) throws IOException {
            socket = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        held.add(s);
                        String reply = answer.apply(head(s.getInputStream()));
                        if (reply != null) {
                            OutputStream out = s.getOutputStream();
                            out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private static String head(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            while (!sb.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                sb.append((char) b);
            }
            return sb.toString();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            for (Socket s : held) {
                s.close();
            }
            thread.join(5_000);
        }
    }

    private Path run(TinyServer server, String... extra) throws Exception {
        Path summary = dir.resolve("client-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1", "--ports", Integer.toString(server.port()),
            "--connections", "5", "--retries", "0", "--hold", "1s", "--protocol", "websocket",
            "--summary", summary.toString(), "--progress-every", "0"));
        args.addAll(List.of(extra));
        try (JavaProcess c = JavaProcess.start(dir, CLIENT, args.toArray(String[]::new))) {
            assertEquals(ExitCodes.NOT_REACHED, c.waitFor(60), c.stdout());
            return summary;
        }
    }

    @Test
    void aRefusedUpgradeIsWsStatusWithTheStatus() throws Exception {
        try (TinyServer server = new TinyServer(request -> request.startsWith("GET /ws HTTP/1.1\r\n")
                ? "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n" : "HTTP/1.1 500 Wrong Path\r\n\r\n")) {
            Path summary = run(server, "--ws-path", "/ws");
            String failed = excerpt(summary, "failed");
            assertEquals(5, number(summary, "WS_STATUS"), failed);
            assertEquals(0, number(summary, "established"), failed);
            String first = excerpt(summary, "first_failures");
            assertTrue(first.contains("HTTP 403 Forbidden, not 101 Switching Protocols"), first);
            String reason = field(summary, "exit_reason");
            assertTrue(reason.contains("mostly WS_STATUS (" + FailureKind.WS_STATUS.meaning()), reason);
            assertTrue(field(summary, "failure_hint").contains(FailureKind.WS_STATUS.fix()), field(summary, "failure_hint"));
        }
    }

    @Test
    void aHundredAndOneWithoutTheRightAcceptIsWsUpgrade() throws Exception {
        try (TinyServer server = new TinyServer(request -> "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSBrZXk=\r\n\r\n")) {
            Path summary = run(server);
            assertEquals(5, number(summary, "WS_UPGRADE"), excerpt(summary, "failed"));
            assertTrue(excerpt(summary, "first_failures").contains("Sec-WebSocket-Accept 'bm90IHRoZSBrZXk='"),
                excerpt(summary, "first_failures"));
        }
    }

    @Test
    void anUnansweredUpgradeIsWsTimeout() throws Exception {
        try (TinyServer server = new TinyServer(request -> null)) {
            Path summary = run(server, "--connect-timeout", "1s");
            assertEquals(5, number(summary, "WS_TIMEOUT"), excerpt(summary, "failed"));
            assertEquals(0, number(summary, "ETIMEDOUT"), "TCP was up: the upgrade timed out, not the connect");
        }
    }
}
