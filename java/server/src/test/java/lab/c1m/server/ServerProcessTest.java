package lab.c1m.server;

import static lab.c1m.common.testing.SummaryReader.field;
import static lab.c1m.common.testing.SummaryReader.number;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as the lab runs it: its own JVM, real sockets on loopback, SIGTERM to stop. */
class ServerProcessTest {
    private static final String MAIN = ServerCommand.class.getName();

    @TempDir
    Path dir;

    private JavaProcess startServer(int base, int metricsPort) throws Exception {
        JavaProcess server = JavaProcess.start(dir, MAIN, "--bind", "127.0.0.1", "--ports", base + "-" + (base + 3),
            "--metrics-port", Integer.toString(metricsPort), "--summary", dir.resolve("server.json").toString(),
            "--timeline", dir.resolve("server.csv").toString(), "--log-file", dir.resolve("server.log").toString(),
            "--progress-every", "100");
        // Ready once /status answers: it starts after every port is bound, and probing it opens no echo connection.
        Eventually.holds(20, () -> get(metricsPort, "/status").contains("running"), server::stdout);
        return server;
    }

    @Test
    void echoesCountsAndRecoversFromGarbageAndResets() throws Exception {
        int base = Ports.freeRun(5);
        int metrics = base + 4;
        try (JavaProcess server = startServer(base, metrics)) {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                sockets.add(new Socket("127.0.0.1", base + i % 4));
            }
            Path summary = dir.resolve("server.json");
            Eventually.holds(10, () -> number(summary, "open") == 400, () -> field(summary, "open"));

            byte[] garbage = new byte[3000];
            ThreadLocalRandom.current().nextBytes(garbage);
            Socket s = sockets.get(7);
            s.getOutputStream().write(garbage);
            assertArrayEquals(garbage, s.getInputStream().readNBytes(garbage.length), "every byte comes back");

            // Half leave with a reset (SO_LINGER 0), half with a normal close: the count returns to zero either way.
            for (int i = 0; i < sockets.size(); i++) {
                if (i % 2 == 0) {
                    sockets.get(i).setSoLinger(true, 0);
                }
                sockets.get(i).close();
            }
            Eventually.holds(10, () -> number(summary, "open") == 0, () -> field(summary, "open"));
            assertEquals(400, number(summary, "accepted"));
            assertEquals(400, number(summary, "peak_open"));
            assertEquals(3000, number(summary, "bytes_echoed"));

            String prometheus = get(metrics, "/metrics");
            assertTrue(prometheus.contains("c1m_server_accepted_total 400"), prometheus);
            assertTrue(prometheus.contains("c1m_server_port_open_connections{port=\"" + base + "\"} 0"), prometheus);
            assertTrue(get(metrics, "/status").contains("\"peak_open\": 400"));
            assertTrue(server.stdout().contains("Accepted 400 connections"), "progress line every 100: " + server.stdout());

            server.terminate();
            assertEquals(ExitCodes.OK, server.waitFor(30));
            assertEquals("stopped", field(summary, "state"));
            assertEquals("epoll", field(summary, "transport"));
            assertFalse(field(summary, "first_connection_at").equals("null"));
            List<String> timeline = Files.readAllLines(dir.resolve("server.csv"));
            assertEquals("time,open,accepted,closed,rss_bytes,heap_used_bytes,reaped", timeline.get(0));
            assertTrue(timeline.size() >= 2, "one row a second");
            assertTrue(Files.readString(dir.resolve("server.log")).contains("Listening on 127.0.0.1"));
            // --keepalive auto without --heartbeat: the rules' minimum, said in the log and the summary.
            assertTrue(server.stdout().contains("keepalive after 10m idle, 10 probes 1m apart (a vanished peer is reaped"
                + " within 20m), the rules' minimum"), server.stdout());
            String json = Files.readString(summary);
            assertTrue(json.contains("\"sized_from\": \"minimum\"") && json.contains("\"idle_seconds\": 600")
                && json.contains("\"text\": \"10m idle, 10 probes 1m apart\""), json);
        }
    }

    @Test
    void oneIoThreadEchoesManySimultaneousSendersEachItsOwnBytes() throws Exception {
        int base = Ports.freeRun(5);
        try (JavaProcess server = JavaProcess.start(dir, MAIN, "--bind", "127.0.0.1", "--ports", base + "-" + (base + 3),
                "--metrics-port", "0", "--threads", "1", "--summary", dir.resolve("server.json").toString())) {
            // One event loop: every connection reads through the same shared handle, read loops interleaved.
            Eventually.holds(20, () -> server.stdout().contains("Listening on"), server::stdout);
            assertTrue(server.stdout().contains("(epoll, shared addresses, compact ids, shared read handles)"),
                server.stdout());
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Socket s = new Socket("127.0.0.1", base + i % 4);
                s.setSoTimeout(20_000);
                sockets.add(s);
            }
            ExecutorService senders = Executors.newFixedThreadPool(60);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> results = new ArrayList<>();
                for (int i = 0; i < sockets.size(); i++) {
                    Socket s = sockets.get(i);
                    byte[] sent = new byte[50_000];
                    new Random(i).nextBytes(sent);
                    results.add(senders.submit(() -> {
                        go.await();
                        for (int off = 0; off < sent.length; off += 5000) {
                            s.getOutputStream().write(sent, off, 5000);
                        }
                        assertArrayEquals(sent, s.getInputStream().readNBytes(sent.length), "its own bytes, in order");
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> r : results) {
                    r.get(60, TimeUnit.SECONDS);
                }
            } finally {
                senders.shutdownNow();
            }
            for (Socket s : sockets) {
                s.close();
            }
            Path summary = dir.resolve("server.json");
            Eventually.holds(10, () -> number(summary, "bytes_echoed") == 60 * 50_000L, () -> field(summary, "bytes_echoed"));
        }
        try (JavaProcess plain = JavaProcess.start(dir, MAIN, "--bind", "127.0.0.1", "--ports", base + "-" + (base + 3),
                "--metrics-port", "0", "--no-lean")) {
            Eventually.holds(20, () -> plain.stdout().contains("Listening on"), plain::stdout);
            assertTrue(plain.stdout().contains("(epoll), backlog"), "--no-lean: Netty's own: " + plain.stdout());
            try (Socket s = new Socket("127.0.0.1", base)) {
                s.getOutputStream().write(7);
                assertEquals(7, s.getInputStream().read());
            }
        }
    }

    @Test
    void restartsOnTheSamePortsWhileOldConnectionsSitInTimeWait() throws Exception {
        int base = Ports.freeRun(5);
        try (JavaProcess first = startServer(base, base + 4)) {
            try (Socket s = new Socket("127.0.0.1", base)) {
                s.getOutputStream().write(1);
                assertEquals(1, s.getInputStream().read());
                // The server closes first, so its side of the connection enters TIME_WAIT.
                first.terminate();
                assertEquals(ExitCodes.OK, first.waitFor(30));
            }
        }
        try (JavaProcess second = startServer(base, base + 4)) {
            try (Socket s = new Socket("127.0.0.1", base)) {
                s.getOutputStream().write(2);
                assertEquals(2, s.getInputStream().read());
            }
            second.terminate();
            assertEquals(ExitCodes.OK, second.waitFor(30));
        }
    }

    @Test
    void aBusyPortIsNamedAndTheServerExits() throws Exception {
        int base = Ports.freeRun(5);
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(base + 2, 1,
                java.net.InetAddress.getByName("127.0.0.1"));
             JavaProcess server = JavaProcess.start(dir, MAIN, "--bind", "127.0.0.1", "--ports", base + "-" + (base + 3),
                 "--metrics-port", "0")) {
            assertEquals(ExitCodes.NOT_REACHED, server.waitFor(30));
            assertTrue(server.stdout().contains("cannot listen on 127.0.0.1:" + (base + 2)), server.stdout());
            assertFalse(server.stdout().contains("\tat "), "no stack trace");
        }
    }

    @Test
    void badFlagsGetOneLineAndExitTwo() throws Exception {
        String[][] cases = {
            {"--ports", "9010-9000"},
            {"--ports", ""},
            {"--status-interval", "soon"},
            {"--expected-connections", "-5"},
            {"--metrics-port", "9000"},
            {"--keepalive", "500ms"},
            {"--keepalive-probes", "0"},
            {"--keepalive", "30s", "--heartbeat", "1m"},
            {"--no-such-flag"},
        };
        for (String[] args : cases) {
            try (JavaProcess p = JavaProcess.start(dir, MAIN, args)) {
                assertEquals(ExitCodes.USAGE, p.waitFor(30), String.join(" ", args));
                String err = p.stderr();
                assertTrue(err.startsWith("c1m-server: "), err);
                assertFalse(err.contains("Exception"), "no stack trace for " + String.join(" ", args) + ":\n" + err);
            }
        }
    }

    @Test
    void refusesATargetThisHostCannotHold() throws Exception {
        Path log = dir.resolve("server.log");
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "--expected-connections", "100m", "--metrics-port", "0",
                "--log-file", log.toString())) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, p.waitFor(30));
            assertTrue(Files.readString(log).contains("cannot hold 100,000,000 connections"), "the lab fetches the log");
            assertTrue(p.stderr().contains("cannot hold 100,000,000 connections"), p.stderr());
            assertTrue(p.stderr().contains("Fix: "), p.stderr());
            assertFalse(p.stdout().contains("Listening"), "nothing was opened");
        }
    }

    @Test
    void helpListsDefaultsAndExitCodes() throws Exception {
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "--help")) {
            assertEquals(0, p.waitFor(30));
            assertTrue(p.stdout().contains("Default: 9000-9019"), p.stdout());
            // The keepalive's defaults are the rules' (rules.properties keepalive.*).
            assertTrue(p.stdout().contains("Default: auto") && p.stdout().contains("Default: 60s")
                && p.stdout().contains("Default: 10"), p.stdout());
            assertTrue(p.stdout().contains("Exit codes:"), p.stdout());
        }
    }

    private static String get(int port, String path) {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            c.disconnect();
        }
    }

}
