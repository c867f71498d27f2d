package lab.c1m.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.c1m.capacity.HostLimits;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.testing.DoctorOutput;
import lab.c1m.common.testing.JavaProcess;
import lab.c1m.common.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code c1m-server doctor} as a real process on this machine, reading the real /proc. */
class DoctorProcessTest {
    private static final String MAIN = ServerCommand.class.getName();

    @TempDir
    Path dir;

    /** The hard open-files limit this JVM has, which a child inherits (20,000 on the lab's development machine). */
    private static long hardLimit() {
        return HostLimits.read().nofileHard();
    }

    private JavaProcess doctor(List<String> prefix, List<String> jvm, String... args) throws IOException {
        String[] all = new String[args.length + 4];
        all[0] = "doctor";
        all[1] = "--json";
        all[2] = "--ports";
        int base = Ports.freeRun(20);
        all[3] = base + "-" + (base + 19);
        System.arraycopy(args, 0, all, 4, args.length);
        return JavaProcess.start(dir, prefix, jvm, MAIN, all);
    }

    @Test
    void theRealOpenFilesCapFailsAMillion() throws Exception {
        long hard = hardLimit();
        assumeTrue(hard < 1_000_000, "needs a hard open-files limit below 1m here, it is " + hard);
        try (JavaProcess million = doctor(List.of(), List.of(), "--connections", "1m")) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, million.waitFor(60), million.stdout() + million.stderr());
            Map<String, String> c = DoctorOutput.check(million.stdout(), "open files (hard)");
            assertEquals("FAIL", c.get("status"), c.toString());
            assertEquals(Quantities.count(hard) + " (this process)", c.get("found"));
            assertTrue(c.get("needed").matches(">= 1,000,\\d{3} = 1,000,000 connections \\+ 20 listening \\+ .*"), c.toString());
            assertTrue(c.get("fix").contains("LimitNOFILE=1100000"), c.toString());
            assertTrue(DoctorOutput.number(million.stdout(), "fail") >= 1);
        }
    }

    @Test
    void thisMachineHoldsAThousand() throws Exception {
        long hard = hardLimit();
        assumeTrue(hard > 2000, "needs a hard open-files limit above 2,000 here, it is " + hard);
        try (JavaProcess thousand = doctor(List.of(), List.of(), "--connections", "1000")) {
            assertEquals(ExitCodes.OK, thousand.waitFor(60), thousand.stdout() + thousand.stderr());
            Map<String, String> c = DoctorOutput.check(thousand.stdout(), "open files (hard)");
            assertEquals("OK", c.get("status"), c.toString());
            assertEquals(0, DoctorOutput.number(thousand.stdout(), "fail"));
        }
    }

    @Test
    void aLoweredSoftLimitIsFound() throws Exception {
        long hard = hardLimit();
        assumeTrue(hard > 6000 && hard != Long.MAX_VALUE, "needs a finite hard limit above 6,000, it is " + hard);
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
        // A JVM with -XX:-MaxFDLimit keeps the soft limit it was given: the finding is a FAIL.
        try (JavaProcess kept = doctor(List.of("/usr/bin/prlimit", "--nofile=1024:" + hard), List.of("-XX:-MaxFDLimit"),
            "--connections", "5000")) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, kept.waitFor(60), kept.stdout() + kept.stderr());
            Map<String, String> c = DoctorOutput.check(kept.stdout(), "open files (soft)");
            assertEquals("FAIL", c.get("status"), c.toString());
            assertEquals("1,024 (this process)", c.get("found"));
            assertTrue(c.get("fix").contains("ulimit -Sn 6000"), c.toString());
            assertEquals("OK", DoctorOutput.check(kept.stdout(), "open files (hard)").get("status"));
        }
        // A JVM as the jars run raises its own soft limit; the doctor reads the inherited one from the shell that
        // started it and warns: the jars are fine, anything else started from that shell is not.
        try (JavaProcess raised = doctor(List.of("bash", "-c", "ulimit -Sn 1024 && \"$@\"; exit $?", "bash"), List.of(),
            "--connections", "5000")) {
            assertEquals(ExitCodes.OK, raised.waitFor(60), raised.stdout() + raised.stderr());
            Map<String, String> c = DoctorOutput.check(raised.stdout(), "open files (soft)");
            assertEquals("WARN", c.get("status"), c.toString());
            assertEquals("1,024 (inherited: the parent process 'bash' has it; this JVM raised its own to "
                + Quantities.count(hard) + ")", c.get("found"));
            assertTrue(c.get("fix").contains("-XX:+MaxFDLimit"), c.toString());
        }
    }

    @Test
    void theServersOwnPreflightPointsToTheDoctor() throws Exception {
        long hard = hardLimit();
        assumeTrue(hard < 1_000_000, "needs a hard open-files limit below 1m here, it is " + hard);
        int base = Ports.freeRun(2);
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "--expected-connections", "1m", "--ports", base + "-" + (base + 1),
            "--metrics-port", "0")) {
            assertEquals(ExitCodes.HOST_CANNOT_HOLD, p.waitFor(60), p.stdout() + p.stderr());
            assertTrue(p.stderr().contains("Every limit, each with its fix: java -jar c1m-server.jar doctor --connections 1000000"
                + " --ports " + base + "-" + (base + 1)), p.stderr());
        }
    }

    @Test
    void badUsageIsOneLineAndExitTwo() throws Exception {
        try (JavaProcess p = JavaProcess.start(dir, MAIN, "doctor", "--heap", "lots")) {
            assertEquals(ExitCodes.USAGE, p.waitFor(60), p.stdout() + p.stderr());
            assertTrue(p.stderr().startsWith("c1m-server doctor: --heap: 'lots' is not a heap size"), p.stderr());
        }
    }
}
