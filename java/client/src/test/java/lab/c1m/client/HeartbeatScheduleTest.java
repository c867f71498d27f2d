package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The heartbeat schedule's arithmetic: every slot once an interval, spread evenly, however often it is asked. */
class HeartbeatScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    /** Beats sent by a loop that asks every {@code stepNanos} until {@code untilNanos}, as LoopHeartbeats does. */
    private static long[] beatsPerSlot(HeartbeatSchedule s, long stepNanos, long untilNanos) {
        long[] perSlot = new long[s.slots()];
        long next = 0;
        for (long now = 0; now <= untilNanos; now += stepNanos) {
            for (long end = s.endAt(now); next < end; next++) {
                assertTrue(s.dueNanos(next) <= now, "beat " + next + " sent before it was due");
                perSlot[s.index(next)]++;
            }
        }
        return perSlot;
    }

    @Test
    void oneConnectionWithASecondHeartbeatFor5sSendsFiveOrSix() {
        long[] sent = beatsPerSlot(new HeartbeatSchedule(1, SECOND, 0), 1_000_000, 5 * SECOND);
        assertTrue(sent[0] == 5 || sent[0] == 6, "sent " + sent[0]);
    }

    @Test
    void tenConnectionsSendOnceASecondEachNotOnceAPass() {
        long[] sent = beatsPerSlot(new HeartbeatSchedule(10, SECOND, 0), 1_000_000, 10 * SECOND - 1);
        for (long n : sent) {
            assertEquals(10, n, "once a second for 10 s");
        }
    }

    @Test
    void everySlotOnceAnIntervalFromOneSlotToAMillion() {
        for (int slots : new int[] {1, 2, 3, 7, 1000, 19_700, 333_334, 1_000_000}) {
            HeartbeatSchedule s = new HeartbeatSchedule(slots, 60 * SECOND, 0);
            assertEquals(0, s.endAt(-1));
            assertEquals(1, s.endAt(0), "beat 0 is due at the origin");
            assertEquals(slots, s.endAt(60 * SECOND - 1), slots + " slots: all due within the first interval");
            assertEquals(slots + 1L, s.endAt(60 * SECOND), "the next cycle starts on time");
            assertEquals(5L * slots, s.endAt(300 * SECOND - 1));
            // Each beat is due no later than the one after it and in its own cycle.
            for (long beat = 0; beat < Math.min(slots, 5000); beat++) {
                assertTrue(s.dueNanos(beat) <= s.dueNanos(beat + 1));
                assertTrue(s.endAt(s.dueNanos(beat)) > beat, "due by its due time");
                assertTrue(s.dueNanos(beat) == 0 || s.endAt(s.dueNanos(beat) - 1) <= beat, "not due before it");
            }
        }
    }

    @Test
    void beatsAreSpreadEvenlyWithNoHerd() {
        int slots = 19_700;
        HeartbeatSchedule s = new HeartbeatSchedule(slots, SECOND, 0);
        // In any 10 ms of the interval about 1% of the slots are due: 197, never a burst.
        for (long t = 0; t < SECOND; t += 10_000_000) {
            long due = s.endAt(t + 10_000_000 - 1) - s.endAt(t - 1);
            assertTrue(Math.abs(due - 197) <= 1, "at " + t / 1_000_000 + " ms: " + due + " due");
        }
    }

    @Test
    void hourLongIntervalsAtAMillionSlotsDoNotOverflow() {
        HeartbeatSchedule s = new HeartbeatSchedule(1_000_000, 3 * 3600 * SECOND, 100);
        assertEquals(1_000_000L * 1000, s.endAt(100 + 1000 * 3 * 3600 * SECOND - 1));
        assertEquals(100 + 3 * 3600 * SECOND / 2, s.dueNanos(500_000));
    }
}
