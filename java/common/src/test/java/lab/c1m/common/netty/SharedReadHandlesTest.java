package lab.c1m.common.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.testing.RecordingEcho;
import org.junit.jupiter.api.Test;

/** Echo over real epoll sockets while every channel of a loop reads through that loop's one handle. */
class SharedReadHandlesTest {

    @Test
    void oneLoopEchoesManyConcurrentSendersIntactThroughOneHandle() throws Exception {
        // 64-byte reads, 16 per loop: each 20 KB message takes ~20 read loops, interleaved with the other channels'.
        SharedReadHandles reads = new SharedReadHandles(64);
        Queue<Channel> accepted = new ConcurrentLinkedQueue<>();
        echoAll(reads, 1, 40, 20_000, accepted);
        assertEquals(1, reads.threadHandles(), "40 channels on one loop, one handle");
        for (Channel ch : accepted) {
            assertSame(reads, ch.config().getRecvByteBufAllocator());
        }
    }

    @Test
    void eachLoopThreadHasItsOwnHandle() throws Exception {
        SharedReadHandles reads = new SharedReadHandles(128);
        echoAll(reads, 2, 20, 5_000, new ConcurrentLinkedQueue<>());
        assertEquals(2, reads.threadHandles(), "channels spread over two loops: a handle on each");
    }

    /** Connects plain sockets that all send at once, each its own random bytes, and checks each gets its own back. */
    private static void echoAll(SharedReadHandles reads, int loops, int connections, int bytes, Queue<Channel> accepted)
        throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        try {
            Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, reads)
                .childHandler(new RecordingEcho(accepted))
                .bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(20_000);
                sockets.add(s);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Socket s = sockets.get(i);
                byte[] sent = new byte[bytes];
                new Random(i).nextBytes(sent);
                results.add(senders.submit(() -> {
                    go.await();
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    // In chunks, so the peers' bytes arrive at the loop at the same time.
                    for (int off = 0; off < sent.length; off += 1000) {
                        out.write(sent, off, Math.min(1000, sent.length - off));
                    }
                    assertArrayEquals(sent, in.readNBytes(sent.length), "connection's own bytes, in order");
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> r : results) {
                r.get(30, TimeUnit.SECONDS);
            }
            for (Socket s : sockets) {
                s.close();
            }
            listener.close().sync();
        } finally {
            senders.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
