package lab.c1m.server;

import static lab.c1m.common.testing.SummaryReader.excerpt;
import static lab.c1m.common.testing.SummaryReader.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.JavaProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that vanishes without a FIN or a reset, as a destroyed client VM does: the server runs in one
 * network namespace, 100 connections come from another over a veth pair, and the veth is deleted. Neither
 * namespace has any other route, so nothing answers the server's keepalive probes and nothing resets.
 */
class KeepaliveNamespaceTest {
    private static final String MAIN = ServerCommand.class.getName();
    private final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 999_999));
    private final String serverNs = "c1ms" + tag;
    private final String clientNs = "c1mc" + tag;
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private boolean namespacesWithVeth() throws Exception {
        return sh("ip", "netns", "add", serverNs) == 0 && sh("ip", "netns", "add", clientNs) == 0
            && sh("ip", "link", "add", "va" + tag, "netns", serverNs, "type", "veth", "peer", "name", "vb" + tag,
                "netns", clientNs) == 0;
    }

    private void up(String ns, String dev, String address) throws Exception {
        assertEquals(0, sh("ip", "-n", ns, "addr", "add", address + "/24", "dev", dev));
        assertEquals(0, sh("ip", "-n", ns, "link", "set", dev, "up"));
        assertEquals(0, sh("ip", "-n", ns, "link", "set", "lo", "up"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(Process::destroyForcibly);
        sh("ip", "netns", "del", serverNs);
        sh("ip", "netns", "del", clientNs);
    }

    @Test
    void aPeerWhoseLinkVanishedIsReapedByKeepaliveAndCounted() throws Exception {
        assumeTrue(namespacesWithVeth(), "skipped: this machine does not allow network namespaces with a veth pair"
            + " (needs root and the veth module)");
        up(serverNs, "va" + tag, "10.213.0.1");
        up(clientNs, "vb" + tag, "10.213.0.2");
        Path summary = dir.resolve("server.json");
        try (JavaProcess server = JavaProcess.start(dir, List.of("ip", "netns", "exec", serverNs), List.of(), MAIN,
                "--ports", "9000", "--metrics-port", "0", "--keepalive", "2s", "--keepalive-interval", "1s",
                "--keepalive-probes", "2", "--summary", summary.toString())) {
            Eventually.holds(20, () -> server.stdout().contains("Listening on"), server::stdout);
            assertTrue(server.stdout().contains("keepalive after 2s idle, 2 probes 1s apart (a vanished peer is reaped"
                + " within 4s)"), server.stdout());

            // 100 idle connections, held by a process in the client namespace.
            Process peers = new ProcessBuilder("ip", "netns", "exec", clientNs, "python3", "-c",
                "import socket,sys,time\n"
                    + "s=[socket.create_connection(('10.213.0.1',9000)) for _ in range(100)]\n"
                    + "print('open',flush=True)\n"
                    + "time.sleep(600)\n").redirectErrorStream(true).start();
            started.add(peers);
            Eventually.holds(20, () -> number(summary, "open") == 100, () -> excerpt(summary, "open"));

            // Peers that answer their probes are never reaped: three idle periods later all 100 are still there.
            Thread.sleep(7_000);
            assertEquals(100, number(summary, "open"), excerpt(summary, "open"));
            assertEquals(0, number(summary, "reaped"), excerpt(summary, "reaped"));

            // The link goes, with no FIN and no reset: within idle + probes x interval (4 s) and a summary tick.
            long gone = System.nanoTime();
            assertEquals(0, sh("ip", "-n", serverNs, "link", "del", "va" + tag));
            Eventually.holds(20, () -> number(summary, "open") == 0, () -> excerpt(summary, "open"));
            long reapSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - gone);
            assertEquals(100, number(summary, "reaped"), excerpt(summary, "reaped"));
            assertTrue(reapSeconds <= 8, "reaped within the keepalive's bound and a second, took " + reapSeconds + " s");

            server.terminate();
            assertEquals(ExitCodes.OK, server.waitFor(30), server.stdout());
            assertEquals(100, number(summary, "reaped"));
            assertTrue(Files.readString(summary).contains("\"state\": \"stopped\""));
        }
    }
}
