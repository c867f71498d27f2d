package lab.c1m.common.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityTest {
    private static HostLimits host(long soft, long hard, long nrOpen, long fileMax, int low, int high, boolean canRaise,
                                   String container) {
        return new HostLimits(soft, hard, nrOpen, fileMax, low, high, 1_000_000, canRaise, 20, container);
    }

    @Test
    void aTunedClientHoldsItsThird() {
        HostLimits tuned = host(1_100_000, 1_100_000, 2_000_000, 4_000_000, 1024, 65535, true, null);
        assertEquals(List.of(), Capacity.openFiles(tuned, 333_334));
        assertEquals(List.of(), Capacity.ephemeralPorts(tuned, 333_334, 20, 1));
    }

    @Test
    void theHardLimitIsNamedWithItsValueTheNeedAndTheFix() {
        HostLimits capped = host(20_000, 20_000, 1_048_576, 2_000_000, 1024, 65535, false, "lxc");
        List<Capacity.Shortfall> s = Capacity.openFiles(capped, 333_334);
        assertEquals(1, s.size());
        String m = s.get(0).message();
        assertTrue(m.contains("hard open-files limit"), m);
        assertTrue(m.contains("20,000"), m);
        assertTrue(m.contains("333,590"), "sockets + the reserve of rules.properties: " + m);
        assertTrue(m.contains("LimitNOFILE=400000"), m);
        assertTrue(m.contains("cannot raise its own hard limit"), m);
        assertTrue(m.contains("lxc.prlimit.nofile"), m);
    }

    @Test
    void aLowSoftLimitUnderAHighHardOneIsItsOwnFinding() {
        HostLimits soft = host(1024, 1_100_000, 2_000_000, 4_000_000, 1024, 65535, true, null);
        List<Capacity.Shortfall> s = Capacity.openFiles(soft, 5000);
        assertEquals(1, s.size());
        assertTrue(s.get(0).message().contains("soft open-files limit"), s.get(0).message());
    }

    @Test
    void nrOpenAndFileMaxAreCheckedBesideTheProcessLimit() {
        HostLimits low = host(1_100_000, 1_100_000, 1_000_000, 500_000, 1024, 65535, true, null);
        List<Capacity.Shortfall> s = Capacity.openFiles(low, 1_000_000);
        assertEquals(2, s.size(), s.toString());
        assertTrue(s.get(0).message().startsWith("fs.nr_open"), s.get(0).message());
        assertTrue(s.get(1).message().startsWith("fs.file-max"), s.get(1).message());
    }

    @Test
    void theFiveTupleUsesHalfThePortRange() {
        // Default range 32768-60999 has 28,232 ports; half is 14,116 per (source, server, port).
        HostLimits untuned = host(1_100_000, 1_100_000, 2_000_000, 4_000_000, 32768, 60999, true, null);
        assertEquals(14_116, Capacity.practicalPortsPerDestination(untuned));
        assertEquals(List.of(), Capacity.ephemeralPorts(untuned, 14_116, 1, 1));
        List<Capacity.Shortfall> s = Capacity.ephemeralPorts(untuned, 14_117, 1, 1);
        assertEquals(1, s.size());
        assertTrue(s.get(0).message().contains("ip_local_port_range"), s.get(0).message());
        assertTrue(s.get(0).message().contains("about 2"), "suggests enough server ports: " + s.get(0).message());
        // 20 ports x 1 source x 14,116 = 282,320 < 333,334: the seeds' "Cannot assign requested address".
        assertEquals(1, Capacity.ephemeralPorts(untuned, 333_334, 20, 1).size());
        assertEquals(List.of(), Capacity.ephemeralPorts(untuned, 333_334, 20, 2));
    }
}
