package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;
import lab.c1m.common.testing.Eventually;
import org.junit.jupiter.api.Test;

/** Each loop beats its own connections, on its own thread, once an interval each; a silent server makes them dead. */
class LoopHeartbeatsTest {
    private static final int LOOPS = 3;
    private static final int CONNECTIONS = 60;

    /** Records, for each heartbeat written, whether it was written straight from the loop's own pass. */
    @Sharable
    private static final class WriteCheck extends ChannelOutboundHandlerAdapter {
        final AtomicLongArray perSlot = new AtomicLongArray(CONNECTIONS);
        final Queue<String> wrong = new ConcurrentLinkedQueue<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf frame = (ByteBuf) msg;
            perSlot.incrementAndGet(frame.getInt(4));
            // A frame handed off from another thread runs from Netty's write task, not from the pass.
            boolean fromPass = false;
            for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
                fromPass |= e.getClassName().equals(LoopHeartbeats.class.getName()) && e.getMethodName().equals("pass");
            }
            if (!fromPass || !ctx.channel().eventLoop().inEventLoop()) {
                wrong.add(ctx.channel() + " on " + Thread.currentThread().getName());
            }
            ctx.write(msg, promise);
        }
    }

    /** Echoes, or, once {@code silent} is set, reads and drops: a server that stopped answering. */
    @Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        final AtomicBoolean silent = new AtomicBoolean();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (silent.get()) {
                ((ByteBuf) msg).release();
            } else {
                ctx.writeAndFlush(msg, ctx.voidPromise());
            }
        }
    }

    @Test
    void eachLoopWritesItsOwnSlotsOnceAnIntervalAndASilentServerMakesThemDead() throws Exception {
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(LOOPS, NioIoHandler.newFactory());
        Echo echo = new Echo();
        WriteCheck check = new WriteCheck();
        ClientStats stats = new ClientStats();
        ConnectionTable table = new ConnectionTable(CONNECTIONS, System.nanoTime());
        List<LoopHeartbeats> beats = new ArrayList<>();
        try {
            Channel listener = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
                .childHandler(echo).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            List<EventLoop> loops = new ArrayList<>();
            group.forEach(e -> loops.add((EventLoop) e));
            Bootstrap bootstrap = new Bootstrap().channel(NioSocketChannel.class).handler(new io.netty.channel.ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(check, new ClientHandler(stats, table, () -> false, null));
                }
            });
            Duration interval = Duration.ofMillis(200);
            long origin = System.nanoTime();
            for (int i = 0; i < LOOPS; i++) {
                EventLoop loop = loops.get(i);
                LoopSlots slots = LoopSlots.of(i, LOOPS, CONNECTIONS);
                for (int k = 0; k < slots.count(); k++) {
                    int slot = slots.slot(k);
                    Channel ch = bootstrap.clone(loop).connect("127.0.0.1", port).sync().channel();
                    loop.submit(() -> table.put(slot, ch)).sync();
                }
                beats.add(new LoopHeartbeats(loop, slots, table, stats, interval, origin, new BehindWarning(CONNECTIONS,
                    interval, LOOPS, stats.firstFailures()), new AtomicBoolean(), true));
            }
            beats.forEach(LoopHeartbeats::start);
            // Every slot beats again and again, and never more than once an interval: no slot has more
            // writes than beats fell due since the schedule's origin (read after the counts, so a beat
            // written meanwhile cannot make a correct slot look ahead). Bounded by the clock, not a sleep,
            // so a busy machine makes the test slower, not red.
            Eventually.holds(20, () -> IntStream.range(0, CONNECTIONS).allMatch(s -> check.perSlot.get(s) >= 10),
                () -> "fewest writes of a slot: " + IntStream.range(0, CONNECTIONS)
                    .mapToLong(check.perSlot::get).min().orElse(0));
            long[] sent = IntStream.range(0, CONNECTIONS).mapToLong(check.perSlot::get).toArray();
            long due = (System.nanoTime() - origin) / interval.toNanos() + 1;
            assertTrue(check.wrong.isEmpty(), "written off the owning loop's pass: " + check.wrong);
            for (int slot = 0; slot < CONNECTIONS; slot++) {
                assertTrue(sent[slot] <= due, "slot " + slot + " sent " + sent[slot] + " where at most " + due
                    + " fell due at one every 200 ms");
            }
            Eventually.holds(5, () -> stats.heartbeatsReceived() >= stats.heartbeatsSent() - CONNECTIONS,
                () -> stats.heartbeatsReceived() + " of " + stats.heartbeatsSent());
            assertEquals(0, stats.dead());
            // A machine busy enough to delay an echo past the dead rule counts a stall and its recovery
            // before the silence: the silence's own are counted from here.
            long stallsBefore = stats.stalls();
            long recoveredBefore = stats.recoveredTotal();

            echo.silent.set(true);
            // Dead within the 3 intervals after a written beat, plus the interval until the next visit.
            Eventually.holds(5, () -> stats.dead() == CONNECTIONS, () -> "dead " + stats.dead());
            assertEquals(CONNECTIONS, stats.stalls() - stallsBefore);
            echo.silent.set(false);
            Eventually.holds(5, () -> stats.dead() == 0, () -> "dead " + stats.dead());
            assertEquals(CONNECTIONS, stats.recoveredTotal() - recoveredBefore, "every one answered again");
        } finally {
            beats.forEach(LoopHeartbeats::stop);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
