package lab.c1m.common.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A test echo handler, shared by all channels, that records each channel as it becomes active. */
@Sharable
public final class RecordingEcho extends ChannelInboundHandlerAdapter {
    private final Queue<Channel> channels;

    public RecordingEcho() {
        this(new ConcurrentLinkedQueue<>());
    }

    public RecordingEcho(Queue<Channel> channels) {
        this.channels = channels;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channels.add(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
