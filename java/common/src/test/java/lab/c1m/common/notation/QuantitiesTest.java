package lab.c1m.common.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {
    @ParameterizedTest
    @CsvSource({"5000,5000", "10k,10000", "10K,10000", "1m,1000000", "1.5k,1500", "333334,333334", "1_000,1000", "0,0"})
    void parsesCounts(String text, long expected) {
        assertEquals(expected, Quantities.parseCount(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "ten", "", "1.2345k", "5g", "99999999999"})
    void rejectsBadCountsWithTheValueInTheMessage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantities.parseCount(text));
        assertEquals(true, e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "10m,600000", "1h,3600000", "0,0", "2,2000", "1.5s,1500"})
    void parsesDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Quantities.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1s", "10 minutes", "5d", ""})
    void rejectsBadDurations(String text) {
        assertThrows(IllegalArgumentException.class, () -> Quantities.parseDuration(text));
    }

    @Test
    void formatsDurationsBackToTheirShortForm() {
        assertEquals("30s", Quantities.formatDuration(Duration.ofSeconds(30)));
        assertEquals("10m", Quantities.formatDuration(Duration.ofMinutes(10)));
        assertEquals("250ms", Quantities.formatDuration(Duration.ofMillis(250)));
        assertEquals("0", Quantities.formatDuration(Duration.ZERO));
    }
}
