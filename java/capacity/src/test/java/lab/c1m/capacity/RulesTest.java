package lab.c1m.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The rules table loads from the jar, and a broken one names the key instead of falling back. */
class RulesTest {
    @Test
    void theTableLoadsWithTheHandCheckedValues() {
        assertEquals(256, Rules.DESCRIPTOR_RESERVE);
        assertEquals(0.5, Rules.FIVE_TUPLE_SLOW);
        // 333,334 x 1,000 B x 1.3 + 128 MiB = 567,551,928 B: the -Xmx542m the roles give a 333k client.
        assertEquals(567_551_928L, Needs.heapBytes(333_334));
        assertEquals(542, Needs.heapMegabytes(333_334));
        assertTrue(Rules.HEARTBEATS_PER_CPU_PER_SECOND > 0);
    }

    @Test
    void aMissingOrBadKeyIsNamed() {
        Properties broken = new Properties();
        broken.setProperty("heap.young_mib", "lots");
        var bad = assertThrows(IllegalStateException.class, () -> Rules.integer(broken, "heap.young_mib"));
        assertEquals("rules.properties: heap.young_mib=lots is not a whole number", bad.getMessage());
        var missing = assertThrows(IllegalStateException.class, () -> Rules.integer(broken, "descriptors.reserve"));
        assertEquals("rules.properties has no descriptors.reserve", missing.getMessage());
    }
}
