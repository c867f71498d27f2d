package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.record.Json;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The summary the playbook and the report read: counts, failure kinds, round trips and their histogram. */
class ClientSummaryTest {
    private static ClientSummary summary(ClientStats stats, int target) {
        return new ClientSummary(stats, target, Duration.ofSeconds(1),
            ClientSummary.settings("10.0.0.1", List.of(9000, 9001), List.of(), "epoll", 0, Duration.ofSeconds(30),
                Duration.ofSeconds(1), false));
    }

    @Test
    void aReachedTargetWithRoundTripsInBothPhases() throws Exception {
        ClientStats stats = new ClientStats();
        for (int i = 0; i < 4; i++) {
            stats.connected();
        }
        stats.heartbeatSent(0, false);
        stats.heartbeatReceived(5_000, 5_000);
        stats.holdStarted();
        for (int i = 0; i < 99; i++) {
            stats.heartbeatSent(1_000_000, false);
            stats.heartbeatReceived(200 + i, 1_200 + i);
        }
        stats.heartbeatReceived(40_000, 40_000);
        Map<String, Object> m = summary(stats, 4).toMap();
        assertEquals(true, m.get("reached"));
        assertEquals(4L, m.get("peak_open"));
        assertEquals(0L, m.get("failed_total"));
        assertNull(m.get("failure_hint"));
        @SuppressWarnings("unchecked")
        Map<String, Object> hb = (Map<String, Object>) m.get("heartbeat");
        assertEquals("hold", hb.get("phase"));
        assertEquals(100L, hb.get("count"), "the ramp's round trip is not in the hold's figures");
        assertTrue((double) hb.get("p50_ms") < 0.31, "p50 " + hb.get("p50_ms"));
        assertTrue((double) hb.get("max_ms") >= 39.9, "max " + hb.get("max_ms"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ramp = (Map<String, Object>) hb.get("ramp");
        assertEquals(1L, ramp.get("count"));
        @SuppressWarnings("unchecked")
        Map<String, Object> fromDue = (Map<String, Object>) hb.get("from_due");
        assertTrue((double) fromDue.get("p50_ms") > 1.19 && (double) fromDue.get("p50_ms") < 1.31,
            "from the due time, the client's 1 ms lag shows: " + fromDue.get("p50_ms"));
        assertEquals(1.0, hb.get("schedule_kept"));
        assertEquals(1.0, hb.get("hold_schedule_kept"));
        assertEquals(0L, hb.get("hold_late"));

        Histogram decoded = Histogram.decodeFromCompressedByteBuffer(
            ByteBuffer.wrap(Base64.getDecoder().decode((String) hb.get("histogram"))), 0);
        assertEquals(100, decoded.getTotalCount(), "the encoded histogram is the hold's, exactly");
        assertTrue(Json.write(m).contains("\"connect_errors\""));
    }

    @Test
    void lateAndMissedHeartbeatsLowerTheScheduleKeptAndNeverCountAsDead() {
        ClientStats stats = new ClientStats();
        stats.connected();
        for (int i = 0; i < 90; i++) {
            stats.heartbeatSent(1_000_000, false);
        }
        for (int i = 0; i < 5; i++) {
            stats.heartbeatSent(400_000_000, true);
        }
        stats.heartbeatsMissed(5);
        stats.holdStarted();
        stats.heartbeatSent(400_000_000, true);
        stats.heartbeatSent(1_000_000, false);
        stats.heartbeatSent(1_000_000, false);
        stats.heartbeatSent(1_000_000, false);
        Map<String, Object> m = summary(stats, 1).toMap();
        @SuppressWarnings("unchecked")
        Map<String, Object> hb = (Map<String, Object>) m.get("heartbeat");
        assertEquals(104L, hb.get("due"));
        assertEquals(99L, hb.get("sent"));
        assertEquals(6L, hb.get("late"));
        assertEquals(5L, hb.get("missed"));
        assertEquals(93 / 104.0, (double) hb.get("schedule_kept"), 1e-9);
        assertEquals(0.75, (double) hb.get("hold_schedule_kept"), 1e-9, "the hold's own: 3 of 4 on time");
        assertEquals(1L, hb.get("hold_late"));
        assertEquals(0L, hb.get("hold_missed"));
        assertEquals(0L, m.get("dead"));
        assertEquals(0L, m.get("heartbeat_stalls"));
        @SuppressWarnings("unchecked")
        Map<String, Object> lag = (Map<String, Object>) hb.get("lag");
        assertTrue((double) lag.get("max_ms") >= 399, "lag " + lag);
    }

    @Test
    void aDeadConnectionThatRecoversOrClosesIsNoLongerDead() {
        ClientStats stats = new ClientStats();
        stats.markedDead(System.nanoTime());
        stats.markedDead(System.nanoTime());
        stats.recovered();
        stats.deadClosed();
        Map<String, Object> m = summary(stats, 1).toMap();
        assertEquals(0L, m.get("dead"));
        assertEquals(2L, m.get("heartbeat_stalls"));
        assertEquals(1L, ((Map<?, ?>) m.get("heartbeat")).get("recovered"));
    }

    @Test
    void failuresAreCountedByKindWithTheDominantOneNamedAndItsFix() {
        ClientStats stats = new ClientStats();
        stats.connected();
        stats.connectFailed(FailureKind.EADDRNOTAVAIL, false);
        stats.connectFailed(FailureKind.EADDRNOTAVAIL, true);
        stats.connectFailed(FailureKind.EADDRNOTAVAIL, true);
        stats.connectFailed(FailureKind.ETIMEDOUT, true);
        stats.closed(true);
        Map<String, Object> m = summary(stats, 10).toMap();
        assertEquals(false, m.get("reached"));
        assertEquals(3L, m.get("failed_total"));
        Map<String, Long> expected = new java.util.LinkedHashMap<>();
        for (lab.c1m.common.failure.FailureKind kind : lab.c1m.common.failure.FailureKind.values()) {
            expected.put(kind.name(), 0L); // every kind, in the table's order, even those that never happened
        }
        expected.put("EADDRNOTAVAIL", 2L);
        expected.put("ETIMEDOUT", 1L);
        assertEquals(expected, m.get("failed"));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(((Map<?, ?>) m.get("failed")).keySet()), "in the table's order");
        assertEquals(3L, ((Map<?, ?>) m.get("connect_errors")).get("EADDRNOTAVAIL"), "retried attempts count as errors");
        assertEquals(1L, m.get("lost"));
        assertTrue(((String) m.get("failure_hint")).startsWith("EADDRNOTAVAIL: "), (String) m.get("failure_hint"));
        assertTrue(((String) m.get("failure_hint")).contains("ip_local_port_range"));
    }
}
