package lab.c1m.common.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timeline keeps whole rows only: a row that meets a full disk is cut back, never glued to the next. */
class TimelineTest {
    @TempDir
    Path dir;
    private Path disk;

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            run("umount", disk.toString());
        }
    }

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
        assumeTrue("root".equals(System.getProperty("user.name")), "mounts a tmpfs: run as root (CI does)");
        disk = Files.createDirectory(dir.resolve("disk"));
        assertEquals(0, run("mount", "-t", "tmpfs", "-o", "size=64k", "c1m-test", disk.toString()));
        Path file = disk.resolve("t.csv");
        Path filler = disk.resolve("filler");
        // A row longer than a page, so it cannot fit in what the filler leaves of the last page.
        String big = "x".repeat(6000);
        try (Timeline t = Timeline.open(file, "time,open")) {
            t.append("1," + big);
            try (OutputStream out = Files.newOutputStream(filler)) {
                byte[] block = new byte[512];
                while (true) {
                    out.write(block);
                    out.flush();
                }
            } catch (IOException full) {
                // The disk is full now.
            }
            assertThrows(UncheckedIOException.class, () -> t.append("2," + big));
            assertEquals(2, Files.readAllLines(file).size(), "the failed row left nothing behind");
            Files.delete(filler);
            t.append("3," + big);
        }
        assertEqualsLines(List.of("time,open", "1," + big, "3," + big), file);
    }

    private static void assertEqualsLines(List<String> expected, Path file) {
        try {
            assertEquals(expected, Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
