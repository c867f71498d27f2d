package lab.c1m.common.netty;

import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelId;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ReflectiveChannelFactory;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives channels an id with no fields, 8 bytes with compact object headers (16 without), instead of Netty's
 * {@code DefaultChannelId} (a 32-byte object and its 28-byte array, 80 bytes a connection with headers and
 * padding). Netty's id is unique across hosts and restarts; the lab only needs ids that tell channels apart
 * within one process, so the id is told apart by its identity: it equals only itself, and its hash code and
 * its text are its identity hash code. An earlier id held a counter, and that one int cost 8 bytes a
 * connection with compact headers (an 8-byte header plus 4 bytes pads to 16; a header alone is 8).
 *
 * <p>{@code AbstractChannel.id} is private and final and {@code EpollSocketChannel} is final, so {@code newId()}
 * cannot be overridden: the field is replaced by reflection right after the channel is constructed, before
 * registration and before anything hashed it ({@code Channel.hashCode}, {@code equals} and {@code compareTo}
 * go through the id). Where the JDK refuses (final fields made final for good, a security manager) it says so
 * once at WARN and channels keep Netty's id.
 */
public final class CompactChannelIds {
    private static final Logger LOG = LoggerFactory.getLogger(CompactChannelIds.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static volatile Field idField = idField();
    private static final ChannelHandler ACCEPTOR = new Acceptor();

    private CompactChannelIds() {
    }

    /** False once the JDK refused to replace an id (or could not open the field): channels keep Netty's id. */
    public static boolean available() {
        return idField != null;
    }

    /**
     * Replaces the channel's id with a compact one. Call it before the channel is registered or stored in any
     * hashed collection, on the thread that created it. Returns false (and keeps Netty's id) when it cannot.
     */
    public static boolean swap(Channel channel) {
        Field field = idField;
        if (field == null || !(channel instanceof AbstractChannel)) {
            return false;
        }
        try {
            field.set(channel, new Id());
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            idField = null;
            warnOnce(e);
            return false;
        }
    }

    /** A channel factory for a client's {@code Bootstrap}: each new channel gets its compact id at once. */
    public static <C extends Channel> ChannelFactory<C> factory(Class<? extends C> channelClass) {
        ChannelFactory<? extends C> netty = new ReflectiveChannelFactory<>(channelClass);
        return () -> {
            C channel = netty.newChannel();
            swap(channel);
            return channel;
        };
    }

    /**
     * A handler for a server channel's pipeline ({@code ServerBootstrap.handler}): it sees each accepted channel
     * as it leaves {@code accept()}, before Netty's acceptor adds the child handler and registers it.
     */
    public static ChannelHandler acceptor() {
        return ACCEPTOR;
    }

    @Sharable
    private static final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                swap(child);
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static Field idField() {
        try {
            Field f = AbstractChannel.class.getDeclaredField("id");
            if (f.getType() != ChannelId.class) {
                throw new NoSuchFieldException("AbstractChannel.id is a " + f.getType().getName());
            }
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            warnOnce(e);
            return null;
        }
    }

    private static void warnOnce(Exception e) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("Channels keep Netty's own ids (about 64 bytes more heap a connection): cannot replace"
                + " AbstractChannel.id on this JDK ({}: {})", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    /**
     * A channel's id: no fields, so that it is a bare object header (8 bytes with compact object headers).
     * It equals only itself; its hash code is its identity hash code, shown as 8 hex digits. Identity hash
     * codes are 31 bits and not a sequence, so two live ids may show the same digits (a 9% chance of one
     * pair among 20,000 channels, about 230 pairs among a million): they are still different ids, and the
     * log lines that name a connection also give its addresses. Ids are ordered by those digits; the rare pair
     * that shares them compares as equal, and nothing in the lab or in Netty's transports orders channels.
     */
    public static final class Id implements ChannelId {
        private static final long serialVersionUID = 1L;

        Id() {
        }

        private int value() {
            return System.identityHashCode(this);
        }

        @Override
        public String asShortText() {
            String hex = Integer.toHexString(value());
            return "00000000".substring(hex.length()) + hex;
        }

        @Override
        public String asLongText() {
            return asShortText();
        }

        @Override
        public int compareTo(ChannelId o) {
            if (o == this) {
                return 0;
            }
            if (o instanceof Id other) {
                return Integer.compare(value(), other.value());
            }
            return asLongText().compareTo(o.asLongText());
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return value();
        }

        @Override
        public String toString() {
            return asShortText();
        }
    }
}
