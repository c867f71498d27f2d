package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import java.net.InetSocketAddress;
import lab.c1m.common.cli.WireProtocol;

/** --protocol raw, the lab's own: a connection is ready once TCP is, and the server echoes the 24-byte frames as they are. */
final class RawWire implements Wire {
    static final RawWire INSTANCE = new RawWire();

    private RawWire() {
    }

    @Override
    public WireProtocol protocol() {
        return WireProtocol.RAW;
    }

    @Override
    public ChannelFuture open(Bootstrap bootstrap, InetSocketAddress remote, InetSocketAddress local) {
        return local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
    }

    @Override
    public Throwable timedOut(Channel channel, long timeoutMillis) {
        return new ConnectTimeoutException("connection timed out after " + timeoutMillis + " ms: " + channel);
    }

    @Override
    public ByteBuf heartbeat(ByteBufAllocator alloc, int slot, long dueNanos, long writtenNanos) {
        return HeartbeatFrame.encode(alloc, slot, dueNanos, writtenNanos);
    }

    @Override
    public void read(ChannelHandlerContext ctx, ByteBuf in, HeartbeatSink sink) {
        sink.echoes(ctx, in);
    }

    @Override
    public void closed(Channel channel) {
    }
}
