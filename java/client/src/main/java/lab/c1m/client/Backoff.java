package lab.c1m.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between connect attempts. A failed connect is retried after an exponential delay from 100 ms,
 * capped at 5 s, with jitter so retries spread out. A connection the peer closed is re-opened first after
 * a random delay of up to {@link #RECONNECT_SPREAD_MILLIS} (a restarted server's clients all lose their
 * connections in the same instant, and must not all come back in the next), then on the same curve.
 */
final class Backoff {
    static final long BASE_MILLIS = 100;
    static final long CAP_MILLIS = 5_000;
    static final long RECONNECT_SPREAD_MILLIS = 1_000;

    private Backoff() {
    }

    static long delayMillis(int retry) {
        long exp = BASE_MILLIS << Math.min(Math.max(retry - 1, 0), 16);
        long capped = Math.min(CAP_MILLIS, exp);
        // Half fixed, half random: never zero, never more than the cap.
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** Before reconnect attempt {@code attempt} (0: the first, right after the loss). */
    static long reconnectDelayMillis(int attempt) {
        return attempt == 0 ? ThreadLocalRandom.current().nextLong(RECONNECT_SPREAD_MILLIS + 1) : delayMillis(attempt);
    }
}
