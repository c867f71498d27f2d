package lab.c1m.client;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import lab.c1m.common.FailureKind;
import lab.c1m.common.OpenCounter;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters that event loops update and the reporter reads; the histogram holds heartbeat round trips in microseconds. */
final class ClientStats {
    private final OpenCounter connections = new OpenCounter();
    private final AtomicLongArray failed = new AtomicLongArray(FailureKind.values().length);
    private final AtomicLongArray connectErrors = new AtomicLongArray(FailureKind.values().length);
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final LongAdder heartbeatsSent = new LongAdder();
    private final LongAdder heartbeatsReceived = new LongAdder();
    private final Recorder roundTrips = new Recorder(3);
    private final Histogram rampRoundTrips = new Histogram(3);
    private final Histogram holdRoundTrips = new Histogram(3);
    private boolean holding;

    long connected() {
        return connections.opened();
    }

    void closed(boolean lostConnection) {
        connections.closed();
        if (lostConnection) {
            lost.incrementAndGet();
        }
    }

    /** Counts one failed attempt; {@code final} when no retry follows, so the connection is given up. */
    void connectFailed(FailureKind kind, boolean gaveUp) {
        connectErrors.incrementAndGet(kind.ordinal());
        if (gaveUp) {
            failed.incrementAndGet(kind.ordinal());
        }
    }

    void markedDead() {
        dead.incrementAndGet();
        stalls.incrementAndGet();
    }

    /** A connection counted dead answered again: it was only late (e.g. queued unaccepted during the ramp). */
    void recovered() {
        dead.decrementAndGet();
    }

    void heartbeatSent() {
        heartbeatsSent.increment();
    }

    void heartbeatReceived(long roundTripMicros) {
        heartbeatsReceived.increment();
        roundTrips.recordValue(Math.max(0, roundTripMicros));
    }

    long established() {
        return connections.openedTotal();
    }

    long open() {
        return connections.open();
    }

    long peakOpen() {
        return connections.peak();
    }

    long peakNanos() {
        return connections.peakNanos();
    }

    long lost() {
        return lost.get();
    }

    /** Connections whose heartbeats are unanswered now. */
    long dead() {
        return dead.get();
    }

    /** Times any connection went unanswered for the dead threshold, recovered or not. */
    long stalls() {
        return stalls.get();
    }

    long failedTotal() {
        long sum = 0;
        for (int i = 0; i < failed.length(); i++) {
            sum += failed.get(i);
        }
        return sum;
    }

    Map<FailureKind, Long> failed() {
        return byKind(failed);
    }

    Map<FailureKind, Long> connectErrors() {
        return byKind(connectErrors);
    }

    private static Map<FailureKind, Long> byKind(AtomicLongArray counts) {
        Map<FailureKind, Long> m = new EnumMap<>(FailureKind.class);
        for (FailureKind k : FailureKind.values()) {
            m.put(k, counts.get(k.ordinal()));
        }
        return m;
    }

    /** The kind with the most connections given up, or null when none failed. */
    FailureKind dominantFailure() {
        FailureKind worst = null;
        long most = 0;
        for (FailureKind k : FailureKind.values()) {
            long n = failed.get(k.ordinal());
            if (n > most) {
                most = n;
                worst = k;
            }
        }
        return worst;
    }

    long heartbeatsSent() {
        return heartbeatsSent.sum();
    }

    long heartbeatsReceived() {
        return heartbeatsReceived.sum();
    }

    /** From now on round trips count as the hold's: steady state, apart from the ramp's accept queues. */
    synchronized void holdStarted() {
        rampRoundTrips.add(roundTrips.getIntervalHistogram());
        holding = true;
    }

    /** Round trips recorded while ramping. */
    synchronized Histogram rampRoundTrips() {
        fold();
        return rampRoundTrips.copy();
    }

    /** Round trips recorded while holding. */
    synchronized Histogram holdRoundTrips() {
        fold();
        return holdRoundTrips.copy();
    }

    private void fold() {
        (holding ? holdRoundTrips : rampRoundTrips).add(roundTrips.getIntervalHistogram());
    }
}
