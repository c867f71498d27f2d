package lab.c1m.common.record;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Wall-clock stamps in the one format every summary and timeline uses: ISO-8601 UTC with milliseconds. */
public final class Times {
    private static final DateTimeFormatter ISO =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String iso(Instant instant) {
        return instant == null ? null : ISO.format(instant);
    }

    public static String now() {
        return iso(Instant.now());
    }

    /** The wall-clock instant of a {@link System#nanoTime()} reading, or null for 0 (never happened). */
    public static Instant fromNanos(long nanoStamp) {
        if (nanoStamp == 0) {
            return null;
        }
        long ageNanos = System.nanoTime() - nanoStamp;
        return Instant.now().minusNanos(ageNanos);
    }
}
