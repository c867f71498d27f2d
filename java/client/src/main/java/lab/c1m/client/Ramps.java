package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.record.ProgressLog;

/**
 * The ramp of every event loop together: each loop opens its own slots with its part of the rate and the
 * in-flight window (the connect() calls then run on all cores), and the failure limit, the first line of
 * each failure kind and the stop are shared. With --reconnect each loop's ramp re-opens its own lost
 * connections through the hold.
 */
final class Ramps implements Ramp.Group {
    private final List<Ramp> ramps = new ArrayList<>();
    /** Written once in the constructor, read from every loop. */
    private final Map<EventLoop, Ramp> byLoop = new IdentityHashMap<>();
    private final CountDownLatch done;
    private final AtomicLong failedForGood = new AtomicLong();
    private final ClientStats stats;
    private final Set<FailureKind> reconnectKindsSeen = ConcurrentHashMap.newKeySet();
    private volatile String stopReason;

    /** {@code shares.get(i)} are the slots of {@code loops.get(i)}. */
    Ramps(Bootstrap bootstrap, List<EventLoop> loops, List<LoopSlots> shares, ConnectionEndpoints plan, ConnectionTable table,
          ClientStats stats, Ramp.Settings settings, ProgressLog progress, Wire wire) {
        this.stats = stats;
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            Ramp ramp = new Ramp(bootstrap.clone(loop), loop, shares.get(i), plan, table, stats,
                settings.share(i, loops.size()), progress, this, wire);
            ramps.add(ramp);
            byLoop.put(loop, ramp);
        }
        done = new CountDownLatch(ramps.size());
    }

    void start() {
        ramps.forEach(Ramp::start);
    }

    /** The peer closed this channel: its loop's ramp re-opens it (called on that loop, the channel's own). */
    void lost(Channel channel) {
        Ramp ramp = byLoop.get(channel.eventLoop());
        if (ramp != null) {
            ramp.lost();
        }
    }

    /** Ends every reconnect, before the client closes its connections itself. */
    void stopReconnecting() {
        ramps.forEach(Ramp::stopReconnecting);
    }

    /** Waits up to {@code millis} for every loop's ramp to end; true when they all have. */
    boolean await(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Why the ramp stopped early, or null when it ran to the end. */
    String stopReason() {
        return stopReason;
    }

    @Override
    public long failedForGood() {
        return failedForGood.incrementAndGet();
    }

    @Override
    public boolean firstOf(FailureKind kind, String to, String message) {
        return stats.firstFailures().first(kind, to, message);
    }

    @Override
    public boolean firstReconnectOf(FailureKind kind) {
        return reconnectKindsSeen.add(kind);
    }

    @Override
    public void stopAll(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        ramps.forEach(Ramp::stop);
    }

    @Override
    public void done() {
        done.countDown();
    }
}
