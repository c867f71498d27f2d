package lab.c1m.common.failure;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What each failure kind means and how to fix it, from failure-kinds.properties: the one table the
 * jars, the playbooks (ansible/filter_plugins/c1m.py) and the report (report/c1mlab/failures.py) share.
 */
public final class FailureTexts {
    static final String RESOURCE = "/lab/c1m/common/failure-kinds.properties";
    private static final Properties TEXTS = load();

    private FailureTexts() {
    }

    /** The text of {@code kind.field} (fields: title, meaning, fix, fix.lab, doctor); missing ones fail loudly. */
    public static String get(String kind, String field) {
        String value = TEXTS.getProperty(kind + "." + field);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(RESOURCE + " has no " + kind + "." + field);
        }
        return value;
    }

    private static Properties load() {
        try (InputStream in = FailureTexts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
