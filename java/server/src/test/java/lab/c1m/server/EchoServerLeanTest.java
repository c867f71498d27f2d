package lab.c1m.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.netty.CompactChannelIds;
import lab.c1m.common.netty.SharedReadHandles;
import lab.c1m.common.netty.Transport;
import lab.c1m.common.netty.TransportKind;
import lab.c1m.common.notation.PortList;
import lab.c1m.common.record.ProgressLog;
import lab.c1m.common.testing.Eventually;
import lab.c1m.common.testing.RecordingEcho;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the server's bootstrap gives an accepted connection, with --lean (the default) and --no-lean. */
class EchoServerLeanTest {

    @Test
    void leanGivesAcceptedChannelsACompactIdAndTheSharedReadHandle() throws Exception {
        for (Channel ch : accept(true, 10)) {
            assertInstanceOf(CompactChannelIds.Id.class, ch.id());
            assertInstanceOf(SharedReadHandles.class, ch.config().getRecvByteBufAllocator());
        }
    }

    @Test
    void noLeanKeepsNettysIdAndAHandlePerChannel() throws Exception {
        for (Channel ch : accept(false, 10)) {
            assertInstanceOf(DefaultChannelId.class, ch.id());
            assertInstanceOf(FixedRecvByteBufAllocator.class, ch.config().getRecvByteBufAllocator());
        }
    }

    /** Binds EchoServer's bootstrap with a recording echo handler, connects, echoes a byte on each connection. */
    private static List<Channel> accept(boolean lean, int connections) throws Exception {
        Transport epoll = Transport.select(TransportKind.EPOLL);
        assertEquals(TransportKind.EPOLL, epoll.kind());
        PortList ports = PortList.parse("1");
        EchoServer server = new EchoServer(epoll, "127.0.0.1", ports, 128, 1, new ServerStats(ports),
            new ProgressLog(LoggerFactory.getLogger("progress"), "Accepted", 0), lean,
            Keepalive.auto(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60), 10));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Queue<Channel> accepted = new ConcurrentLinkedQueue<>();
        try {
            Channel listener = server.bootstrap(group, group).childHandler(new RecordingEcho(accepted))
                .bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(i);
                assertEquals(i, s.getInputStream().read());
                sockets.add(s);
            }
            Eventually.holds(10, () -> accepted.size() == connections, () -> accepted.size() + " accepted");
            for (Socket s : sockets) {
                s.close();
            }
            listener.close().sync();
            return new ArrayList<>(accepted);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
