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
import lab.c1m.common.notation.PortList;
import lab.c1m.common.notation.SourceAddresses;
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
        ConnectionEndpoints plan = new ConnectionEndpoints(InetAddress.getByName("10.0.0.1"), PortList.parse("9000-9019"), sources);
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
        ConnectionEndpoints plan = new ConnectionEndpoints(InetAddress.getLoopbackAddress(), PortList.parse("9000"), List.of());
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
    void heartbeatFramesCarryTheSlotBothTimesAndRejectGarbage() {
        ByteBuf frame = HeartbeatFrame.encode(UnpooledByteBufAllocator.DEFAULT, 4242, 123_456_789L, 123_999_999L);
        assertEquals(HeartbeatFrame.SIZE, frame.readableBytes());
        assertEquals(4242, HeartbeatFrame.readSlot(frame));
        assertEquals(123_456_789L, frame.readLong(), "due");
        assertEquals(123_999_999L, frame.readLong(), "written");
        frame.release();
        ByteBuf garbage = UnpooledByteBufAllocator.DEFAULT.buffer().writeBytes("GET / HTTP/1.1\r\nHost: x\r\n".getBytes());
        assertEquals(-1, HeartbeatFrame.readSlot(garbage));
        assertEquals(25 - HeartbeatFrame.SIZE, garbage.readableBytes(), "the whole frame is skipped");
        garbage.release();
    }

    @Test
    void silenceCountsFromTheOldestUnansweredWrittenHeartbeat() {
        ConnectionTable t = new ConnectionTable(10, 0);
        t.put(3, null);
        int start = t.tick(0);
        assertEquals(0, t.silentTicks(3, start + 500), "nothing written: never silent, however long");
        t.written(3, start + 100);
        t.written(3, start + 200);
        assertEquals(400, t.silentTicks(3, start + 500), "from the first unanswered one");
        assertEquals(ConnectionTable.Echo.COUNTED, t.echoed(3));
        assertEquals(0, t.silentTicks(3, start + 600));
        assertEquals(ConnectionTable.Echo.IGNORED, t.echoed(10));
        assertEquals(ConnectionTable.Echo.IGNORED, t.echoed(-1));
    }

    @Test
    void aDeadConnectionIsCountedOnceAndRecoversOrClosesOnce() {
        ConnectionTable t = new ConnectionTable(10, 0);
        t.put(3, null);
        t.written(3, 5);
        assertTrue(t.markDead(3));
        assertTrue(!t.markDead(3), "counted once");
        assertTrue(t.isDead(3));
        t.written(3, 9);
        assertEquals(95, t.silentTicks(3, 100), "a dead slot keeps its silence clock");
        assertEquals(ConnectionTable.Echo.RECOVERED, t.echoed(3));
        assertTrue(!t.isDead(3));
        assertTrue(t.markDead(3));
        assertTrue(t.clear(3), "a dead slot that closes stops being dead");
        assertTrue(!t.clear(3));
    }

    @Test
    void aTableWithoutHeartbeatsReadsEveryStateAsNothingWaiting() {
        ConnectionTable t = new ConnectionTable(10, 0, false);
        t.put(3, null);
        assertEquals(0, t.silentTicks(3, t.tick(0) + 500));
        assertTrue(!t.isDead(3));
        assertEquals(ConnectionTable.Echo.COUNTED, t.echoed(3), "as a table whose states are all 0");
        assertEquals(ConnectionTable.Echo.IGNORED, t.echoed(10));
        assertTrue(!t.clear(3));
    }

    @Test
    void loopsShareTheSlotsRoundRobinWithNoneLeftOver() {
        for (int loops : new int[] {1, 2, 3, 7}) {
            for (int target : new int[] {1, 2, 5, 1000, 1001}) {
                boolean[] seen = new boolean[target];
                for (int i = 0; i < loops; i++) {
                    LoopSlots s = LoopSlots.of(i, loops, target);
                    for (int k = 0; k < s.count(); k++) {
                        assertTrue(!seen[s.slot(k)], "slot " + s.slot(k) + " twice");
                        seen[s.slot(k)] = true;
                    }
                }
                for (int slot = 0; slot < target; slot++) {
                    assertTrue(seen[slot], loops + " loops, " + target + " slots: slot " + slot + " has no loop");
                }
            }
        }
    }

    @Test
    void eachLoopGetsItsPartOfTheRateAndTheWindow() {
        Ramp.Settings all = new Ramp.Settings(100, 1001, 10, 3, 0, SECOND);
        long rate = 0;
        int window = 0;
        for (int i = 0; i < 3; i++) {
            rate += all.share(i, 3).ratePerSecond();
            window += all.share(i, 3).maxInflight();
        }
        assertEquals(1001, rate);
        assertEquals(10, window);
        assertEquals(1, new Ramp.Settings(100, 0, 1, 3, 0, SECOND).share(1, 2).maxInflight(), "at least one in flight");
    }
}
