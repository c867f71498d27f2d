package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.record.DescriptorGate;
import lab.c1m.common.record.ProgressLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one event loop's share of the connections (its {@link LoopSlots}) at a controlled pace: at most
 * {@code rate} new connects a second and {@code maxInflight} pending, retrying failures with backoff. The
 * channels it opens are registered on its own loop, so every step of a connect, and the slot's table entry,
 * stay on one thread. {@link Ramps} runs one per loop and sums them up.
 *
 * <p>With {@code reconnect}, the ramp goes on through the hold: a connection of its slots that the peer
 * closed is opened again on this same loop, first after a random spread of up to a second, then with
 * backoff for as long as the hold lasts, within the same rate and in-flight window as the ramp (so a
 * restarted server sees each client's connects paced, not all at once).
 *
 * <p>Over 300 lines on purpose: pacing, retries, timeouts and reconnects share one loop's counters and
 * queues, and splitting them would hand those between objects on every connect of a million.
 */
final class Ramp {
    private static final Logger LOG = LoggerFactory.getLogger(Ramp.class);
    private static final long TICK_MILLIS = 10;

    record Settings(int target, long ratePerSecond, int maxInflight, int retries, long maxFailures,
                    long connectTimeoutNanos, boolean reconnect) {
        Settings(int target, long ratePerSecond, int maxInflight, int retries, long maxFailures, long connectTimeoutNanos) {
            this(target, ratePerSecond, maxInflight, retries, maxFailures, connectTimeoutNanos, false);
        }

        /** This loop's part of the rate and of the in-flight window. */
        Settings share(int loop, int loops) {
            return new Settings(target, part(ratePerSecond, loop, loops), (int) Math.max(1, part(maxInflight, loop, loops)),
                retries, maxFailures, connectTimeoutNanos, reconnect);
        }

        private static long part(long total, int index, int parts) {
            return total / parts + (index < total % parts ? 1 : 0);
        }
    }

    /** A connect in flight and when it times out; all share one timeout, so they expire in FIFO order. */
    private record Pending(ChannelFuture future, long deadlineNanos) {
    }

    /** What the loops' ramps share: the failure limit, the first line of each kind, the stop and the end. */
    interface Group {
        /** Counts a connection given up; returns the total over all loops. */
        long failedForGood();

        /** True for the first failure of this kind on any loop, which is kept (where to, the message) for the summary. */
        boolean firstOf(FailureKind kind, String to, String message);

        /** True for the first failure of this kind re-opening a lost connection, on any loop. */
        boolean firstReconnectOf(FailureKind kind);

        /** Stops every loop's ramp. */
        void stopAll(String reason);

        /** This loop's ramp is done. */
        void done();
    }

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final LoopSlots slots;
    private final ConnectionEndpoints plan;
    private final ConnectionTable table;
    private final ClientStats stats;
    private final Settings settings;
    private final ProgressLog progress;
    private final Group group;
    /** How a connection is opened (TCP alone, or TCP and a WebSocket upgrade) and what its timeout is called. */
    private final Wire wire;

    /** Connect attempts by index; released once the ramp is done without --reconnect (1 byte a connection). */
    private byte[] attempts;
    private final ArrayDeque<Integer> retryQueue = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Lost slots waiting for their reconnect: (due, in ms since the ramp began) << 32 | index. */
    private final PriorityQueue<Long> reconnectsWaiting = new PriorityQueue<>();
    private final ArrayDeque<Integer> reconnectsDue = new ArrayDeque<>();
    private long originNanos;
    private boolean reconnecting;
    private boolean lostSeen;
    private RateLimiter limiter;
    private ScheduledFuture<?> ticker;
    private int nextIndex;
    private int inflight;
    private int waitingRetries;
    private int resolved;
    private boolean stopped;
    private boolean done;

    /** {@code bootstrap} must register its channels on {@code loop} (see {@link Bootstrap#clone(io.netty.channel.EventLoopGroup)}). */
    Ramp(Bootstrap bootstrap, EventLoop loop, LoopSlots slots, ConnectionEndpoints plan, ConnectionTable table,
         ClientStats stats, Settings settings, ProgressLog progress, Group group) {
        this(bootstrap, loop, slots, plan, table, stats, settings, progress, group, RawWire.INSTANCE);
    }

    Ramp(Bootstrap bootstrap, EventLoop loop, LoopSlots slots, ConnectionEndpoints plan, ConnectionTable table,
         ClientStats stats, Settings settings, ProgressLog progress, Group group, Wire wire) {
        this.wire = wire;
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.slots = slots;
        this.plan = plan;
        this.table = table;
        this.stats = stats;
        this.settings = settings;
        this.progress = progress;
        this.group = group;
        this.attempts = new byte[slots.count()];
        this.reconnecting = settings.reconnect();
    }

    void start() {
        loop.execute(() -> {
            originNanos = System.nanoTime();
            limiter = new RateLimiter(settings.ratePerSecond(), originNanos);
            ticker = loop.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
            checkDone();
        });
    }

    /** Stops opening connections; those in flight finish, then the ramp reports done. Any thread. */
    void stop() {
        if (loop.inEventLoop()) {
            stopNow();
        } else {
            loop.execute(this::stopNow);
        }
    }

    /** A connection of this loop was closed by the peer; the next tick finds which and re-opens it. On this loop. */
    void lost() {
        lostSeen = true;
    }

    /** No more reconnects (the client is closing its connections); any thread. */
    void stopReconnecting() {
        loop.execute(() -> {
            reconnecting = false;
            reconnectsWaiting.clear();
            reconnectsDue.clear();
            if (done && ticker != null) {
                ticker.cancel(false);
            }
        });
    }

    private void stopNow() {
        if (!stopped) {
            stopped = true;
            retryQueue.clear();
            checkDone();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        expireTimedOutConnects(now);
        if (reconnecting) {
            if (lostSeen) {
                lostSeen = false;
                collectLost(now);
            }
            while (!reconnectsWaiting.isEmpty() && (reconnectsWaiting.peek() >>> 32) <= millisSinceOrigin(now)) {
                reconnectsDue.add((int) (reconnectsWaiting.poll() & 0xffff_ffffL));
            }
        }
        int ramp = stopped ? 0 : slots.count() - nextIndex + retryQueue.size();
        int wanted = Math.min(settings.maxInflight() - inflight, reconnectsDue.size() + ramp);
        if (wanted <= 0) {
            return;
        }
        if (!DescriptorGate.tryEnter()) {
            return; // the reporter is writing with the descriptors it keeps for the open-files wall: next turn
        }
        try {
            int granted = limiter.take(wanted, now);
            for (int i = 0; i < granted; i++) {
                Integer again = reconnectsDue.poll();
                if (again != null) {
                    connect(again, true);
                    continue;
                }
                if (stopped) {
                    break;
                }
                Integer retry = retryQueue.poll();
                connect(retry != null ? retry : nextIndex++, false);
            }
        } finally {
            DescriptorGate.leave();
        }
    }

    /**
     * Finds this loop's slots whose connection the peer closed and queues each for a reconnect. A scan of the
     * loop's slots, only on a tick after a loss: no per-connection memory to say which slot a channel is.
     */
    private void collectLost(long now) {
        for (int index = 0; index < slots.count(); index++) {
            int slot = slots.slot(index);
            var ch = table.get(slot);
            if (ch != null && !ch.isActive()) {
                if (table.clear(slot)) {
                    stats.deadClosed();
                }
                attempts[index] = 0;
                reconnectLater(index, now);
            }
        }
    }

    private void reconnectLater(int index, long now) {
        long due = millisSinceOrigin(now) + Backoff.reconnectDelayMillis(attempts[index]);
        reconnectsWaiting.add(due << 32 | index);
    }

    private long millisSinceOrigin(long now) {
        return (now - originNanos) / 1_000_000;
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
            if (!f.isDone() && f instanceof ChannelPromise promise
                    && promise.tryFailure(wire.timedOut(f.channel(), settings.connectTimeoutNanos() / 1_000_000))) {
                f.channel().close();
            }
        }
    }

    private void connect(int index, boolean again) {
        inflight++;
        if (attempts[index] < Byte.MAX_VALUE) {
            attempts[index]++;
        }
        int slot = slots.slot(index);
        InetSocketAddress local = plan.local(slot);
        ChannelFuture f = wire.open(bootstrap, plan.remote(slot), local);
        if (f.isDone()) {
            connected(index, f, again);
            return;
        }
        pending.add(new Pending(f, System.nanoTime() + settings.connectTimeoutNanos()));
        // The channel is on this loop, so its listener runs here: no hand-off.
        f.addListener((ChannelFuture done) -> connected(index, done, again));
    }

    private void connected(int index, ChannelFuture f, boolean again) {
        inflight--;
        if (again) {
            reconnected(index, f);
        } else if (f.isSuccess()) {
            table.put(slots.slot(index), f.channel());
            resolved++;
            progress.reached(stats.connected(), stats.open());
        } else {
            failed(index, f.cause());
        }
        checkDone();
    }

    /** A reconnect ended: the slot is open again, or it is tried again later (until the hold ends). */
    private void reconnected(int index, ChannelFuture f) {
        if (f.isSuccess()) {
            table.put(slots.slot(index), f.channel());
            stats.reconnected();
            return;
        }
        if (!reconnecting) {
            return; // the client is closing: the loop refusing a connect now is not the server's failure
        }
        Throwable cause = f.cause();
        FailureKind kind = FailureKind.classify(cause);
        stats.reconnectFailed(kind);
        if (group.firstReconnectOf(kind)) {
            LOG.warn("First {} reconnecting to {}: {}. {}. Trying again with backoff (up to {} s) until the hold ends",
                kind, plan.remote(slots.slot(index)), cause.getMessage(), kind.meaning(), Backoff.CAP_MILLIS / 1000);
        }
        reconnectLater(index, System.nanoTime());
    }

    private void failed(int index, Throwable cause) {
        FailureKind kind = FailureKind.classify(cause);
        boolean retry = !stopped && attempts[index] <= settings.retries();
        stats.connectFailed(kind, !retry);
        InetSocketAddress remote = plan.remote(slots.slot(index));
        if (group.firstOf(kind, remote.getAddress().getHostAddress() + ":" + remote.getPort(), cause.getMessage())) {
            LOG.warn("First {} connecting to {}: {}. {}. Fix: {}", kind, plan.remote(slots.slot(index)), cause.getMessage(),
                kind.meaning(), kind.fix());
        }
        if (retry) {
            waitingRetries++;
            loop.schedule(() -> {
                waitingRetries--;
                if (!stopped) {
                    retryQueue.add(index);
                }
                checkDone();
            }, Backoff.delayMillis(attempts[index]), TimeUnit.MILLISECONDS);
            return;
        }
        resolved++;
        long failedForGood = group.failedForGood();
        if (settings.maxFailures() > 0 && failedForGood >= settings.maxFailures()) {
            group.stopAll(Quantities.count(failedForGood) + " connections failed for good (mostly " + stats.dominantFailure()
                + "), the limit set by --max-failures: the target cannot be reached this way");
        }
    }

    private void checkDone() {
        boolean finished = resolved == slots.count() || (stopped && inflight == 0 && waitingRetries == 0);
        if (finished && !done) {
            done = true;
            if (ticker != null && !reconnecting) {
                ticker.cancel(false);
            }
            if (!settings.reconnect()) {
                attempts = null; // nothing connects again: only reconnects read it after the ramp
            }
            group.done();
        }
    }
}
