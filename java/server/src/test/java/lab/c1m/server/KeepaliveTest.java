package lab.c1m.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import lab.c1m.capacity.Rules;
import org.junit.jupiter.api.Test;

/** The keepalive sized from the run's heartbeat by the rules (keepalive.*), and the explicit ones it refuses. */
class KeepaliveTest {
    private static final Duration INTERVAL = Duration.ofSeconds(Rules.KEEPALIVE_INTERVAL_SECONDS);
    private static final int PROBES = (int) Rules.KEEPALIVE_PROBES;
    /** MAX_TCP_KEEPIDLE in the kernel's include/net/tcp.h: setsockopt(TCP_KEEPIDLE) refuses more (EINVAL). */
    private static final Duration KERNEL_MAX = Duration.ofSeconds(32_767);

    private static Keepalive auto(Duration heartbeat) {
        return Keepalive.auto(heartbeat, INTERVAL, PROBES);
    }

    @Test
    void theRulesAreTheOnesThisTestWasWorkedOutWith() {
        assertEquals(10, Rules.KEEPALIVE_IDLE_HEARTBEATS);
        assertEquals(600, Rules.KEEPALIVE_IDLE_MIN_SECONDS);
        assertEquals(60, Rules.KEEPALIVE_INTERVAL_SECONDS);
        assertEquals(10, Rules.KEEPALIVE_PROBES);
        assertEquals(KERNEL_MAX.toSeconds(), Keepalive.KERNEL_MAX_SECONDS);
    }

    @Test
    void durationsPastTheKernelsLongestAreNamed() {
        assertNull(Keepalive.tooLong("--keepalive", KERNEL_MAX));
        assertNull(Keepalive.tooLong("--keepalive-interval", Duration.ofSeconds(1)));
        assertEquals("--keepalive 32768s is longer than the kernel takes: TCP_KEEPIDLE (MAX_TCP_KEEPIDLE) is at most"
            + " 32767s (about 9 h), and every connection would fail to be accepted",
            Keepalive.tooLong("--keepalive", Duration.ofSeconds(32_768)));
        // Whole seconds, rounded up, as the kernel is given them.
        assertTrue(Keepalive.tooLong("--keepalive-interval", KERNEL_MAX.plusMillis(1))
            .startsWith("--keepalive-interval 32767001ms is longer than the kernel takes: TCP_KEEPINTVL (MAX_TCP_KEEPINTVL)"));
    }

    @Test
    void autoIsTenHeartbeatsAndAtLeastTenMinutes() {
        // 10 x 30 s = 300 s, under the 600 s minimum.
        Keepalive thirty = auto(Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(600), thirty.idle());
        assertEquals("heartbeat 30s", thirty.sizedFrom());
        // 10 x 5 min = 3,000 s.
        assertEquals(Duration.ofSeconds(3000), auto(Duration.ofMinutes(5)).idle());
        // No heartbeat given: the minimum.
        Keepalive unknown = auto(Duration.ZERO);
        assertEquals(Duration.ofSeconds(600), unknown.idle());
        assertEquals(Keepalive.MINIMUM, unknown.sizedFrom());
        // A fraction of a second is rounded up: the kernel counts whole seconds.
        assertEquals(Duration.ofSeconds(601), auto(Duration.ofMillis(60_050)).idle());
    }

    @Test
    void autoIsCappedAtTheKernelsLongestIdle() {
        // Issue 20: --heartbeat 1h gave 10 x 1h = 10h, which setsockopt refused for every accepted connection.
        Keepalive hour = auto(Duration.ofHours(1));
        assertEquals(KERNEL_MAX, hour.idle());
        assertTrue(hour.on());
        assertEquals(32767, hour.toMap().get("idle_seconds"));
        assertEquals("heartbeat 1h", hour.toMap().get("sized_from"));
        assertEquals("keepalive after 32767s idle (the kernel's longest, capped from 10 heartbeats = 10h), 10 probes 1m"
            + " apart (a vanished peer is reaped within 33367s), sized from the clients' heartbeat 1h", hour.describe());
        // 10 x 54 min = 32,400 s fits: not capped, and the log says nothing of a cap.
        assertEquals(Duration.ofMinutes(540), auto(Duration.ofMinutes(54)).idle());
        assertFalse(auto(Duration.ofMinutes(54)).describe().contains("kernel"));
    }

    @Test
    void autoIsOffWhenEvenTheKernelsLongestIdleIsShorterThanTheDeadRule() {
        // 3 x 4h = 12h: no idle the kernel takes is past it, and a shorter one could reap live connections.
        Keepalive four = auto(Duration.ofHours(4));
        assertFalse(four.on());
        assertEquals(0, four.toMap().get("idle_seconds"));
        assertEquals("heartbeat 4h", four.toMap().get("sized_from"));
        assertEquals("off", four.toMap().get("text"));
        assertEquals("keepalive off (--keepalive auto): the dead rule of the clients' heartbeat 4h (12h) is longer than"
            + " the kernel's longest keepalive idle (32767s), and a shorter one could reap live connections", four.describe());
        // The edge: a dead rule of 32,766 s still fits under the cap, one of 32,769 s does not.
        assertEquals(KERNEL_MAX, auto(Duration.ofSeconds(10_922)).idle());
        assertFalse(auto(Duration.ofSeconds(10_923)).on());
    }

    @Test
    void autoNeverExceedsTheKernelNorReapsBeforeTheDeadRule() {
        for (long seconds = 1; seconds <= 24 * 3600; seconds += 7) {
            Duration heartbeat = Duration.ofSeconds(seconds);
            Keepalive k = auto(heartbeat);
            assertTrue(k.idle().compareTo(KERNEL_MAX) <= 0, heartbeat + ": " + k);
            assertTrue(!k.on() || k.idle().compareTo(Rules.heartbeatDeadAfter(heartbeat)) >= 0, heartbeat + ": " + k);
            assertTrue(k.on() || Rules.heartbeatDeadAfter(heartbeat).compareTo(KERNEL_MAX) > 0, heartbeat + ": " + k);
        }
    }

    @Test
    void anExplicitKeepaliveAgainstAHeartbeatPastTheKernelsLongestIdleIsToldToTurnItOff() {
        assertEquals("--keepalive 9h is shorter than the dead rule of --heartbeat 4h (12h): it would reap live"
            + " connections. Fix: --keepalive 0 (off): the kernel's longest keepalive idle (32767s) is shorter than that"
            + " rule", Keepalive.refusal(Duration.ofHours(9), Duration.ofHours(4)));
    }

    @Test
    void theSummarySaysWhatItDid() {
        Map<String, Object> m = auto(Duration.ofSeconds(30)).toMap();
        assertEquals(600, m.get("idle_seconds"));
        assertEquals(60, m.get("interval_seconds"));
        assertEquals(10, m.get("probes"));
        assertEquals(1200L, m.get("reaped_within_seconds"));
        assertEquals("heartbeat 30s", m.get("sized_from"));
        assertEquals("10m idle, 10 probes 1m apart", m.get("text"));
        assertEquals("keepalive after 10m idle, 10 probes 1m apart (a vanished peer is reaped within 20m), sized from"
            + " the clients' heartbeat 30s", auto(Duration.ofSeconds(30)).describe());
        Map<String, Object> off = Keepalive.explicit(Duration.ZERO, INTERVAL, PROBES).toMap();
        assertEquals("off", off.get("sized_from"));
        assertEquals("off", off.get("text"));
        assertEquals(0, off.get("idle_seconds"));
        assertEquals("keepalive off", Keepalive.OFF.describe());
        Keepalive two = Keepalive.explicit(Duration.ofSeconds(2), Duration.ofSeconds(1), 2);
        assertEquals("explicit", two.toMap().get("sized_from"));
        assertEquals(4L, two.toMap().get("reaped_within_seconds"));
    }

    @Test
    void anExplicitKeepaliveShorterThanTheHeartbeatsDeadRuleIsRefused() {
        // The dead rule of 30 s is 3 x 30 s = 90 s: 60 s would reap connections the client counts alive.
        String refusal = Keepalive.refusal(Duration.ofSeconds(60), Duration.ofSeconds(30));
        assertEquals("--keepalive 1m is shorter than the dead rule of --heartbeat 30s (90s): it would reap live"
            + " connections. Fix: --keepalive auto (sized from --heartbeat: 10m) or at least 90s", refusal);
        assertNull(Keepalive.refusal(Duration.ofSeconds(90), Duration.ofSeconds(30)));
        assertNull(Keepalive.refusal(Duration.ofMinutes(20), Duration.ofSeconds(30)));
        // No heartbeat given, or keepalive off: nothing to check against, nothing refused.
        assertNull(Keepalive.refusal(Duration.ofSeconds(2), Duration.ZERO));
        assertNull(Keepalive.refusal(Duration.ZERO, Duration.ofSeconds(30)));
        // The dead rule's floor (heartbeat.dead_min_ms, 2 s) holds for a fast heartbeat.
        assertTrue(Keepalive.refusal(Duration.ofSeconds(1), Duration.ofMillis(100)).contains("(2s)"));
    }

    @Test
    void explicitZeroIsOff() {
        Keepalive off = Keepalive.explicit(Duration.ZERO, INTERVAL, PROBES);
        assertFalse(off.on());
        assertEquals(Keepalive.OFF, off);
        Keepalive tenMinutes = Keepalive.explicit(Duration.ofMinutes(10), INTERVAL, PROBES);
        assertTrue(tenMinutes.on());
        assertEquals(Duration.ofMinutes(20), tenMinutes.reapedWithin());
    }
}
