package lab.c1m.client;

import java.util.concurrent.ThreadLocalRandom;

/** Delay before retry n of a failed connect: exponential from 100 ms, capped at 5 s, with jitter so retries spread out. */
final class Backoff {
    static final long BASE_MILLIS = 100;
    static final long CAP_MILLIS = 5_000;

    private Backoff() {
    }

    static long delayMillis(int retry) {
        long exp = BASE_MILLIS << Math.min(Math.max(retry - 1, 0), 16);
        long capped = Math.min(CAP_MILLIS, exp);
        // Half fixed, half random: never zero, never more than the cap.
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }
}
