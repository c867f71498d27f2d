package lab.c1m.client;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.c1m.capacity.Rules;
import lab.c1m.common.netty.SharedAddresses;
import lab.c1m.common.notation.Quantities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's heartbeats: every millisecond the loop writes the beats of its own slots that came due, on its
 * own thread (no hand-off per frame), so heartbeat throughput grows with the loops. Each slot beats once per
 * interval, at its place in the {@link HeartbeatSchedule}, however often the timer fires.
 *
 * <p>A loop that falls behind writes late (late beats are the client's lag, counted and reported, never the
 * server's failure); a loop a whole interval behind skips ahead and counts the skipped beats as missed. A
 * connection is dead only when a heartbeat that was written has gone unanswered for
 * {@link #DEAD_AFTER_INTERVALS} intervals, and at least {@link #DEAD_AFTER_MIN}: a shorter silence is a
 * pause (a GC, a retransmission, a busy client that has not read its sockets yet), not a dead peer.
 */
final class LoopHeartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(LoopHeartbeats.class);
    static final long DEAD_AFTER_INTERVALS = Rules.HEARTBEAT_DEAD_INTERVALS;
    static final Duration DEAD_AFTER_MIN = Duration.ofMillis(Rules.HEARTBEAT_DEAD_MIN_MS);
    private static final long PERIOD_MILLIS = 1;
    /**
     * Writes per pass. A loop far behind writes one batch a turn and reads its sockets between batches; a
     * pass that re-queued itself instead would run dozens of times before the loop looked at its reads
     * again, and the unread echoes would make a starved client call a healthy server dead.
     */
    private static final int BATCH = 1024;

    private final EventLoop loop;
    private final LoopSlots slots;
    private final ConnectionTable table;
    private final ClientStats stats;
    private final HeartbeatSchedule schedule;
    private final BehindWarning behind;
    private final AtomicBoolean deadLogged;
    private final int deadAfterTicks;
    private final long lateAfterNanos;
    /** False with --reconnect: the loop's ramp empties a closed connection's slot, and re-opens it. */
    private final boolean clearsClosed;
    /** How a heartbeat is framed: the raw 24 bytes, or those in a WebSocket Ping or Binary frame. */
    private final Wire wire;
    private ScheduledFuture<?> timer;
    private long next;

    /**
     * @param originNanos when the first beat is due; loops pass origins a fraction of a slot apart so that
     *                    their beats interleave
     */
    LoopHeartbeats(EventLoop loop, LoopSlots slots, ConnectionTable table, ClientStats stats, Duration interval,
                   long originNanos, BehindWarning behind, AtomicBoolean deadLogged, boolean clearsClosed) {
        this(loop, slots, table, stats, interval, originNanos, behind, deadLogged, clearsClosed, RawWire.INSTANCE);
    }

    LoopHeartbeats(EventLoop loop, LoopSlots slots, ConnectionTable table, ClientStats stats, Duration interval,
                   long originNanos, BehindWarning behind, AtomicBoolean deadLogged, boolean clearsClosed, Wire wire) {
        this.wire = wire;
        this.loop = loop;
        this.slots = slots;
        this.table = table;
        this.stats = stats;
        this.schedule = new HeartbeatSchedule(Math.max(1, slots.count()), interval.toNanos(), originNanos);
        this.behind = behind;
        this.deadLogged = deadLogged;
        this.deadAfterTicks = (int) (deadAfterNanos(interval) / ConnectionTable.TICK_NANOS);
        this.lateAfterNanos = lateAfterNanos(interval);
        this.clearsClosed = clearsClosed;
    }

    /** How long a written heartbeat may go unanswered before its connection counts as dead. */
    static long deadAfterNanos(Duration interval) {
        return Rules.heartbeatDeadAfter(interval).toNanos();
    }

    /** A beat written later than this after its due time is late (rules.properties: heartbeat.late_*). */
    static long lateAfterNanos(Duration interval) {
        return Math.max((long) (interval.toNanos() * Rules.HEARTBEAT_LATE), TimeUnit.MILLISECONDS.toNanos(Rules.HEARTBEAT_LATE_MIN_MS));
    }

    void start() {
        if (slots.count() == 0) {
            return;
        }
        loop.execute(() -> timer = loop.scheduleAtFixedRate(this::pass, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS));
    }

    void stop() {
        loop.execute(() -> {
            if (timer != null) {
                timer.cancel(false);
            }
        });
    }

    /** Writes what came due, at most a batch; runs on the owning loop only. */
    void pass() {
        long end = schedule.endAt(System.nanoTime());
        if (end - next > schedule.slots()) {
            skip(end - schedule.slots());
        }
        for (int budget = BATCH; next < end && budget > 0; budget--) {
            beat(next++);
        }
    }

    /** Skips to {@code to}: a whole interval behind, each connected slot's beats up to there are missed. */
    private void skip(long to) {
        long missed = 0;
        for (long beat = next; beat < to; beat++) {
            Channel ch = table.get(slots.slot(schedule.index(beat)));
            if (ch != null && ch.isActive()) {
                missed++;
            }
        }
        next = to;
        stats.heartbeatsMissed(missed);
        behind.missed(missed);
    }

    private void beat(long beat) {
        int slot = slots.slot(schedule.index(beat));
        Channel ch = table.get(slot);
        if (ch == null) {
            return; // not connected (yet, or for good): nothing is due
        }
        if (!ch.isActive()) {
            if (clearsClosed && table.clear(slot)) {
                stats.deadClosed();
            }
            return;
        }
        long now = System.nanoTime();
        int tick = table.tick(now);
        int silent = table.silentTicks(slot, tick);
        if (silent > deadAfterTicks && table.markDead(slot)) {
            stats.markedDead(now - silent * ConnectionTable.TICK_NANOS);
            if (deadLogged.compareAndSet(false, true)) {
                LOG.warn("Connection {} got no echo of a heartbeat written {} ago: counted as dead (the first; the summary"
                    + " counts all). The server stopped answering: paused, overloaded, or a middlebox dropped the flow", SharedAddresses.describe(ch),
                    Quantities.seconds((long) deadAfterTicks * ConnectionTable.TICK_NANOS));
            }
        }
        long due = schedule.dueNanos(beat);
        long lag = now - due;
        table.written(slot, tick);
        ch.writeAndFlush(wire.heartbeat(ch.alloc(), slot, due, now), ch.voidPromise());
        boolean late = lag > lateAfterNanos;
        stats.heartbeatSent(lag, late);
        if (late) {
            behind.late(lag);
        }
    }
}
