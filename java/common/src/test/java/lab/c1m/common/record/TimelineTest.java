package lab.c1m.common.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.c1m.common.testing.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timeline keeps whole rows only: a row that meets a full disk is cut back, never glued to the next. */
class TimelineTest {
    @TempDir
    Path dir;

    @Test
    void rowsFollowTheHeader() {
        Path file = dir.resolve("t.csv");
        try (Timeline t = Timeline.open(file, "time,open")) {
            t.append("2026-01-01T00:00:00.000Z,5");
        }
        assertEqualsLines(List.of("time,open", "2026-01-01T00:00:00.000Z,5"), file);
    }

    @Test
    void aRowThatMeetsAFullDiskIsCutBackAndTheNextOneIsWhole() throws Exception {
        // A row longer than a page, so it cannot fit in what the filler leaves of the last page.
        String big = "x".repeat(6000);
        try (SmallDisk disk = SmallDisk.mount(dir, "64k")) {
            Path file = disk.resolve("t.csv");
            try (Timeline t = Timeline.open(file, "time,open")) {
                t.append("1," + big);
                disk.fill(512);
                assertThrows(UncheckedIOException.class, () -> t.append("2," + big));
                assertEquals(2, Files.readAllLines(file).size(), "the failed row left nothing behind");
                disk.free();
                t.append("3," + big);
            }
            assertEqualsLines(List.of("time,open", "1," + big, "3," + big), file);
        }
    }

    private static void assertEqualsLines(List<String> expected, Path file) {
        try {
            assertEquals(expected, Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
