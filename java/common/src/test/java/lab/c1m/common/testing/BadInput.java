package lab.c1m.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

/** Runs a jar with bad input and asserts the lab's rule: the exit code, one line naming the problem, no trace. */
public final class BadInput {
    private BadInput() {
    }

    /** Returns the problem line (the first on stderr; the second may only point at --help). */
    public static String refused(Path dir, String main, int exitCode, String prefix, String... args) throws Exception {
        try (JavaProcess p = JavaProcess.start(dir, main, args)) {
            String what = String.join(" ", args);
            assertEquals(exitCode, p.waitFor(60), what + ":\n" + p.stdout() + p.stderr());
            String err = p.stderr();
            List<String> lines = err.lines().toList();
            assertTrue(!lines.isEmpty() && lines.get(0).startsWith(prefix), what + ": " + err);
            assertTrue(lines.size() == 1 || lines.size() == 2 && lines.get(1).startsWith("Run '"), what + ":\n" + err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace for " + what + ":\n" + err);
            assertFalse(p.stdout().contains("Exception") || p.stdout().contains("\tat "), what + ":\n" + p.stdout());
            return lines.get(0);
        }
    }
}
