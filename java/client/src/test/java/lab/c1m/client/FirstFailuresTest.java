package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.c1m.common.failure.FailureKind;
import org.junit.jupiter.api.Test;

class FirstFailuresTest {
    @Test
    void keepsTheFirstOfEachKindInTheKindsOrder() {
        FirstFailures once = new FirstFailures();
        assertTrue(once.first(FailureKind.ETIMEDOUT, "10.0.0.1:9001", "connection timed out"));
        assertTrue(once.first(FailureKind.EMFILE, "10.0.0.1:9000", "Too many open files"));
        assertFalse(once.first(FailureKind.EMFILE, "10.0.0.1:9002", "Too many open files, again"));
        Map<String, Object> m = once.toMap();
        assertEquals(List.of("EMFILE", "ETIMEDOUT"), List.copyOf(m.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> emfile = (Map<String, Object>) m.get("EMFILE");
        assertEquals("10.0.0.1:9000", emfile.get("to"));
        assertEquals("Too many open files", emfile.get("message"));
    }

    @Test
    void theRampsEndAndWhyOnceItIsOver() {
        FirstFailures once = new FirstFailures();
        assertNull(once.rampEnd());
        once.rampEnded(1.5, 950, 940, 1000, "1,000 connections failed for good", FailureKind.EMFILE);
        assertEquals(940L, once.rampEnd().get("open"));
        assertEquals("EMFILE", once.rampEnd().get("mostly"));
        assertEquals("1,000 connections failed for good", once.rampEnd().get("stopped_early"));
    }

    @Test
    void theFirstLagIsKept() {
        FirstFailures once = new FirstFailures();
        once.behind(Map.of("kind", "lag-ramp"));
        once.behind(Map.of("kind", "lag-hold"));
        assertEquals("lag-ramp", once.behind().get("kind"));
    }
}
