package lab.c1m.client;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.Quantities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timer for all heartbeats: every 10 ms it visits the next slice of the connection table, so each
 * connection sends once per interval and the sends are spread evenly (no thundering herd, no timer per
 * connection). A connection whose echo is missing for {@link #DEAD_AFTER_INTERVALS} intervals is dead.
 */
final class HeartbeatSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSweeper.class);
    static final int DEAD_AFTER_INTERVALS = 3;
    /** Short enough that each pass sends a small burst (a burst's tail waits behind its head on both sides). */
    private static final long PERIOD_MILLIS = 10;

    private final EventLoop loop;
    private final ConnectionTable table;
    private final ClientStats stats;
    private final int slotsPerPass;
    private final int deadAfterTicks;
    private ScheduledFuture<?> timer;
    private int cursor;
    private boolean deadLogged;

    HeartbeatSweeper(EventLoop loop, ConnectionTable table, ClientStats stats, Duration interval) {
        this.loop = loop;
        this.table = table;
        this.stats = stats;
        long passes = Math.max(1, interval.toMillis() / PERIOD_MILLIS);
        this.slotsPerPass = (int) Math.max(1, (table.size() + passes - 1) / passes);
        this.deadAfterTicks = (int) (DEAD_AFTER_INTERVALS * interval.toNanos() / ConnectionTable.TICK_NANOS);
    }

    /** Runs on the ramp's loop, so it reads the table on the thread that writes it. */
    void start() {
        timer = loop.scheduleAtFixedRate(this::pass, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void pass() {
        long now = System.nanoTime();
        for (int i = 0; i < slotsPerPass; i++) {
            int slot = cursor;
            cursor = cursor + 1 == table.size() ? 0 : cursor + 1;
            Channel ch = table.get(slot);
            if (ch == null) {
                continue;
            }
            if (!ch.isActive()) {
                table.clear(slot);
                continue;
            }
            boolean silent = table.ticksSinceEcho(slot, now) > deadAfterTicks;
            if (!silent && table.isDead(slot)) {
                table.markAlive(slot);
                stats.recovered();
            } else if (silent && table.markDead(slot)) {
                stats.markedDead();
                if (!deadLogged) {
                    deadLogged = true;
                    LOG.warn("Connection {} got no heartbeat echo for {} intervals: counted as dead (the first; the summary"
                        + " counts all). The server may be overloaded or a middlebox dropped the flow", ch,
                        DEAD_AFTER_INTERVALS);
                }
            }
            ch.writeAndFlush(HeartbeatFrame.encode(ch.alloc(), slot, System.nanoTime()), ch.voidPromise());
            stats.heartbeatSent();
        }
    }

    static String describe(Duration interval, int connections) {
        return "a heartbeat every " + Quantities.formatDuration(interval) + " on each of " + Quantities.count(connections)
            + " connections";
    }
}
