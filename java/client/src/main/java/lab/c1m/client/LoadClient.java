package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.cli.StopSignal;
import lab.c1m.common.cli.WireProtocol;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.netty.CompactChannelIds;
import lab.c1m.common.netty.SharedAddresses;
import lab.c1m.common.netty.SharedReadHandles;
import lab.c1m.common.netty.Transport;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.record.ProgressLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of the client: ramp up, hold, close; then the verdict as an exit code and a reason. */
final class LoadClient {
    private static final Logger LOG = LoggerFactory.getLogger(LoadClient.class);
    /** Heartbeat echoes are 16 bytes; a small fixed read buffer keeps idle reads cheap. */
    private static final int READ_BUFFER_BYTES = 512;
    /** How long each event loop may take to close its connections at the end (a million under emulation: minutes). */
    private static final long CLOSE_WAIT_SECONDS = 600;

    record Settings(Transport transport, ConnectionEndpoints plan, Ramp.Settings ramp, Duration hold,
                    Duration heartbeat, int threads, long progressEvery, Wire wire) {
    }

    record Verdict(int exitCode, String reason) {
    }

    private final Settings settings;
    private final ClientStats stats;
    private final ClientSummary summary;
    private volatile boolean closing;

    LoadClient(Settings settings, ClientStats stats, ClientSummary summary) {
        this.settings = settings;
        this.stats = stats;
        this.summary = summary;
    }

    Verdict run(StopSignal stop) throws InterruptedException {
        int target = settings.ramp().target();
        ConnectionTable table = new ConnectionTable(target, System.nanoTime(), !settings.heartbeat().isZero());
        EventLoopGroup group = settings.transport().newGroup(settings.threads());
        boolean epoll = settings.transport().isEpoll();
        ClientHandler handler = new ClientHandler(stats, table, () -> closing,
            epoll && SharedAddresses.available() ? SharedAddresses.forClient() : null, settings.wire());
        Bootstrap bootstrap = bootstrap(settings.transport(), group).handler(handler);
        if (epoll && settings.plan().bindsSources()) {
            // Lets many connections share a bound source address: the port is chosen at connect() per destination.
            // Without source addresses nothing is bound, and the option would only cost a system call a connect.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }

        List<EventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((EventLoop) executor));
        ProgressLog progress = new ProgressLog(LoggerFactory.getLogger("progress"), "Established", settings.progressEvery());
        List<LoopSlots> shares = LoopSlots.split(loops.size(), target);
        Ramps ramps = new Ramps(bootstrap, loops, shares, settings.plan(), table, stats, settings.ramp(), progress,
            settings.wire());
        boolean reconnect = settings.ramp().reconnect();
        if (reconnect) {
            handler.onLost(ramps::lost);
        }
        List<LoopHeartbeats> heartbeats = heartbeats(loops, shares, table, target);
        heartbeats.forEach(LoopHeartbeats::start);
        LOG.info("Opening {} {}connections to {} ({} destination combinations) on {} event loops, rate {}, at most {} in flight",
            Quantities.count(target), settings.wire().protocol() == WireProtocol.WEBSOCKET ? "WebSocket " : "",
            settings.plan().remote(0).getAddress().getHostAddress(),
            settings.plan().combinations(), loops.size(),
            settings.ramp().ratePerSecond() == 0 ? "unlimited" : settings.ramp().ratePerSecond() + "/s",
            settings.ramp().maxInflight());
        summary.rampStarted();
        if (stop.requested()) {
            // A stop during start-up: say so and open nothing, rather than ramp and hold for a signal already given.
            ramps.stopAll("stopped by " + stop.reason() + " before the first connect");
        }
        ramps.start();

        while (!ramps.await(200)) {
            if (stop.requested()) {
                ramps.stopAll("stopped by " + stop.reason());
            }
        }
        summary.rampEnded();
        String stoppedEarly = ramps.stopReason();
        stats.firstFailures().rampEnded(summary.rampSeconds(), stats.established(), stats.open(), stats.failedTotal(),
            stoppedEarly, stats.dominantFailure());
        LOG.info("Ramp finished in {}: {} established, {} open, {} failed for good{}",
            Quantities.seconds((long) (summary.rampSeconds() * 1e9)), Quantities.count(stats.established()),
            Quantities.count(stats.open()), Quantities.count(stats.failedTotal()),
            stoppedEarly == null ? "" : " (stopped early: " + stoppedEarly + ")");

        Duration held = Duration.ZERO;
        if ((stats.open() > 0 || reconnect && stats.peakOpen() > 0) && !stop.requested()) {
            held = hold(stop, reconnect);
        }
        summary.held(held, holdEndedEarly);
        ramps.stopReconnecting();
        closing = true;
        heartbeats.forEach(LoopHeartbeats::stop);
        long openAtEnd = stats.open();
        closeAll(loops, shares, table);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(60, TimeUnit.SECONDS);
        if (stats.open() == 0) {
            LOG.info("Closed {} connections", Quantities.count(openAtEnd));
        } else {
            LOG.warn("Closed {} of {} connections; {} still open at exit", Quantities.count(openAtEnd - stats.open()),
                Quantities.count(openAtEnd), Quantities.count(stats.open()));
        }
        return verdict(stop, stoppedEarly, held);
    }

    /**
     * Closes every connection still open, on the loop that owns its slot, and waits until every loop has run
     * the close events that follow (a channel's inactive event runs as a later task on its loop), so the
     * final {@code open} is what is open however far behind a freeze left the loops. Shutting the group down
     * instead, with its short timeout, dropped those events: 5,000 of 10,000 still "open" at exit.
     */
    private static void closeAll(List<EventLoop> loops, List<LoopSlots> shares, ConnectionTable table) {
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            LoopSlots share = shares.get(i);
            tasks.add(loops.get(i).submit(() -> {
                for (int n = 0; n < share.count(); n++) {
                    Channel channel = table.get(share.slot(n));
                    if (channel != null) {
                        channel.close();
                    }
                }
            }));
        }
        awaitAll(tasks);
        // Two rounds: the first runs after the closes handed to other loops, the second after their events.
        for (int round = 0; round < 2; round++) {
            awaitAll(loops.stream().<Future<?>>map(loop -> loop.submit(() -> { })).toList());
        }
    }

    private static void awaitAll(List<Future<?>> tasks) {
        for (Future<?> task : tasks) {
            if (!task.awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("An event loop did not finish closing its connections within {} s", CLOSE_WAIT_SECONDS);
            }
        }
    }

    /** One heartbeat schedule per loop, their beats interleaved; none when heartbeats are off. */
    private List<LoopHeartbeats> heartbeats(List<EventLoop> loops, List<LoopSlots> shares, ConnectionTable table,
                                            int target) {
        Duration interval = settings.heartbeat();
        if (interval.isZero()) {
            return List.of();
        }
        LOG.info("Sending a heartbeat every {} on each of {} connections ({}/s), each event loop beating its own",
            Quantities.formatDuration(interval), Quantities.count(target),
            Quantities.count(Math.round(target * 1e9 / interval.toNanos())));
        BehindWarning behind = new BehindWarning(target, interval, loops.size(), stats.firstFailures());
        AtomicBoolean deadLogged = new AtomicBoolean();
        long origin = System.nanoTime() + interval.toNanos() / 10;
        long slotGap = interval.toNanos() / Math.max(1, target);
        List<LoopHeartbeats> all = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            all.add(new LoopHeartbeats(loops.get(i), shares.get(i), table, stats, interval,
                origin + slotGap * i, behind, deadLogged, !settings.ramp().reconnect(), settings.wire()));
        }
        return all;
    }

    /** The channel, its id and its options; run() adds the handler. */
    static Bootstrap bootstrap(Transport transport, EventLoopGroup group) {
        // Shared per event loop on epoll only: io_uring keeps a handle's state across a read's completion.
        RecvByteBufAllocator reads = transport.isEpoll()
            ? new SharedReadHandles(READ_BUFFER_BYTES) : new FixedRecvByteBufAllocator(READ_BUFFER_BYTES);
        return new Bootstrap()
            .group(group)
            // Each new channel gets a compact id before the bootstrap registers it.
            .channelFactory(CompactChannelIds.<SocketChannel>factory(transport.socketChannel()))
            // 0: the ramp times connects itself (see Ramp.expireTimedOutConnects).
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
            // No TCP_NODELAY option: Netty's socket configs turn it on by default, so setting it again is one
            // more setsockopt() a connect.
            .option(ChannelOption.RCVBUF_ALLOCATOR, reads);
    }

    /** Why the hold ended before --hold, or null when it ran its course (or was signalled). */
    private String holdEndedEarly;

    /**
     * Holds the connections for --hold (0: until signalled). Without reconnects the hold ends early once every
     * connection is gone (nothing can come back); with them it runs its course while they are re-opened.
     */
    private Duration hold(StopSignal stop, boolean reconnect) throws InterruptedException {
        summary.state("holding");
        stats.holdStarted();
        Duration hold = settings.hold();
        LOG.info("Holding {} connections {}", Quantities.count(stats.open()),
            hold.isZero() ? "until SIGTERM or SIGINT" : "for " + Quantities.formatDuration(hold));
        long start = System.nanoTime();
        long end = hold.isZero() ? Long.MAX_VALUE : start + hold.toNanos();
        while (System.nanoTime() < end) {
            long waitMillis = Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000));
            if (stop.await(waitMillis)) {
                break;
            }
            if (stats.open() == 0 && !reconnect) {
                holdEndedEarly = "every connection was closed by the peer (no --reconnect)";
                LOG.warn("Every connection is gone: ending the hold after {} of {}",
                    Quantities.seconds(System.nanoTime() - start), Quantities.formatDuration(hold));
                break;
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private Verdict verdict(StopSignal stop, String stoppedEarly, Duration held) {
        int target = settings.ramp().target();
        StringBuilder why = new StringBuilder();
        if (!summary.reached()) {
            why.append("target not reached: peak ").append(Quantities.count(stats.peakOpen())).append(" of ")
                .append(Quantities.count(target)).append(" open");
            FailureKind worst = stats.dominantFailure();
            if (worst != null) {
                why.append("; ").append(Quantities.count(stats.failedTotal())).append(" failed, mostly ").append(worst)
                    .append(" (").append(worst.meaning()).append(". Fix: ").append(worst.fix()).append(')');
            }
            if (stoppedEarly != null) {
                why.append("; ramp ").append(stoppedEarly);
            }
        }
        if (stats.lost() > 0) {
            append(why, Quantities.count(stats.lost()) + " connections closed by the peer (lost)" + reconnects());
        }
        if (stats.dead() > 0) {
            append(why, Quantities.count(stats.dead()) + " connections dead at the end (a written heartbeat unanswered for "
                + Quantities.seconds(LoopHeartbeats.deadAfterNanos(settings.heartbeat())) + ")");
        }
        boolean holdCut = summary.reached() && !settings.hold().isZero() && held.compareTo(settings.hold()) < 0;
        if (holdCut && stop.requested()) {
            append(why, "hold cut short by " + stop.reason() + " after " + Quantities.seconds(held.toNanos()));
        } else if (holdEndedEarly != null) {
            append(why, "hold ended after " + Quantities.seconds(held.toNanos()) + " of "
                + Quantities.formatDuration(settings.hold()) + ": " + holdEndedEarly);
        }
        int code = why.length() == 0 ? ExitCodes.OK : ExitCodes.NOT_REACHED;
        String reason = code == ExitCodes.OK
            ? "target of " + Quantities.count(target) + " reached and held " + Quantities.seconds(held.toNanos())
                + ", nothing lost"
            : why.toString();
        // An outage that healed loses nothing and keeps exit 0, but is never a clean run: the reason names it.
        Outages outages = stats.outages();
        if (outages.count() > 0) {
            reason += "; " + Quantities.count(outages.count()) + " outage(s): " + outages.describe(System.nanoTime());
        }
        return new Verdict(code, reason);
    }

    /** ", all 5,000 reconnected, the last 3.2 s after the first loss" or how many are still not back. */
    private String reconnects() {
        if (!settings.ramp().reconnect()) {
            return "";
        }
        long back = stats.reconnectedTotal();
        long missing = stats.unrecovered();
        Double recovery = stats.outages().recoverySeconds();
        if (missing == 0) {
            return ", every one reconnected (" + Quantities.count(back) + ")"
                + (recovery == null ? "" : String.format(java.util.Locale.ROOT, ", all back %.1f s after the first loss", recovery));
        }
        return ", " + Quantities.count(back) + " reconnected, " + Quantities.count(missing) + " not back at the end";
    }

    private static void append(StringBuilder sb, String part) {
        if (sb.length() > 0) {
            sb.append("; ");
        }
        sb.append(part);
    }
}
