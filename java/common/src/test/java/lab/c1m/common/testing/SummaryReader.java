package lab.c1m.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads top-level scalar fields of a summary file; enough for assertions without a JSON library. */
public final class SummaryReader {
    private SummaryReader() {
    }

    public static String raw(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** The value of the first {@code "key": value} in the file (nested keys are found too, first wins). */
    public static String field(Path file, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (\"[^\"]*\"|[^,\\n}]+)").matcher(raw(file));
        if (!m.find()) {
            throw new IllegalStateException("no field " + key + " in " + file);
        }
        String v = m.group(1).trim();
        return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    public static long number(Path file, String key) {
        return (long) Double.parseDouble(field(file, key));
    }

    /** A few hundred characters of the file from a key on, for assertion messages. */
    public static String excerpt(Path file, String key) {
        String raw = raw(file);
        int i = raw.indexOf("\"" + key + "\"");
        return i < 0 ? raw : raw.substring(i, Math.min(raw.length(), i + 300));
    }
}
