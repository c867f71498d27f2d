package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.report.ProgressLog;

/**
 * The ramp of every event loop together: each loop opens its own slots with its part of the rate and the
 * in-flight window (the connect() calls then run on all cores), and the failure limit, the first line of
 * each failure kind and the stop are shared.
 */
final class Ramps implements Ramp.Group {
    private final List<Ramp> ramps = new ArrayList<>();
    private final CountDownLatch done;
    private final AtomicLong failedForGood = new AtomicLong();
    private final Set<FailureKind> kindsSeen = ConcurrentHashMap.newKeySet();
    private volatile String stopReason;

    /** {@code shares.get(i)} are the slots of {@code loops.get(i)}. */
    Ramps(Bootstrap bootstrap, List<EventLoop> loops, List<LoopSlots> shares, ConnectionPlan plan, ConnectionTable table,
          ClientStats stats, Ramp.Settings settings, ProgressLog progress) {
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            ramps.add(new Ramp(bootstrap.clone(loop), loop, shares.get(i), plan, table, stats,
                settings.share(i, loops.size()), progress, this));
        }
        done = new CountDownLatch(ramps.size());
    }

    void start() {
        ramps.forEach(Ramp::start);
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
    public boolean firstOf(FailureKind kind) {
        return kindsSeen.add(kind);
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
