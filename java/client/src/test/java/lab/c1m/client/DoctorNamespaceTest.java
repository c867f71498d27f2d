package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.testing.DoctorOutput;
import lab.c1m.common.testing.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code c1m-client doctor} in a network namespace of its own whose ephemeral range is 100 ports wide:
 * ip_local_port_range is per namespace, so the host's own setting is never touched.
 */
class DoctorNamespaceTest {
    private static final String MAIN = ClientCommand.class.getName();
    private static final String NARROW = "sysctl -q -w net.ipv4.ip_local_port_range=\"40000 40099\" && exec \"$@\"";

    @TempDir
    Path dir;

    /** Whether this machine lets us make a network namespace and set the range inside it (root, no seccomp ban). */
    private static boolean namespacesAllowed() {
        try {
            Process p = new ProcessBuilder("unshare", "-n", "sh", "-c", NARROW, "sh", "true").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static JavaProcess doctorInNarrowNamespace(Path dir, String... args) throws Exception {
        return JavaProcess.start(dir, List.of("unshare", "-n", "sh", "-c", NARROW, "sh"), List.of(), MAIN, args);
    }

    @Test
    void aNarrowRangeFailsTheFiveTupleWithItsNumbers() throws Exception {
        assumeTrue(namespacesAllowed(), "skipped: this machine does not allow 'unshare -n' with sysctl inside (needs root)");
        try (JavaProcess p = doctorInNarrowNamespace(dir, "doctor", "--json", "--connections", "1000", "--ports", "9000-9001")) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, p.waitFor(60), p.stdout() + p.stderr());
            Map<String, String> c = DoctorOutput.check(p.stdout(), "5-tuple");
            assertEquals("FAIL", c.get("status"), c.toString());
            assertEquals("100 = 2 server port(s) x 1 source address(es) x 50 (half of ip_local_port_range 40000-40099)",
                c.get("found"));
            assertTrue(c.get("needed").startsWith(">= 1,000 (this client's share): 500 per (source address, server address,"
                + " server port)"), c.toString());
            assertTrue(c.get("fix").contains("about 20 with this range"), c.toString());
            // tcp_mem is host-wide and hidden in a network namespace: said, not guessed.
            assertEquals("WARN", DoctorOutput.check(p.stdout(), "tcp_mem").get("status"));
        }
        // Ten source addresses give 20 combinations of 50 ports: the share fits, with no room left.
        try (JavaProcess p = doctorInNarrowNamespace(dir, "doctor", "--json", "--connections", "1000", "--ports", "9000-9001",
            "--source-ips", "10")) {
            assertEquals(ExitCodes.OK, p.waitFor(60), p.stdout() + p.stderr());
            Map<String, String> c = DoctorOutput.check(p.stdout(), "5-tuple");
            assertEquals("WARN", c.get("status"), c.toString());
            assertEquals("1,000 = 2 server port(s) x 10 source address(es) x 50 (half of ip_local_port_range 40000-40099)",
                c.get("found"));
        }
    }

    @Test
    void theClientStillRequiresItsServer() throws Exception {
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "--connections", "10")) {
            assertEquals(ExitCodes.USAGE, p.waitFor(60), p.stdout() + p.stderr());
            assertTrue(p.stderr().startsWith("c1m-client: Missing required option: '--server=HOST'\n"), p.stderr());
        }
    }
}
