package lab.c1m.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import lab.c1m.common.failure.ConnectionErrors;
import lab.c1m.common.netty.SharedAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler every client connection shares: counts closes (a close the client did not start is a
 * lost connection) and matches heartbeat echoes to their connection by the slot in the frame. It runs on
 * the channel's own loop, the one that owns the slot (see {@link LoopSlots}).
 */
@Sharable
final class ClientHandler extends ChannelInboundHandlerAdapter implements Wire.HeartbeatSink {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);

    private final ClientStats stats;
    private final ConnectionTable table;
    private final BooleanSupplier closingByUs;
    /** Null when addresses are not shared (not epoll, or Netty's fields moved). */
    private final SharedAddresses addresses;
    /** What the connections speak: where the echoes are in what they read. */
    private final Wire wire;
    /** Bytes of a frame split across reads: rare on an idle connection, so a map beats a buffer per connection. */
    private final Map<Channel, ByteBuf> partialFrames = new ConcurrentHashMap<>();
    private final AtomicBoolean garbageLogged = new AtomicBoolean();
    /** Told of each connection the peer closed, on the channel's loop (--reconnect); null: nobody. */
    private volatile Consumer<Channel> onLost;

    ClientHandler(ClientStats stats, ConnectionTable table, BooleanSupplier closingByUs, SharedAddresses addresses) {
        this(stats, table, closingByUs, addresses, RawWire.INSTANCE);
    }

    ClientHandler(ClientStats stats, ConnectionTable table, BooleanSupplier closingByUs, SharedAddresses addresses, Wire wire) {
        this.wire = wire;
        this.stats = stats;
        this.table = table;
        this.closingByUs = closingByUs;
        this.addresses = addresses;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (addresses != null) {
            addresses.share(ctx.channel());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        wire.closed(ctx.channel());
        ByteBuf partial = partialFrames.remove(ctx.channel());
        if (partial != null) {
            partial.release();
        }
        boolean lost = !closingByUs.getAsBoolean();
        stats.closed(lost);
        Consumer<Channel> told = onLost;
        if (lost && told != null) {
            told.accept(ctx.channel());
        }
    }

    /** Who re-opens connections the peer closed. */
    void onLost(Consumer<Channel> whoReconnects) {
        onLost = whoReconnects;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf in) {
            wire.read(ctx, in, this);
        }
    }

    /** Matches each whole heartbeat frame in {@code in} to its slot; keeps a split frame's start for the next read. */
    @Override
    public void echoes(ChannelHandlerContext ctx, ByteBuf in) {
        ByteBuf data = in;
        ByteBuf partial = partialFrames.remove(ctx.channel());
        if (partial != null) {
            data = partial.writeBytes(in);
            in.release();
        }
        try {
            long now = System.nanoTime();
            while (data.readableBytes() >= HeartbeatFrame.SIZE) {
                int slot = HeartbeatFrame.readSlot(data);
                long dueNanos = data.readLong();
                long writtenNanos = data.readLong();
                ConnectionTable.Echo echo = slot < 0 ? ConnectionTable.Echo.IGNORED : table.echoed(slot);
                if (echo == ConnectionTable.Echo.IGNORED) {
                    garbage(ctx);
                    data.skipBytes(data.readableBytes());
                    break;
                }
                if (echo == ConnectionTable.Echo.RECOVERED) {
                    stats.recovered();
                }
                stats.heartbeatReceived((now - writtenNanos) / 1_000, (now - dueNanos) / 1_000);
            }
            if (data.isReadable()) {
                partialFrames.put(ctx.channel(), ctx.alloc().buffer(HeartbeatFrame.SIZE).writeBytes(data));
            }
        } finally {
            data.release();
        }
    }

    private void garbage(ChannelHandlerContext ctx) {
        if (garbageLogged.compareAndSet(false, true)) {
            LOG.warn("{} received bytes that are not a heartbeat echo: is --server an echo server? (logged once)",
                SharedAddresses.describe(ctx.channel()));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.close(ctx, cause, LOG);
    }
}
