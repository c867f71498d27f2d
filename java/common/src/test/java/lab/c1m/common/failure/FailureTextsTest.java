package lab.c1m.common.failure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureTextsTest {
    private static final String[] FIELDS = {"title", "meaning", "fix", "fix.lab", "doctor"};

    @Test
    void everyKindTheClientCountsAndEveryOtherCauseHasEveryField() {
        List<String> kinds = new ArrayList<>();
        for (FailureKind k : FailureKind.values()) {
            kinds.add(k.name());
        }
        kinds.addAll(List.of("lost", "dead", "reaped", "conntrack-full", "epoll-enospc", "lag-ramp", "lag-hold"));
        for (String kind : kinds) {
            for (String field : FIELDS) {
                String text = FailureTexts.get(kind, field);
                assertFalse(text.contains("\\"), kind + "." + field + " kept a line continuation: " + text);
                assertFalse(text.contains("  "), kind + "." + field + " has doubled spaces: " + text);
            }
        }
    }

    @Test
    void theJarsWordsComeFromTheTable() {
        assertTrue(FailureKind.EMFILE.meaning().startsWith("Too many open files: the process hit its open-files limit"),
            FailureKind.EMFILE.meaning());
        assertTrue(FailureKind.EADDRNOTAVAIL.fix().contains("HALF the port range"), FailureKind.EADDRNOTAVAIL.fix());
    }

    @Test
    void aMissingTextFailsLoudly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FailureTexts.get("EMFILE", "nonsense"));
        assertTrue(e.getMessage().contains("failure-kinds.properties has no EMFILE.nonsense"), e.getMessage());
    }
}
