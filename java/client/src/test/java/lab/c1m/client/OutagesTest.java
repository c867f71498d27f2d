package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Episodes of connections down, from the events the loops report. */
class OutagesTest {
    private static final long S = 1_000_000_000L;

    @Test
    void silenceCountsFromItsStartAndEndsWithTheLastRecovery() {
        Outages o = new Outages();
        long t0 = 100 * S;
        o.dead(t0);
        o.dead(t0 + S / 10);
        assertEquals(2, o.down());
        o.recovered(t0 + 8 * S);
        o.recovered(t0 + 8 * S + S / 5);
        assertEquals(0, o.down());
        List<Map<String, Object>> all = o.toList(t0 + 20 * S);
        assertEquals(1, all.size());
        assertEquals(8.2, (Double) all.get(0).get("seconds"), 1e-9);
        assertEquals(2L, all.get(0).get("connections"));
        assertEquals(false, all.get(0).get("ongoing"));
        assertNull(o.recoverySeconds(), "nothing lost: no recovery to time");
    }

    @Test
    void aLossIsTimedFromTheFirstLossToTheLastReconnect() {
        Outages o = new Outages();
        long t0 = 10 * S;
        for (int i = 0; i < 3; i++) {
            o.lost(t0 + i);
        }
        assertNull(o.recoverySeconds(), "not over yet");
        o.reconnected(t0 + 2 * S);
        o.reconnected(t0 + 3 * S);
        o.reconnected(t0 + 5 * S);
        assertEquals(5.0, o.recoverySeconds(), 1e-6);
        assertEquals(1, o.count());
    }

    @Test
    void aDeadConnectionThatClosesStaysDownAndEpisodesCloseTogetherAreOne() {
        Outages o = new Outages();
        long t0 = 10 * S;
        o.dead(t0);
        o.deadClosed(t0 + 3 * S); // dead -> closed: for an instant none is down
        o.lost(t0 + 3 * S);
        assertEquals(1, o.down());
        o.reconnected(t0 + 4 * S);
        o.lost(t0 + 4 * S + S / 2); // half a second later: the same outage
        o.reconnected(t0 + 6 * S);
        assertEquals(1, o.count());
        o.lost(t0 + 9 * S); // three seconds later: a new one
        assertEquals(2, o.count());
        assertEquals(1, o.down());
        assertEquals(true, o.toList(t0 + 10 * S).get(1).get("ongoing"));
    }
}
