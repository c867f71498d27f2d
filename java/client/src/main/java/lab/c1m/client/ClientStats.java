package lab.c1m.client;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.netty.OpenCounter;

/**
 * Counters that event loops update and the reporter reads. Heartbeats are counted as the schedule asked for
 * them (due), as written (sent, of which late), and as skipped because the client was a whole interval behind
 * (missed); round trips are timed from when a frame was written and from when it was due.
 */
final class ClientStats {
    private final OpenCounter connections = new OpenCounter();
    private final AtomicLongArray failed = new AtomicLongArray(FailureKind.values().length);
    private final AtomicLongArray connectErrors = new AtomicLongArray(FailureKind.values().length);
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong recovered = new AtomicLong();
    private final AtomicLong reconnected = new AtomicLong();
    private final AtomicLongArray reconnectErrors = new AtomicLongArray(FailureKind.values().length);
    private final Outages outages = new Outages();
    private final LongAdder heartbeatsDue = new LongAdder();
    private final LongAdder heartbeatsSent = new LongAdder();
    private final LongAdder heartbeatsLate = new LongAdder();
    private final LongAdder heartbeatsMissed = new LongAdder();
    private final LongAdder heartbeatsReceived = new LongAdder();
    private final Latency roundTrips = new Latency();
    private final Latency roundTripsFromDue = new Latency();
    private final Latency scheduleLag = new Latency();
    private final FirstFailures firstFailures = new FirstFailures();
    private final AtomicLong webSocketCloses = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<String> firstWebSocketClose = new java.util.concurrent.atomic.AtomicReference<>();

    long connected() {
        return connections.opened();
    }

    void closed(boolean lostConnection) {
        connections.closed();
        if (lostConnection) {
            lost.incrementAndGet();
            outages.lost(System.nanoTime());
        }
    }

    /** A lost connection was opened again (--reconnect): open again, not established a second time. */
    void reconnected() {
        reconnected.incrementAndGet();
        connections.opened();
        outages.reconnected(System.nanoTime());
    }

    /** One failed attempt to re-open a lost connection; it is tried again until the hold ends. */
    void reconnectFailed(FailureKind kind) {
        reconnectErrors.incrementAndGet(kind.ordinal());
    }

    /** Counts one failed attempt; {@code final} when no retry follows, so the connection is given up. */
    void connectFailed(FailureKind kind, boolean gaveUp) {
        connectErrors.incrementAndGet(kind.ordinal());
        if (gaveUp) {
            failed.incrementAndGet(kind.ordinal());
        }
    }

    /** A connection judged dead, silent since {@code silentSinceNanos} (its oldest unanswered heartbeat). */
    void markedDead(long silentSinceNanos) {
        dead.incrementAndGet();
        stalls.incrementAndGet();
        outages.dead(silentSinceNanos);
    }

    /** The server sent a WebSocket Close ({@code said}: its code and reason); the connection closes and counts as lost. */
    void webSocketClosed(String said) {
        webSocketCloses.incrementAndGet();
        firstWebSocketClose.compareAndSet(null, said);
    }

    long webSocketCloses() {
        return webSocketCloses.get();
    }

    /** The first Close's code and reason, or null. */
    String firstWebSocketClose() {
        return firstWebSocketClose.get();
    }

    /** A connection counted dead answered again (e.g. a server that was paused, or an accept queue that drained). */
    void recovered() {
        dead.decrementAndGet();
        recovered.incrementAndGet();
        outages.recovered(System.nanoTime());
    }

    /** A connection counted dead closed: it is lost now (counted by {@link #closed}), no longer dead. */
    void deadClosed() {
        dead.decrementAndGet();
        outages.deadClosed(System.nanoTime());
    }

    /** A heartbeat written {@code lagNanos} after it was due; {@code late} when that is past the tolerance. */
    void heartbeatSent(long lagNanos, boolean late) {
        heartbeatsDue.increment();
        heartbeatsSent.increment();
        if (late) {
            heartbeatsLate.increment();
        }
        scheduleLag.record(lagNanos / 1_000);
    }

    /** Heartbeats that were due and never written: the client was more than an interval behind its schedule. */
    void heartbeatsMissed(long n) {
        heartbeatsDue.add(n);
        heartbeatsMissed.add(n);
    }

    void heartbeatReceived(long roundTripMicros, long fromDueMicros) {
        heartbeatsReceived.increment();
        roundTrips.record(roundTripMicros);
        roundTripsFromDue.record(fromDueMicros);
    }

    /** Connections that completed their first connect; reconnects are counted apart. */
    long established() {
        return connections.openedTotal() - reconnected.get();
    }

    long reconnectedTotal() {
        return reconnected.get();
    }

    /** Connections lost and not (yet) open again. */
    long unrecovered() {
        return lost.get() - reconnected.get();
    }

    Map<FailureKind, Long> reconnectErrors() {
        return byKind(reconnectErrors);
    }

    long reconnectErrorsTotal() {
        long sum = 0;
        for (int i = 0; i < reconnectErrors.length(); i++) {
            sum += reconnectErrors.get(i);
        }
        return sum;
    }

    Outages outages() {
        return outages;
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

    /** Times a connection counted dead answered again. */
    long recoveredTotal() {
        return recovered.get();
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

    long heartbeatsDue() {
        return heartbeatsDue.sum();
    }

    long heartbeatsSent() {
        return heartbeatsSent.sum();
    }

    long heartbeatsLate() {
        return heartbeatsLate.sum();
    }

    long heartbeatsMissed() {
        return heartbeatsMissed.sum();
    }

    long heartbeatsReceived() {
        return heartbeatsReceived.sum();
    }

    /** Share of the due heartbeats written on time (neither late nor missed), or null before any was due. */
    Double scheduleKept() {
        long due = heartbeatsDue();
        return due == 0 ? null : Math.max(0, heartbeatsSent() - heartbeatsLate()) / (double) due;
    }

    /** The heartbeat counts when the hold began (due, sent, late, missed), so the hold's schedule can be told apart. */
    private volatile long[] atHoldStart;

    /** Share of the hold's due heartbeats written on time, or null before the hold or before any was due in it. */
    Double holdScheduleKept() {
        long[] start = atHoldStart;
        if (start == null) {
            return null;
        }
        long due = heartbeatsDue() - start[0];
        long onTime = (heartbeatsSent() - start[1]) - (heartbeatsLate() - start[2]);
        return due <= 0 ? null : Math.max(0, onTime) / (double) due;
    }

    /** Heartbeats late and missed since the hold began: {late, missed}, or null before the hold. */
    long[] holdLateAndMissed() {
        long[] start = atHoldStart;
        return start == null ? null : new long[] {heartbeatsLate() - start[2], heartbeatsMissed() - start[3]};
    }

    /** From now on round trips and lags count as the hold's: steady state, apart from the ramp's accept queues. */
    void holdStarted() {
        atHoldStart = new long[] {heartbeatsDue(), heartbeatsSent(), heartbeatsLate(), heartbeatsMissed()};
        roundTrips.holdStarted();
        roundTripsFromDue.holdStarted();
        scheduleLag.holdStarted();
    }

    /** Round trips from the time a frame was written. */
    Latency roundTrips() {
        return roundTrips;
    }

    /** Round trips from the time a frame was due: what a client behind its schedule adds shows here. */
    Latency roundTripsFromDue() {
        return roundTripsFromDue;
    }

    /** How long after its due time each heartbeat was written. */
    Latency scheduleLag() {
        return scheduleLag;
    }

    /** The first failure of each kind, the ramp's end and the first lag: what the summary says once. */
    FirstFailures firstFailures() {
        return firstFailures;
    }
}
