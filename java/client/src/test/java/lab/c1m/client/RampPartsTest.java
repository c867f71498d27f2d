package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.c1m.common.PortList;
import org.junit.jupiter.api.Test;

/** The pure parts of the client: pacing, backoff, where connections go, the heartbeat frame. */
class RampPartsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theRateLimiterGrantsTheRateAndNoBurstAfterAStall() {
        RateLimiter r = new RateLimiter(1000, 0);
        long granted = 0;
        for (long t = 10_000_000; t <= 10 * SECOND; t += 10_000_000) {
            granted += r.take(1_000_000, t);
        }
        assertTrue(Math.abs(granted - 10_000) <= 2, "about 1000/s for 10 s, got " + granted);
        // A 5 s stall saves up at most a tenth of a second's worth.
        assertEquals(100, r.take(1_000_000, 15 * SECOND));
    }

    @Test
    void rateZeroMeansUnlimited() {
        assertEquals(5000, new RateLimiter(0, 0).take(5000, 1));
    }

    @Test
    void backoffGrowsAndStaysUnderItsCap() {
        for (int retry = 1; retry <= 20; retry++) {
            long d = Backoff.delayMillis(retry);
            long cap = Math.min(Backoff.CAP_MILLIS, Backoff.BASE_MILLIS << (retry - 1));
            assertTrue(d >= cap / 2 && d <= cap, "retry " + retry + " waited " + d);
        }
    }

    @Test
    void thePlanCrossesEverySourceWithEveryPortEvenly() throws Exception {
        List<InetAddress> sources = List.of(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.3"));
        ConnectionPlan plan = new ConnectionPlan(InetAddress.getByName("10.0.0.1"), PortList.parse("9000-9019"), sources);
        assertEquals(40, plan.combinations());
        Map<String, Integer> perCombination = new HashMap<>();
        for (int slot = 0; slot < 4000; slot++) {
            perCombination.merge(plan.local(slot).getAddress().getHostAddress() + ">" + plan.remote(slot).getPort(), 1, Integer::sum);
        }
        assertEquals(40, perCombination.size());
        assertTrue(perCombination.values().stream().allMatch(n -> n == 100), perCombination.toString());
        assertEquals(0, plan.local(0).getPort(), "the kernel picks the port at connect()");
    }

    @Test
    void withoutSourcesTheKernelChoosesTheLocalAddress() throws Exception {
        ConnectionPlan plan = new ConnectionPlan(InetAddress.getLoopbackAddress(), PortList.parse("9000"), List.of());
        assertNull(plan.local(5));
        assertEquals(9000, plan.remote(5).getPort());
    }

    @Test
    void sourceAddressesComeAsListsOrNetworks() {
        assertEquals(2, SourceAddresses.parse("10.0.0.2, 10.0.0.3").size());
        List<InetAddress> net = SourceAddresses.parse("192.168.56.0/29");
        assertEquals(6, net.size(), "hosts of a /29, without network and broadcast");
        assertEquals("192.168.56.1", net.get(0).getHostAddress());
        assertEquals(1, SourceAddresses.parse("192.168.56.9/32").size());
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("10.0.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("not-an-ip"));
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse(","));
    }

    @Test
    void heartbeatFramesCarryTheSlotAndRejectGarbage() {
        ByteBuf frame = HeartbeatFrame.encode(UnpooledByteBufAllocator.DEFAULT, 4242, 123_456_789L);
        assertEquals(HeartbeatFrame.SIZE, frame.readableBytes());
        assertEquals(4242, HeartbeatFrame.readSlot(frame));
        assertEquals(123_456_789L, frame.readLong());
        frame.release();
        ByteBuf garbage = UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes("GET / HTTP/1.1\r\n".getBytes());
        assertEquals(-1, HeartbeatFrame.readSlot(garbage));
        garbage.release();
    }

    @Test
    void theTableCountsEachDeadConnectionOnce() {
        ConnectionTable t = new ConnectionTable(10, 0);
        t.put(3, null, 0);
        assertEquals(30, t.ticksSinceEcho(3, 3 * SECOND));
        assertTrue(t.echoed(3, 3 * SECOND));
        assertEquals(0, t.ticksSinceEcho(3, 3 * SECOND));
        assertTrue(!t.echoed(10, 0) && !t.echoed(-1, 0), "slots outside the table are ignored");
        assertTrue(t.markDead(3));
        assertTrue(!t.markDead(3));
    }
}
