package lab.c1m.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import lab.c1m.common.netty.TransportKind;
import lab.c1m.common.notation.Quantities;

/**
 * TCP keepalive on the accepted connections, so a peer that vanished without a FIN or a reset (a client VM
 * destroyed, a cable pulled) is found and closed by the kernel with ETIMEDOUT: after {@code idle} without
 * traffic, {@code probes} unanswered probes {@code interval} apart. Child options only: the listening sockets
 * carry no traffic. The keepalive timer lives in the kernel's socket, so it costs no memory per connection;
 * an answered probe costs two small packets a connection every {@code idle} while it is idle.
 */
record Keepalive(Duration idle, Duration interval, int probes) {
    static final Keepalive OFF = new Keepalive(Duration.ZERO, Duration.ZERO, 0);

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

    String describe() {
        if (!on()) {
            return "keepalive off";
        }
        return "keepalive after " + Quantities.formatDuration(idle) + " idle, " + probes + " probes "
            + Quantities.formatDuration(interval) + " apart (a vanished peer is reaped within "
            + Quantities.formatDuration(reapedWithin()) + ")";
    }
}
