package lab.c1m.client;

import java.math.BigInteger;

/**
 * When each of one loop's {@code slots} connections is due to send: spread evenly over the interval, so
 * the sends never come in one herd. Beat number {@code p} (counted over all cycles) goes to index
 * {@code p % slots} and is due at {@code origin + (p / slots) * interval + (p % slots) * interval / slots}.
 * Pure arithmetic, so the schedule can be tested without a clock or a network.
 */
final class HeartbeatSchedule {
    private final int slots;
    private final long intervalNanos;
    private final long originNanos;

    HeartbeatSchedule(int slots, long intervalNanos, long originNanos) {
        if (slots < 1 || intervalNanos < 1) {
            throw new IllegalArgumentException("slots and interval must be positive");
        }
        this.slots = slots;
        this.intervalNanos = intervalNanos;
        this.originNanos = originNanos;
    }

    int slots() {
        return slots;
    }

    long intervalNanos() {
        return intervalNanos;
    }

    int index(long beat) {
        return (int) (beat % slots);
    }

    long dueNanos(long beat) {
        long cycle = beat / slots;
        return originNanos + cycle * intervalNanos + mulDiv(beat % slots, intervalNanos, slots);
    }

    /** How many beats are due by {@code nowNanos}: beats {@code 0 .. end-1} are, beat {@code end} is not yet. */
    long endAt(long nowNanos) {
        if (nowNanos < originNanos) {
            return 0;
        }
        long elapsed = nowNanos - originNanos;
        long cycle = elapsed / intervalNanos;
        long into = elapsed % intervalNanos;
        // Index i is due when floor(i * interval / slots) <= into, i.e. i < (into + 1) * slots / interval.
        long dueThisCycle = ceilDiv(into + 1, slots, intervalNanos);
        return cycle * slots + Math.min(slots, dueThisCycle);
    }

    /** a * b / c rounded down, exact where a * b does not fit a long (a one-hour interval at a million slots). */
    private static long mulDiv(long a, long b, long c) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
    }

    private static long ceilDiv(long a, long b, long c) {
        long floor = mulDiv(a, b, c);
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        boolean exact = high == 0 && low >= 0
            ? low % c == 0
            : BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(BigInteger.valueOf(c)).signum() == 0;
        return exact ? floor : floor + 1;
    }
}
