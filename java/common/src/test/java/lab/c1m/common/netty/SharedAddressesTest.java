package lab.c1m.common.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.testing.Eventually;
import org.junit.jupiter.api.Test;

/**
 * On real epoll channels: each side keeps one shared object for the address with few values (the server's
 * port) and none for the one that differs per connection, which the socket itself still knows.
 */
class SharedAddressesTest {
    /** Shares the addresses of each channel that becomes active, as the lab's handlers do, and keeps it. */
    @Sharable
    private static final class Sharing extends ChannelInboundHandlerAdapter {
        private final SharedAddresses addresses;
        private final Queue<Channel> active = new ConcurrentLinkedQueue<>();

        Sharing(SharedAddresses addresses) {
            this.addresses = addresses;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            addresses.share(ctx.channel());
            active.add(ctx.channel());
        }
    }

    @Test
    void theServersPortIsOneObjectAndThePerConnectionAddressIsDropped() throws Exception {
        assertTrue(SharedAddresses.available(), "Netty's cached address fields are where the lab expects them");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            Sharing server = new Sharing(SharedAddresses.forServer());
            Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(server).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            Sharing client = new Sharing(SharedAddresses.forClient());
            Bootstrap bootstrap = new Bootstrap().group(group).channel(EpollSocketChannel.class).handler(client);
            List<Channel> connected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                connected.add(bootstrap.connect("127.0.0.1", port).sync().channel());
            }
            Eventually.holds(10, () -> server.active.size() == 20 && client.active.size() == 20,
                () -> server.active.size() + " accepted, " + client.active.size() + " connected");

            Channel firstAccepted = server.active.peek();
            for (Channel accepted : server.active) {
                assertSame(firstAccepted.localAddress(), accepted.localAddress(), "one object for the listening port");
                assertEquals(port, ((InetSocketAddress) accepted.localAddress()).getPort());
                assertNull(accepted.remoteAddress(), "the client's address is not kept per connection");
                assertNotNull(((Socket) ((EpollSocketChannel) accepted).fd()).remoteAddress(), "the socket still knows its peer");
            }
            Channel firstConnected = client.active.peek();
            for (Channel ch : client.active) {
                assertSame(firstConnected.remoteAddress(), ch.remoteAddress(), "one object for the server's port");
                assertNull(ch.localAddress(), "the client's own port is not kept per connection");
                String described = SharedAddresses.describe(ch);
                assertTrue(described.matches("\\[id: 0x[0-9a-f]+, L:/127\\.0\\.0\\.1:\\d+ - R:/127\\.0\\.0\\.1:" + port + "]"),
                    "a log line still names both ends: " + described);
            }
            for (Channel ch : connected) {
                ch.close().sync();
            }
            Eventually.holds(10, () -> server.active.stream().noneMatch(Channel::isActive), () -> "accepted still open");
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
