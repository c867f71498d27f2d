package lab.c1m.common.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Reading the kernel's /proc and /sys files: host plumbing, with no rule in it. The transports read a
 * limit here (io_uring's locked memory), and capacity's HostLimits and HostFacts read every fact the
 * doctor judges through it. A value that cannot be read is -1, never an exception.
 */
public final class ProcFiles {
    private ProcFiles() {
    }

    /** {soft, hard} of one limit of a /proc/PID/limits file, by its name there (e.g. "Max locked memory"). */
    public static long[] limit(Path limits, String name) {
        try (Stream<String> lines = Files.lines(limits)) {
            return lines.filter(l -> l.startsWith(name))
                .findFirst()
                .map(l -> {
                    String[] f = l.substring(name.length()).trim().split("\\s+");
                    return new long[] {unlimited(f[0]), unlimited(f[1])};
                })
                .orElse(new long[] {-1, -1});
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    private static long unlimited(String s) {
        return "unlimited".equals(s) ? Long.MAX_VALUE : Long.parseLong(s);
    }

    /** The first number in a /proc or /sys file, or -1 when it cannot be read. */
    public static long number(Path file) {
        try {
            return Long.parseLong(readSmallFile(file).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Reads a /proc or /sys file by streaming it: some kernels and sandboxes report a wrong size for
     * these files, and a read sized by it (Files.readString) returns a truncated value.
     */
    public static String readSmallFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
