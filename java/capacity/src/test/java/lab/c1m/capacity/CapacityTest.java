package lab.c1m.capacity;

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
    void theFiveTupleUsesHalfThePortRange() {
        // Default range 32768-60999 has 28,232 ports; half is 14,116 per (source, server, port).
        HostLimits untuned = host(1_100_000, 1_100_000, 2_000_000, 4_000_000, 32768, 60999, true, null);
        assertEquals(14_116, Capacity.practicalPortsPerDestination(untuned));
        // Past half the range it still fits (the doctor warns of the slowdown); only past the whole range is it short.
        assertEquals(List.of(), Capacity.ephemeralPorts(untuned, 14_117, 1, 1));
        assertEquals(List.of(), Capacity.ephemeralPorts(untuned, 28_232, 1, 1));
        List<Capacity.Shortfall> s = Capacity.ephemeralPorts(untuned, 28_233, 1, 1);
        assertEquals(1, s.size());
        assertTrue(s.get(0).message().contains("the whole ip_local_port_range 32768-60999"), s.get(0).message());
        assertTrue(s.get(0).message().contains("about 3"), "suggests enough server ports: " + s.get(0).message());
        // 20 ports x 1 source x 28,232 = 564,640 < 600,000: the seeds' "Cannot assign requested address".
        assertEquals(1, Capacity.ephemeralPorts(untuned, 600_000, 20, 1).size());
        assertEquals(List.of(), Capacity.ephemeralPorts(untuned, 333_334, 20, 1));
        assertEquals(List.of(), Capacity.ephemeralPorts(untuned, 333_334, 20, 2));
    }
}
