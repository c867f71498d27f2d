package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's own 5-tuple check as measured (issue 11): past half the range a warning, only past all of it a refusal. */
class ClientPreflightTest {
    private static final String MAIN = ClientCommand.class.getName();

    @TempDir
    Path dir;

    /** A network namespace of its own with 100 ephemeral ports (40000-40099) and loopback up; the host's range is untouched. */
    private static final String NARROW = "ip link set lo up && sysctl -q -w net.ipv4.ip_local_port_range=\"40000 40099\""
        + " && exec \"$@\"";

    private static boolean namespacesAllowed() {
        try {
            Process p = new ProcessBuilder("unshare", "-n", "sh", "-c", NARROW, "sh", "true").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private JavaProcess clientInNarrowNamespace(String... args) throws Exception {
        return JavaProcess.start(dir, List.of("unshare", "-n", "sh", "-c", NARROW, "sh"), List.of(), MAIN, args);
    }

    @Test
    void pastHalfTheRangeToOnePortStartsWithAWarning() throws Exception {
        assumeTrue(namespacesAllowed(), "skipped: this machine does not allow 'unshare -n' with sysctl inside (needs root)");
        // 80 of 100 ports to one (source, server, port): the case the preflight used to refuse (15,000 on the
        // default range). Nothing listens there: the client starts, names the slowdown, and its ramp ends on the
        // first refusal.
        try (JavaProcess p = clientInNarrowNamespace("--server", "127.0.0.1", "--ports", "9000", "--connections", "80",
                "--max-failures", "1", "--retries", "0", "--hold", "1s")) {
            assertEquals(ExitCodes.NOT_REACHED, p.waitFor(120), p.stdout() + p.stderr());
            assertTrue(p.stdout().contains("WARN  ClientCommand - Preflight: 5-tuple:"), p.stdout());
            assertTrue(p.stdout().contains("on Linux 6.1 connect() slowed there from ~1,000/s to a few a second"), p.stdout());
            assertTrue(p.stdout().contains("Opening 80 connections"), "it started: " + p.stdout());
        }
    }

    @Test
    void pastTheWholeRangeToOnePortIsRefused() throws Exception {
        assumeTrue(namespacesAllowed(), "skipped: this machine does not allow 'unshare -n' with sysctl inside (needs root)");
        try (JavaProcess p = clientInNarrowNamespace("--server", "127.0.0.1", "--ports", "9000", "--connections", "101")) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, p.waitFor(60), p.stdout() + p.stderr());
            assertTrue(p.stderr().contains("5-tuple"), p.stderr());
            assertTrue(p.stderr().contains("EADDRNOTAVAIL"), p.stderr());
        }
    }
}
