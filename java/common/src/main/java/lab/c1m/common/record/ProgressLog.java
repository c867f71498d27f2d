package lab.c1m.common.record;

import java.util.concurrent.atomic.AtomicLong;
import lab.c1m.common.notation.Quantities;
import org.slf4j.Logger;

/**
 * The seeds' progress line: every N connections, the total, how many are open, the time since the first
 * connection and how long the last N took. Called from event loops, so it only counts until a line is due.
 */
public final class ProgressLog {
    private final Logger log;
    private final String noun;
    private final long every;
    private final AtomicLong firstNanos = new AtomicLong();
    private final AtomicLong lastStepNanos = new AtomicLong();

    public ProgressLog(Logger log, String noun, long every) {
        this.log = log;
        this.noun = noun;
        this.every = every;
    }

    /** Records that the count reached {@code total}; logs a line when it is a multiple of N. */
    public void reached(long total, long open) {
        long now = System.nanoTime();
        if (total == 1) {
            firstNanos.compareAndSet(0, now);
            lastStepNanos.compareAndSet(0, now);
        }
        if (every <= 0 || total % every != 0) {
            return;
        }
        long first = firstNanos.get();
        long previous = lastStepNanos.getAndSet(now);
        log.info("{} {} {}, {} open, {} since the first, last {} in {} ms",
            noun, Quantities.count(total), total == 1 ? "connection" : "connections", Quantities.count(open),
            Quantities.seconds(now - first), Quantities.count(every), (now - previous) / 1_000_000);
    }

    /** System.nanoTime() of the first connection, or 0 when none came yet. */
    public long firstNanos() {
        return firstNanos.get();
    }
}
