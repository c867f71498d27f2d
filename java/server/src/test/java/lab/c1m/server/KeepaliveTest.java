package lab.c1m.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import lab.c1m.common.capacity.Rules;
import org.junit.jupiter.api.Test;

/** The keepalive sized from the run's heartbeat by the rules (keepalive.*), and the explicit ones it refuses. */
class KeepaliveTest {
    private static final Duration INTERVAL = Duration.ofSeconds(Rules.KEEPALIVE_INTERVAL_SECONDS);
    private static final int PROBES = (int) Rules.KEEPALIVE_PROBES;

    private static Keepalive auto(Duration heartbeat) {
        return Keepalive.auto(heartbeat, INTERVAL, PROBES);
    }

    @Test
    void theRulesAreTheOnesThisTestWasWorkedOutWith() {
        assertEquals(10, Rules.KEEPALIVE_IDLE_HEARTBEATS);
        assertEquals(600, Rules.KEEPALIVE_IDLE_MIN_SECONDS);
        assertEquals(60, Rules.KEEPALIVE_INTERVAL_SECONDS);
        assertEquals(10, Rules.KEEPALIVE_PROBES);
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
