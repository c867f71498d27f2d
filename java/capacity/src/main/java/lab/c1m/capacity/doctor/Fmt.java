package lab.c1m.capacity.doctor;

import java.math.BigDecimal;
import java.util.Locale;
import lab.c1m.capacity.Rules;
import lab.c1m.common.notation.Quantities;

/** How the doctor and the plan write numbers: counts with separators, sizes in binary units, ASCII only. */
public final class Fmt {
    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    private Fmt() {
    }

    public static String count(long n) {
        return n == Long.MAX_VALUE ? "unlimited" : Quantities.count(n);
    }

    public static String bytes(long b) {
        if (b >= GIB) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) GIB);
        }
        if (b >= MIB) {
            return String.format(Locale.ROOT, "%d MiB", Math.round(b / (double) MIB));
        }
        if (b >= KIB) {
            return b % KIB == 0 ? b / KIB + " KiB" : String.format(Locale.ROOT, "%.1f KiB", b / (double) KIB);
        }
        return b + " B";
    }

    /** The smallest whole number of MiB holding {@code b}, as -Xmx takes it: {@code 1430m}. */
    public static String megabytesFlag(long b) {
        return ((b + MIB - 1) / MIB) + "m";
    }

    public static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** The host-wide margin as people read it, "+5%": the rules' hostwide.margin_fraction, said where it is asked for. */
    public static String margin() {
        return "+" + percent(Rules.HOSTWIDE_MARGIN);
    }

    /** A rule's fraction as people read it: 0.75 is "75%". */
    public static String percent(double fraction) {
        return BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    /** {@code fraction} of n, rounded up: margins are never zero for a non-zero share. */
    public static long part(long n, double fraction) {
        return (long) Math.ceil(n * fraction);
    }
}
