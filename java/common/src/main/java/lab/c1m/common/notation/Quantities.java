package lab.c1m.common.notation;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human forms of counts ({@code 10k}, {@code 1m}) and durations ({@code 30s}, {@code 10m}). */
public final class Quantities {
    private static final Pattern COUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)([km]?)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    /**
     * The longest duration any option or setting takes (--hold, --heartbeat, c1m_hold, ...): a year. Beyond
     * it a value is a typo, and past about 292 years it would overflow a nanosecond clock. A limit of the
     * notation, not a capacity rule: report/c1mlab/notation.py says the same, and tests/vectors/notation.json
     * holds both to it at the boundary.
     */
    public static final long DURATION_MAX_MS = 365L * 24 * 3_600_000;

    private Quantities() {
    }

    /** {@code 333334}, {@code 10k} (10,000), {@code 1m} (1,000,000), {@code 1.5k}; never negative. */
    public static long parseCount(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "").replace(",", "");
        Matcher m = COUNT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a count: use a whole number such as 5000, 10k or 1m");
        }
        double value = Double.parseDouble(m.group(1));
        long multiplier = switch (m.group(2)) {
            case "k" -> 1_000L;
            case "m" -> 1_000_000L;
            default -> 1L;
        };
        double result = value * multiplier;
        if (result != Math.rint(result)) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of connections");
        }
        if (result > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too large: at most " + Integer.MAX_VALUE);
        }
        return (long) result;
    }

    /**
     * {@code 250ms}, {@code 30s}, {@code 10m}, {@code 1h}; a bare number means seconds; {@code 0} is zero.
     * Whole milliseconds only (no silent rounding: {@code 0.4ms} is refused, not zero) and at most
     * {@link #DURATION_MAX_MS} (a year), so no later arithmetic overflows.
     */
    public static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 500ms, 30s, 10m or 1h");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        long scale = switch (unit) {
            case "ms" -> 1L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 1_000L;
        };
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(scale));
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of milliseconds");
        }
        if (millis.compareTo(BigDecimal.valueOf(DURATION_MAX_MS)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long: at most " + formatDuration(Duration.ofMillis(DURATION_MAX_MS)));
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** Short human form of a duration, the inverse of {@link #parseDuration} where exact. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }

    /** Seconds with one decimal, for log lines. */
    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** A count with thousands separators, for log lines. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Mebibytes with one decimal, for log lines. */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
