package lab.c1m.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;
import lab.c1m.capacity.Rules;
import lab.c1m.common.netty.TransportKind;
import lab.c1m.common.notation.Quantities;

/**
 * TCP keepalive on the accepted connections, so a peer that vanished without a FIN or a reset (a client VM
 * destroyed, a cable pulled) is found and closed by the kernel with ETIMEDOUT: after {@code idle} without
 * traffic, {@code probes} unanswered probes {@code interval} apart. Child options only: the listening sockets
 * carry no traffic. The keepalive timer lives in the kernel's socket, so it costs no memory per connection;
 * an answered probe costs two small packets a connection every {@code idle} while it is idle.
 *
 * <p>A safety net that must never close what the run measures: at 1M in an emulated guest, 60 s idle and 6
 * probes 10 s apart reaped 786,601 live connections of a client behind its heartbeat schedule. So by default
 * ({@code --keepalive auto}) it is sized from the clients' heartbeat by the rules' {@code keepalive.*} keys,
 * and an explicit idle shorter than the heartbeat's dead rule is refused ({@link #refusal}).
 *
 * <p>The kernel takes at most {@link #KERNEL_MAX_SECONDS} for the idle time and the interval: an explicit
 * value above it is refused at start ({@link #tooLong}), and auto is capped at it ({@link #auto}).
 *
 * @param sizedFrom what sized it, for the log and the summary: "heartbeat 30s" (auto with --heartbeat),
 *                  "minimum" (auto without one: keepalive.idle_min_seconds), "explicit" or "off"
 * @param limit     why auto is not what the rules say, for the log: the idle capped at the kernel's
 *                  maximum, or off because even that is shorter than the heartbeat's dead rule; else null
 */
record Keepalive(Duration idle, Duration interval, int probes, String sizedFrom, String limit) {
    /**
     * The longest keepalive idle time (TCP_KEEPIDLE) and probe interval (TCP_KEEPINTVL) the kernel takes, in
     * seconds: MAX_TCP_KEEPIDLE and MAX_TCP_KEEPINTVL in include/net/tcp.h, both 32767. setsockopt() refuses
     * more with EINVAL, and Netty then fails to register every accepted connection ("setsockopt() failed:
     * Invalid argument ... Failed to register an accepted channel"): the server would accept none.
     */
    static final int KERNEL_MAX_SECONDS = 32_767;
    /** The most probes the kernel takes (TCP_KEEPCNT): MAX_TCP_KEEPCNT in include/net/tcp.h. */
    static final int KERNEL_MAX_PROBES = 127;
    static final Keepalive OFF = new Keepalive(Duration.ZERO, Duration.ZERO, 0, "off", null);
    static final String EXPLICIT = "explicit";
    static final String MINIMUM = "minimum";
    private static final Duration KERNEL_MAX = Duration.ofSeconds(KERNEL_MAX_SECONDS);

    /**
     * {@code --keepalive auto}: idle for max(keepalive.idle_min_seconds, keepalive.idle_heartbeats x the
     * clients' heartbeat) in whole seconds; {@code heartbeat} 0 (unknown, or heartbeats off) takes the minimum.
     * At most the kernel's {@link #KERNEL_MAX_SECONDS}; and off when even that is shorter than the heartbeat's
     * dead rule (a heartbeat over about 3 h): a keepalive then could reap connections the client counts alive.
     */
    static Keepalive auto(Duration heartbeat, Duration interval, int probes) {
        String sizedFrom = heartbeat.isZero() ? MINIMUM : "heartbeat " + Quantities.formatDuration(heartbeat);
        Duration idle = Duration.ofSeconds(Rules.KEEPALIVE_IDLE_MIN_SECONDS);
        Duration fromHeartbeat = Duration.ofSeconds(seconds(heartbeat.multipliedBy(Rules.KEEPALIVE_IDLE_HEARTBEATS)));
        if (!heartbeat.isZero() && fromHeartbeat.compareTo(idle) > 0) {
            idle = fromHeartbeat;
        }
        if (idle.compareTo(KERNEL_MAX) <= 0) {
            return new Keepalive(idle, interval, probes, sizedFrom, null);
        }
        Duration dead = heartbeat.isZero() ? Duration.ZERO : Rules.heartbeatDeadAfter(heartbeat);
        if (dead.compareTo(KERNEL_MAX) > 0) {
            return new Keepalive(Duration.ZERO, Duration.ZERO, 0, sizedFrom, "the dead rule of the clients' "
                + sizedFrom + " (" + Quantities.formatDuration(dead) + ") is longer than the kernel's longest keepalive"
                + " idle (" + KERNEL_MAX_SECONDS + "s), and a shorter one could reap live connections");
        }
        return new Keepalive(KERNEL_MAX, interval, probes, sizedFrom, "the kernel's longest, capped from "
            + Rules.KEEPALIVE_IDLE_HEARTBEATS + " heartbeats = " + Quantities.formatDuration(idle));
    }

    /** An explicit {@code --keepalive}: 0 is off. */
    static Keepalive explicit(Duration idle, Duration interval, int probes) {
        return idle.isZero() ? OFF : new Keepalive(idle, interval, probes, EXPLICIT, null);
    }

    /**
     * Why a duration given for {@code option} (--keepalive or --keepalive-interval) is more than the kernel
     * takes, or null. Counted in whole seconds, rounded up, as {@link #apply} sets it.
     */
    static String tooLong(String option, Duration value) {
        if (seconds(value) <= KERNEL_MAX_SECONDS) {
            return null;
        }
        String name = option.equals("--keepalive") ? "TCP_KEEPIDLE (MAX_TCP_KEEPIDLE)" : "TCP_KEEPINTVL (MAX_TCP_KEEPINTVL)";
        return option + " " + Quantities.formatDuration(value) + " is longer than the kernel takes: " + name + " is at most "
            + KERNEL_MAX_SECONDS + "s (about 9 h), and every connection would fail to be accepted";
    }

    /**
     * Why an explicit idle time would reap live connections, or null: shorter than the dead rule of the
     * clients' heartbeat (heartbeat.dead_intervals intervals, at least heartbeat.dead_min_ms), a connection
     * the client still counts alive could be probed and closed. Nothing is refused when the heartbeat is not
     * given (0) or keepalive is off.
     */
    static String refusal(Duration idle, Duration heartbeat) {
        if (idle.isZero() || heartbeat.isZero()) {
            return null;
        }
        Duration dead = Rules.heartbeatDeadAfter(heartbeat);
        if (idle.compareTo(dead) >= 0) {
            return null;
        }
        Duration floor = Duration.ofSeconds(seconds(dead));
        String why = "--keepalive " + Quantities.formatDuration(idle) + " is shorter than the dead rule of --heartbeat "
            + Quantities.formatDuration(heartbeat) + " (" + Quantities.formatDuration(dead) + "): it would reap live"
            + " connections. Fix: ";
        if (seconds(dead) > KERNEL_MAX_SECONDS) {
            return why + "--keepalive 0 (off): the kernel's longest keepalive idle (" + KERNEL_MAX_SECONDS
                + "s) is shorter than that rule";
        }
        return why + "--keepalive auto (sized from --heartbeat: "
            + Quantities.formatDuration(auto(heartbeat, Duration.ZERO, 0).idle()) + ") or at least "
            + Quantities.formatDuration(floor);
    }

    boolean on() {
        return !idle.isZero();
    }

    /** How long a vanished peer stays counted as open at most (one idle period, then every probe unanswered). */
    Duration reapedWithin() {
        return idle.plus(interval.multipliedBy(probes));
    }

    void apply(ServerBootstrap bootstrap, TransportKind transport) {
        if (!on()) {
            return;
        }
        int idleSeconds = seconds(idle);
        int intervalSeconds = seconds(interval);
        bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
        switch (transport) {
            case EPOLL -> bootstrap.childOption(EpollChannelOption.TCP_KEEPIDLE, idleSeconds)
                .childOption(EpollChannelOption.TCP_KEEPINTVL, intervalSeconds)
                .childOption(EpollChannelOption.TCP_KEEPCNT, probes);
            case IO_URING -> bootstrap.childOption(IoUringChannelOption.TCP_KEEPIDLE, idleSeconds)
                .childOption(IoUringChannelOption.TCP_KEEPINTVL, intervalSeconds)
                .childOption(IoUringChannelOption.TCP_KEEPCNT, probes);
            default -> bootstrap.childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), probes);
        }
    }

    /** The kernel counts keepalive in whole seconds, at least 1. */
    private static int seconds(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
    }

    /** The setting in a few words, as the summary's {@code keepalive.text}: "10m idle, 10 probes 1m apart" or "off". */
    String setting() {
        if (!on()) {
            return "off";
        }
        return Quantities.formatDuration(idle) + " idle, " + probes + " probes " + Quantities.formatDuration(interval)
            + " apart";
    }

    /** The startup log line's part. */
    String describe() {
        if (!on()) {
            return limit == null ? "keepalive off" : "keepalive off (--keepalive auto): " + limit;
        }
        return "keepalive after " + Quantities.formatDuration(idle) + " idle" + (limit == null ? "" : " (" + limit + ")")
            + ", " + probes + " probes " + Quantities.formatDuration(interval) + " apart (a vanished peer is reaped"
            + " within " + Quantities.formatDuration(reapedWithin()) + "), " + origin();
    }

    private String origin() {
        return switch (sizedFrom) {
            case EXPLICIT -> "as --keepalive says";
            case MINIMUM -> "the rules' minimum (no --heartbeat to size it from)";
            default -> "sized from the clients' " + sizedFrom;
        };
    }

    /** The summary's {@code keepalive} object (docs/interfaces.md); seconds are whole, as the kernel counts them. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("idle_seconds", on() ? seconds(idle) : 0);
        m.put("interval_seconds", on() ? seconds(interval) : 0);
        m.put("probes", probes);
        m.put("reaped_within_seconds", on() ? seconds(idle) + (long) probes * seconds(interval) : 0);
        m.put("sized_from", sizedFrom);
        m.put("text", setting());
        return m;
    }
}
