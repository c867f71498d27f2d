package lab.c1m.common.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed-size read allocator whose read bookkeeping is shared by all channels of an event loop instead of
 * built per channel at its first read ({@code FixedRecvByteBufAllocator$HandleImpl} and its supplier, 72 bytes
 * a connection).
 *
 * <p>Why sharing is safe (Netty 4.2 epoll): a channel uses its handle only inside one read loop,
 * {@code EpollStreamUnsafe.epollInReady}: {@code reset(config)}, then allocate / lastBytesRead / incMessagesRead /
 * continueReading, then {@code readComplete()}, all on the channel's event loop, and nothing carries over from
 * one loop to the next (reset clears the counts; attempted and last bytes are written before they are read).
 * Read loops on one thread never nest: they start only from the loop's epoll events, one channel at a time;
 * {@code read()} or auto-read from a handler only sets EPOLLIN. What is per channel (EPOLLRDHUP seen) lives in
 * Netty's epoll wrapper around this handle, which stays per channel.
 *
 * <p>{@code newHandle()} returns one stateless handle that forwards each call to the calling thread's own
 * handle, so it does not matter on which thread Netty asks for it. The last channel read keeps its config
 * referenced from its thread's handle until the next read there.
 */
public final class SharedReadHandles implements MaxMessagesRecvByteBufAllocator {
    private final FixedRecvByteBufAllocator fixed;
    private final AtomicInteger threadHandles = new AtomicInteger();
    private final FastThreadLocal<ExtendedHandle> perThread = new FastThreadLocal<>() {
        @Override
        protected ExtendedHandle initialValue() {
            threadHandles.incrementAndGet();
            return (ExtendedHandle) fixed.newHandle();
        }
    };
    private final ExtendedHandle forwarder = new Forwarder();

    public SharedReadHandles(int bufferBytes) {
        this.fixed = new FixedRecvByteBufAllocator(bufferBytes);
    }

    @Override
    public Handle newHandle() {
        return forwarder;
    }

    @Override
    public int maxMessagesPerRead() {
        return fixed.maxMessagesPerRead();
    }

    @Override
    public SharedReadHandles maxMessagesPerRead(int maxMessagesPerRead) {
        fixed.maxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    /** Handles built so far: one per thread that read, however many channels it serves. */
    public int threadHandles() {
        return threadHandles.get();
    }

    private final class Forwarder implements ExtendedHandle {
        private ExtendedHandle current() {
            return perThread.get();
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return current().allocate(alloc);
        }

        @Override
        @SuppressWarnings("deprecation")
        public int guess() {
            return current().guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            current().reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            current().incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            current().lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return current().lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            current().attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return current().attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return current().continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return current().continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            current().readComplete();
        }
    }
}
