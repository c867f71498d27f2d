package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.c1m.capacity.HostFacts;
import lab.c1m.common.notation.PortList;
import org.junit.jupiter.api.Test;

/** The heartbeat rate a client's share asks for against what its CPUs keep: a warning with the fix, never a failure. */
class HeartbeatCheckTest {
    private static final long SECOND = 1_000_000_000L;

    private static HostShare client(long connections, long heartbeatNanos, int cpus) {
        return new HostShare(HostShare.Role.CLIENT, connections, PortList.parse("9000-9019"), 1, 0, -1, -1, -1, true,
            heartbeatNanos, cpus);
    }

    @Test
    void aRateWellWithinTheCpusIsOk() {
        Check c = HeartbeatCheck.run(client(333_334, 30 * SECOND, 2));
        assertEquals(Status.OK, c.status());
        assertEquals("11,111/s = 333,334 connections / 30s", c.found());
        assertTrue(c.needed().contains("2 CPU(s) x " + Fmt.count(HeartbeatCheck.PER_CPU_PER_SECOND)), c.needed());
    }

    @Test
    void aScheduleTheCpusCannotKeepWarnsWithALongerIntervalAndNeverFails() {
        Check c = HeartbeatCheck.run(client(1_000_000, SECOND, 2));
        assertEquals(Status.WARN, c.status());
        long interval = (long) Math.ceil(1_000_000 / (2 * HeartbeatCheck.PER_CPU_PER_SECOND * HeartbeatCheck.COMFORTABLE));
        assertTrue(c.fix().contains("a --heartbeat of " + interval + "s or more"), c.fix());
        assertTrue(c.fix().contains("never as dead"), c.fix());
    }

    @Test
    void theDoctorChecksHeartbeatsOnlyOnAClientThatSendsThem() {
        var facts = lab.c1m.capacity.HostFacts.read(java.nio.file.Path.of("/"));
        List<String> names = Doctor.examine(facts, client(1000, SECOND, 1)).stream().map(Check::name).toList();
        assertTrue(names.contains("heartbeat rate"), names.toString());
        assertTrue(Doctor.examine(facts, client(1000, 0, 1)).stream().noneMatch(k -> k.name().equals("heartbeat rate")));
    }
}
