package lab.c1m.client;

/**
 * A token bucket for new connections: {@code rate} per second, with at most a tenth of a second's worth
 * saved up so a stall is not followed by a burst. Rate 0 means unlimited. Used by one thread only.
 */
final class RateLimiter {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    RateLimiter(long ratePerSecond, long nowNanos) {
        this.perNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, ratePerSecond / 10.0);
        this.tokens = 1;
        this.lastNanos = nowNanos;
    }

    /** How many connects may start now, at most {@code wanted}; those are taken from the bucket. */
    int take(int wanted, long nowNanos) {
        if (perNano == 0) {
            return wanted;
        }
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        int granted = (int) Math.min(wanted, Math.floor(tokens));
        tokens -= granted;
        return granted;
    }
}
