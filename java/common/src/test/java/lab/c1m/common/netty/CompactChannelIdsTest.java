package lab.c1m.common.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelId;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.RecordingEcho;
import org.junit.jupiter.api.Test;

/** Compact ids on real epoll channels: accepted ones through the acceptor handler, connected ones through the factory. */
class CompactChannelIdsTest {

    @Test
    void acceptedAndConnectedChannelsGetDistinctCompactIds() throws Exception {
        assertTrue(CompactChannelIds.available(), "JDK 17+ on the classpath can replace the final field");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            Queue<Channel> accepted = new ConcurrentLinkedQueue<>();
            Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .handler(CompactChannelIds.acceptor())
                .childHandler(new RecordingEcho(accepted))
                .bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            Bootstrap client = new Bootstrap().group(group)
                .channelFactory(CompactChannelIds.<EpollSocketChannel>factory(EpollSocketChannel.class))
                .handler(new RecordingEcho());
            List<Channel> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(client.connect("127.0.0.1", port).sync().channel());
            }
            Eventually.holds(10, () -> accepted.size() == 50, () -> accepted.size() + " accepted");
            all.addAll(accepted);

            // The listener was made by Netty alone: the swap, not the Netty version, gives the compact class.
            assertInstanceOf(DefaultChannelId.class, listener.id());
            for (Channel ch : all) {
                assertInstanceOf(CompactChannelIds.Id.class, ch.id(), ch.toString());
                assertTrue(ch.id().asShortText().matches("[0-9a-f]{8}"), ch.id().asShortText());
                assertEquals(ch.id().asShortText(), ch.id().asLongText());
                assertEquals(ch.id().hashCode(), ch.hashCode(), "Channel.hashCode is the new id's");
                assertTrue(ch.toString().contains("0x" + ch.id().asShortText()), ch.toString());
            }
            assertEquals(100, new HashSet<ChannelId>(all.stream().map(Channel::id).toList()).size(), "ids are unique");
            // Ordered by identity hash code: apart unless two share one (a two-in-a-million chance among 100).
            long distinctHashes = all.stream().mapToInt(ch -> ch.id().hashCode()).distinct().count();
            assertEquals(distinctHashes, new TreeSet<ChannelId>(all.stream().map(Channel::id).toList()).size(),
                "and order apart by their hash codes");
            assertEquals(100, new HashSet<>(all).size(), "channels hash and compare apart");
            for (Channel ch : all) {
                ch.close().sync();
            }
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void equalsHashCodeAndCompareToAgree() {
        CompactChannelIds.Id a = new CompactChannelIds.Id();
        CompactChannelIds.Id b = new CompactChannelIds.Id();
        assertEquals(a, a);
        assertNotEquals(a, b, "an id equals only itself");
        assertEquals(System.identityHashCode(a), a.hashCode());
        assertEquals(0, a.compareTo(a));
        if (a.hashCode() != b.hashCode()) {
            assertEquals(Integer.signum(Integer.compare(a.hashCode(), b.hashCode())), Integer.signum(a.compareTo(b)),
                "ordered by the hash code");
            assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)), "antisymmetric");
        }
        String hex = Integer.toHexString(a.hashCode());
        assertEquals("00000000".substring(hex.length()) + hex, a.asShortText(), "the hash code as 8 hex digits");
        assertEquals(a.asShortText(), a.toString());

        ChannelId netty = DefaultChannelId.newInstance();
        assertNotEquals(a, netty);
        assertNotEquals(netty, a);
        assertEquals(Integer.signum(a.compareTo(netty)), -Integer.signum(netty.compareTo(a)), "antisymmetric");
    }

    @Test
    void anIdIsAHeaderAlone() {
        // No instance fields: 8 bytes with compact object headers (JDK 25+), where one int made it 16.
        for (Field field : CompactChannelIds.Id.class.getDeclaredFields()) {
            assertTrue(Modifier.isStatic(field.getModifiers()), field + " would cost 8 bytes a connection with compact headers");
        }
    }
}
