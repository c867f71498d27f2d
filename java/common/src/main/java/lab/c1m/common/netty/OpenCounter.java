package lab.c1m.common.netty;

import java.util.concurrent.atomic.AtomicLong;

/** Connections opened and closed, with the peak open and when it happened; updated from any event loop. */
public final class OpenCounter {
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private volatile long peakNanos;
    private volatile long firstNanos;

    /** Counts an opened connection; returns how many were opened so far. */
    public long opened() {
        long total = opened.incrementAndGet();
        if (total == 1) {
            firstNanos = System.nanoTime();
        }
        long open = total - closed.get();
        long seen = peak.get();
        while (open > seen) {
            if (peak.compareAndSet(seen, open)) {
                peakNanos = System.nanoTime();
                break;
            }
            seen = peak.get();
        }
        return total;
    }

    public void closed() {
        closed.incrementAndGet();
    }

    public long openedTotal() {
        return opened.get();
    }

    public long closedTotal() {
        return closed.get();
    }

    /** Reads closed first, so that a connection opened in between never makes this negative. */
    public long open() {
        long c = closed.get();
        return opened.get() - c;
    }

    public long peak() {
        return peak.get();
    }

    /** System.nanoTime() when the peak was reached, 0 before any connection. */
    public long peakNanos() {
        return peakNanos;
    }

    /** System.nanoTime() of the first connection, 0 before any. */
    public long firstNanos() {
        return firstNanos;
    }
}
