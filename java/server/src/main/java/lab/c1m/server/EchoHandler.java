package lab.c1m.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import lab.c1m.common.failure.ConnectionErrors;
import lab.c1m.common.netty.SharedAddresses;
import lab.c1m.common.record.ProgressLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Echoes every byte and counts connections. One instance per listening port serves all of that port's
 * connections: it holds no per-connection state, so an idle connection costs the channel and nothing more.
 * Not final: {@link WebSocketEchoHandler} counts the same way and reads frames instead of bytes.
 */
@Sharable
class EchoHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(EchoHandler.class);

    private final int portIndex;
    final ServerStats stats;
    private final ProgressLog progress;
    private final SharedAddresses addresses;

    EchoHandler(int portIndex, ServerStats stats, ProgressLog progress, SharedAddresses addresses) {
        this.portIndex = portIndex;
        this.stats = stats;
        this.progress = progress;
        this.addresses = addresses;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (addresses != null) {
            addresses.share(ctx.channel());
        }
        long total = stats.opened(portIndex);
        progress.reached(total, stats.open());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stats.closed(portIndex);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            stats.echoed(buf.readableBytes());
        }
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /** A peer that sends faster than it reads is paused instead of growing the server's buffers. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The kernel gave up on a peer that vanished without a FIN or a reset: this close reaps it.
        if (VanishedPeer.closed(cause)) {
            stats.reaped();
        }
        ConnectionErrors.close(ctx, cause, LOG);
    }
}
