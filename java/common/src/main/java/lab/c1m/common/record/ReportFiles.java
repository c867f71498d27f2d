package lab.c1m.common.record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** The summary, rewritten atomically, so a reader never sees half a file (the timeline: {@link Timeline}). */
public final class ReportFiles {
    private ReportFiles() {
    }

    public static void writeSummary(Path file, Map<String, Object> summary) {
        if (file == null) {
            return;
        }
        // The folder is never created: OutputFiles checked at start that it exists.
        Path tmp = file.toAbsolutePath().getParent().resolve(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Json.write(summary), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp); // a full disk leaves no half-written summary beside the last whole one
            } catch (IOException ignored) {
                // Nothing more to do: the last whole summary stays as it was.
            }
            throw new UncheckedIOException("cannot write summary " + file + ": " + e.getMessage(), e);
        }
    }
}
