package lab.c1m.common.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
