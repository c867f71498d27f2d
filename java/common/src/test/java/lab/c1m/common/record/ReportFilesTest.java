package lab.c1m.common.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
    @Test
    void summariesAreReplacedWholeAndLeaveNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = Files.createDirectories(dir.resolve("deep")).resolve("summary.json");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open", 1);
        ReportFiles.writeSummary(file, m);
        m.put("open", 2);
        ReportFiles.writeSummary(file, m);
        assertEquals("{\n  \"open\": 2\n}\n", Files.readString(file));
        assertFalse(Files.exists(dir.resolve("deep/summary.json.tmp")));
    }

    @Test
    void timelinesStartWithTheirHeader(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.csv");
        BufferedWriter w = ReportFiles.openTimeline(file, "time,open");
        ReportFiles.appendRow(w, "2026-01-01T00:00:00.000Z,5");
        ReportFiles.close(w);
        assertEquals(List.of("time,open", "2026-01-01T00:00:00.000Z,5"), Files.readAllLines(file));
    }
}
