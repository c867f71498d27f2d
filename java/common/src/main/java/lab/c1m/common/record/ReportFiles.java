package lab.c1m.common.record;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** The summary (rewritten atomically, so a reader never sees half a file) and the timeline (appended). */
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

    /** Opens a timeline CSV, writing the header; returns null when no file was asked for. */
    public static BufferedWriter openTimeline(Path file, String header) {
        if (file == null) {
            return null;
        }
        try {
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            w.write(header);
            w.newLine();
            w.flush();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write timeline " + file + ": " + e.getMessage(), e);
        }
    }

    public static void appendRow(BufferedWriter timeline, String row) {
        if (timeline == null) {
            return;
        }
        try {
            timeline.write(row);
            timeline.newLine();
            timeline.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to timeline: " + e.getMessage(), e);
        }
    }

    public static void close(BufferedWriter timeline) {
        if (timeline != null) {
            try {
                timeline.close();
            } catch (IOException ignored) {
                // The rows are flushed as they are written; nothing is lost.
            }
        }
    }
}
