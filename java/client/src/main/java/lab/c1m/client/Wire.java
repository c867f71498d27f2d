package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import lab.c1m.common.cli.WireProtocol;

/**
 * What a connection speaks (--protocol): how it is opened, how a heartbeat is framed and how its echoes are
 * found in what the connection reads. The ramp, the heartbeat schedule and the verdict are the same for
 * every protocol: only these four steps differ.
 */
interface Wire {
    WireProtocol protocol();

    /**
     * Opens a connection to {@code remote} (from {@code local}, or the kernel's choice when null); the future
     * succeeds once the connection is ready for heartbeats. Called on the loop the bootstrap registers on.
     */
    ChannelFuture open(Bootstrap bootstrap, InetSocketAddress remote, InetSocketAddress local);

    /** What a connection still opening after --connect-timeout failed with: its kind names the step that hung. */
    Throwable timedOut(Channel channel, long timeoutMillis);

    /** One heartbeat as the connection writes it, carrying {@link HeartbeatFrame}'s 24 bytes. */
    ByteBuf heartbeat(ByteBufAllocator alloc, int slot, long dueNanos, long writtenNanos);

    /** Hands the heartbeat echoes in {@code in} to {@code sink} and answers what the protocol asks; releases {@code in}. */
    void read(ChannelHandlerContext ctx, ByteBuf in, HeartbeatSink sink);

    /** The connection closed: forget what was kept for it. */
    void closed(Channel channel);

    /** Where echoed heartbeat frames go: the bytes of whole 24-byte frames, which it releases. */
    interface HeartbeatSink {
        void echoes(ChannelHandlerContext ctx, ByteBuf frames);
    }
}
