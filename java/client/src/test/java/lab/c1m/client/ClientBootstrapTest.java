package lab.c1m.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.netty.CompactChannelIds;
import lab.c1m.common.netty.SharedReadHandles;
import lab.c1m.common.netty.Transport;
import lab.c1m.common.netty.TransportKind;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.RecordingEcho;
import org.junit.jupiter.api.Test;

/** The client's channels as LoadClient builds them: compact ids, one read handle per loop, echoes intact. */
class ClientBootstrapTest {

    @Test
    void channelsGetCompactIdsAndShareTheLoopsReadHandle() throws Exception {
        Transport epoll = Transport.select(TransportKind.EPOLL);
        assertEquals(TransportKind.EPOLL, epoll.kind());
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup clientGroup = epoll.newGroup(1);
        // Received bytes by channel: a hashed map, filled only after the ids were swapped.
        Map<Channel, ByteArrayOutputStream> received = new ConcurrentHashMap<>();
        try {
            Channel listener = new ServerBootstrap().group(serverGroup).channel(EpollServerSocketChannel.class)
                .childHandler(new RecordingEcho()).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            var bootstrap = LoadClient.bootstrap(epoll, clientGroup).handler(new Collect(received));
            List<Channel> channels = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                channels.add(bootstrap.connect("127.0.0.1", port).sync().channel());
                assertEquals(Boolean.TRUE, channels.get(i).config().getOption(io.netty.channel.ChannelOption.TCP_NODELAY),
                    "heartbeats are never held back by Nagle (Netty's default, not set again)");
                byte[] bytes = new byte[4000];
                new Random(i).nextBytes(bytes);
                sent.add(bytes);
            }
            for (int i = 0; i < channels.size(); i++) {
                channels.get(i).writeAndFlush(Unpooled.wrappedBuffer(sent.get(i)));
            }
            Eventually.holds(10, () -> channels.stream().allMatch(ch -> received.containsKey(ch)
                && received.get(ch).size() == 4000), () -> received.size() + " channels got bytes back");
            SharedReadHandles reads = (SharedReadHandles) channels.get(0).config().getRecvByteBufAllocator();
            for (int i = 0; i < channels.size(); i++) {
                Channel ch = channels.get(i);
                assertInstanceOf(CompactChannelIds.Id.class, ch.id());
                assertEquals(reads, ch.config().getRecvByteBufAllocator());
                assertArrayEquals(sent.get(i), received.get(ch).toByteArray(), "channel " + i + " got its own bytes");
            }
            assertEquals(1, reads.threadHandles(), "20 channels on one loop, one handle");
            for (Channel ch : channels) {
                ch.close().sync();
            }
            listener.close().sync();
        } finally {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }


    @Sharable
    private static final class Collect extends ChannelInboundHandlerAdapter {
        private final Map<Channel, ByteArrayOutputStream> received;

        Collect(Map<Channel, ByteArrayOutputStream> received) {
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received.computeIfAbsent(ctx.channel(), c -> new ByteArrayOutputStream()).writeBytes(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }
    }
}
