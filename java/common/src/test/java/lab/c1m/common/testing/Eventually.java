package lab.c1m.common.testing;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes, then fails with what was last seen. */
public final class Eventually {
    private Eventually() {
    }

    public static void holds(long seconds, BooleanSupplier condition, Supplier<String> lastSeen) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // e.g. a summary file not written yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met within " + seconds + " s; last seen: " + lastSeen.get());
    }
}
