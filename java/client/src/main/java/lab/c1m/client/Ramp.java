package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.FailureKind;
import lab.c1m.common.ProgressLog;
import lab.c1m.common.Quantities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the target's connections at a controlled pace: at most {@code rate} new connects a second and
 * {@code maxInflight} pending, retrying failures with backoff. All its state lives on one event loop.
 */
final class Ramp {
    private static final Logger LOG = LoggerFactory.getLogger(Ramp.class);
    private static final long TICK_MILLIS = 10;

    record Settings(int target, long ratePerSecond, int maxInflight, int retries, long maxFailures,
                    long connectTimeoutNanos) {
    }

    /** A connect in flight and when it times out; all share one timeout, so they expire in FIFO order. */
    private record Pending(ChannelFuture future, long deadlineNanos) {
    }

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final ConnectionPlan plan;
    private final ConnectionTable table;
    private final ClientStats stats;
    private final Settings settings;
    private final ProgressLog progress;
    private final Runnable onDone;

    private final byte[] attempts;
    private final ArrayDeque<Integer> retryQueue = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Set<FailureKind> kindsSeen = EnumSet.noneOf(FailureKind.class);
    private RateLimiter limiter;
    private ScheduledFuture<?> ticker;
    private int nextSlot;
    private int inflight;
    private int waitingRetries;
    private int resolved;
    private long failedForGood;
    private boolean stopped;
    private boolean done;
    private String stopReason;

    Ramp(Bootstrap bootstrap, EventLoop loop, ConnectionPlan plan, ConnectionTable table, ClientStats stats,
         Settings settings, ProgressLog progress, Runnable onDone) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.plan = plan;
        this.table = table;
        this.stats = stats;
        this.settings = settings;
        this.progress = progress;
        this.onDone = onDone;
        this.attempts = new byte[settings.target()];
    }

    void start() {
        loop.execute(() -> {
            limiter = new RateLimiter(settings.ratePerSecond(), System.nanoTime());
            ticker = loop.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    /** Stops opening connections; those in flight finish, then the ramp reports done. Any thread. */
    void stop(String reason) {
        loop.execute(() -> stopNow(reason));
    }

    /** Why the ramp stopped early, or null when it ran to the end. Read after done. */
    String stopReason() {
        return stopReason;
    }

    private void stopNow(String reason) {
        if (!stopped) {
            stopped = true;
            stopReason = reason;
            retryQueue.clear();
            checkDone();
        }
    }

    private void tick() {
        expireTimedOutConnects(System.nanoTime());
        if (stopped) {
            return;
        }
        int fresh = settings.target() - nextSlot;
        int wanted = Math.min(settings.maxInflight() - inflight, fresh + retryQueue.size());
        if (wanted <= 0) {
            return;
        }
        int granted = limiter.take(wanted, System.nanoTime());
        for (int i = 0; i < granted; i++) {
            Integer retry = retryQueue.poll();
            connect(retry != null ? retry : nextSlot++);
        }
    }

    /**
     * Fails connects older than the timeout, as Netty's CONNECT_TIMEOUT_MILLIS would; but Netty's keeps a
     * reference to its cancelled timer in every connected channel (about 80 bytes each for the life of the
     * connection), so the ramp times connects itself.
     */
    private void expireTimedOutConnects(long now) {
        Pending head;
        while ((head = pending.peek()) != null && (head.future().isDone() || head.deadlineNanos() - now <= 0)) {
            pending.poll();
            ChannelFuture f = head.future();
            if (!f.isDone() && f instanceof ChannelPromise promise && promise.tryFailure(new ConnectTimeoutException(
                    "connection timed out after " + settings.connectTimeoutNanos() / 1_000_000 + " ms: " + f.channel()))) {
                f.channel().close();
            }
        }
    }

    private void connect(int slot) {
        inflight++;
        attempts[slot]++;
        InetSocketAddress local = plan.local(slot);
        ChannelFuture f = local == null ? bootstrap.connect(plan.remote(slot)) : bootstrap.connect(plan.remote(slot), local);
        if (!f.isDone()) {
            pending.add(new Pending(f, System.nanoTime() + settings.connectTimeoutNanos()));
        }
        f.addListener((ChannelFuture done) -> {
            if (loop.inEventLoop()) {
                connected(slot, done);
            } else {
                loop.execute(() -> connected(slot, done));
            }
        });
    }

    private void connected(int slot, ChannelFuture f) {
        inflight--;
        if (f.isSuccess()) {
            table.put(slot, f.channel(), System.nanoTime());
            resolved++;
            progress.reached(stats.connected(), stats.open());
        } else {
            failed(slot, f.cause());
        }
        checkDone();
    }

    private void failed(int slot, Throwable cause) {
        FailureKind kind = FailureKind.classify(cause);
        boolean retry = !stopped && attempts[slot] <= settings.retries();
        stats.connectFailed(kind, !retry);
        if (kindsSeen.add(kind)) {
            LOG.warn("First {} connecting to {}: {}. {}. Fix: {}", kind, plan.remote(slot), cause.getMessage(),
                kind.meaning(), kind.fix());
        }
        if (retry) {
            waitingRetries++;
            loop.schedule(() -> {
                waitingRetries--;
                if (!stopped) {
                    retryQueue.add(slot);
                }
                checkDone();
            }, Backoff.delayMillis(attempts[slot]), TimeUnit.MILLISECONDS);
            return;
        }
        resolved++;
        failedForGood++;
        if (settings.maxFailures() > 0 && failedForGood >= settings.maxFailures()) {
            stopNow(Quantities.count(failedForGood) + " connections failed for good (mostly " + stats.dominantFailure()
                + "), the limit set by --max-failures: the target cannot be reached this way");
        }
    }

    private void checkDone() {
        boolean finished = resolved == settings.target() || (stopped && inflight == 0 && waitingRetries == 0);
        if (finished && !done) {
            done = true;
            if (ticker != null) {
                ticker.cancel(false);
            }
            onDone.run();
        }
    }
}
