package lab.c1m.common.record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The timeline CSV: whole rows or none. Each row goes out in one write at the end of the last whole row; a
 * write that fails (a full disk) is cut back to that end, so a row is either there entire or missing, never
 * half of it glued to the next one once space is back. Nothing is buffered: a row is on disk when append
 * returns.
 */
public final class Timeline implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    /** Where the last whole row ends: the next row starts here, and a failed write is cut back to it. */
    private long end;

    private Timeline(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (truncating) and writes the header; null when no file was asked for. */
    public static Timeline open(Path file, String header) {
        if (file == null) {
            return null;
        }
        try {
            Timeline timeline = new Timeline(file, FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
            timeline.append(header);
            return timeline;
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot write timeline " + file + ": " + e.getMessage(),
                e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    /** Appends one row (without its newline), whole, or throws and leaves the file as it was. */
    public synchronized void append(String row) {
        ByteBuffer bytes = ByteBuffer.wrap((row + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            long at = end;
            while (bytes.hasRemaining()) {
                at += channel.write(bytes, at);
            }
            end = at;
        } catch (IOException e) {
            try {
                channel.truncate(end); // a partial row must not stay: the next one would be glued to it
            } catch (IOException ignored) {
                // Cannot even cut: the next successful write overwrites the partial bytes from the same end.
            }
            throw new UncheckedIOException("cannot append to timeline " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Every row was written as it came; nothing is lost.
        }
    }
}
