package lab.c1m.common.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortListTest {
    @Test
    void parsesTheDefaultRangeAsTwentyPorts() {
        PortList p = PortList.parse("9000-9019");
        assertEquals(20, p.size());
        assertEquals(9000, p.get(0));
        assertEquals(9019, p.get(19));
        assertEquals("9000-9019", p.toString());
    }

    @Test
    void parsesListsAndMixesWithoutDuplicates() {
        PortList p = PortList.parse("9000, 9005-9007,9000,80");
        assertEquals(List.of(9000, 9005, 9006, 9007, 80), p.asList());
        assertEquals("9000,9005-9007,80", p.toString());
        assertEquals(p, PortList.parse(p.toString()));
    }

    @Test
    void rejectsEmptyReversedAndOutOfRangeInput() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PortList.parse("9019-9000")).getMessage().contains("empty"));
        assertThrows(IllegalArgumentException.class, () -> PortList.parse(""));
        assertThrows(IllegalArgumentException.class, () -> PortList.parse(" , "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PortList.parse("70000")).getMessage().contains("1-65535"));
        assertThrows(IllegalArgumentException.class, () -> PortList.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> PortList.parse("90a0"));
    }
}
