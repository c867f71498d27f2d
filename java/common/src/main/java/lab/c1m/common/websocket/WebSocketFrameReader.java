package lab.c1m.common.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads RFC 6455 frames out of a connection's bytes for a handler every connection shares: no decoder object
 * per connection, where Netty's WebSocket decoder keeps one (with its own buffer) for each. Bytes of a frame
 * split across reads wait in a map keyed by channel, rare on an idle connection; a frame longer than
 * {@code maxPayload} is not gathered but skipped as it streams past (its remaining length in a second map).
 * Fragmented frames come out one fragment at a time: the callers want whole small frames and drop the rest.
 */
public final class WebSocketFrameReader {
    /** What a connection's frames are handed to, one at a time, in order. */
    public interface Frames {
        /**
         * One frame: its opcode, whether it is a message's last fragment, its payload unmasked. The payload is
         * valid during the call only (retain a slice to keep it).
         */
        void frame(ChannelHandlerContext ctx, int opcode, boolean fin, ByteBuf payload);

        /** The peer sent bytes that are not a frame (a length past 2^63): the connection is closed after this. */
        void malformed(ChannelHandlerContext ctx, String why);
    }

    private final int maxPayload;
    private final Map<Channel, ByteBuf> partial = new ConcurrentHashMap<>();
    private final Map<Channel, long[]> skipping = new ConcurrentHashMap<>();

    public WebSocketFrameReader(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** Hands every whole frame of {@code in} (after what the channel's last read left) to {@code out}; releases {@code in}. */
    public void read(ChannelHandlerContext ctx, ByteBuf in, Frames out) {
        Channel ch = ctx.channel();
        long[] skip = skipping.get(ch);
        if (skip != null) {
            int n = (int) Math.min(skip[0], in.readableBytes());
            in.skipBytes(n);
            skip[0] -= n;
            if (skip[0] > 0) {
                in.release();
                return;
            }
            skipping.remove(ch);
        }
        ByteBuf data = in;
        ByteBuf held = partial.remove(ch);
        if (held != null) {
            data = held.writeBytes(in);
            in.release();
        }
        try {
            while (data.readableBytes() >= 2 && ch.isActive()) {
                int start = data.readerIndex();
                int first = data.getUnsignedByte(start);
                int second = data.getUnsignedByte(start + 1);
                boolean masked = (second & 0x80) != 0;
                int length7 = second & 0x7F;
                int header = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
                if (data.readableBytes() < header) {
                    break;
                }
                long length = length7 == 126 ? data.getUnsignedShort(start + 2) : length7 == 127 ? data.getLong(start + 2) : length7;
                if (length < 0) {
                    out.malformed(ctx, "a frame length past 2^63");
                    ctx.close();
                    data.skipBytes(data.readableBytes());
                    break;
                }
                if (length > maxPayload) {
                    data.skipBytes(header);
                    long here = Math.min(length, data.readableBytes());
                    data.skipBytes((int) here);
                    if (length > here) {
                        skipping.put(ch, new long[] {length - here});
                    }
                    continue;
                }
                if (data.readableBytes() < header + length) {
                    break;
                }
                ByteBuf payload = data.slice(start + header, (int) length);
                if (masked) {
                    WebSocketFrames.mask(payload, 0, (int) length, data.getInt(start + header - 4));
                }
                data.readerIndex(start + header + (int) length);
                out.frame(ctx, first & 0x0F, (first & 0x80) != 0, payload);
            }
            if (data.isReadable() && ch.isActive()) {
                partial.put(ch, ctx.alloc().buffer(data.readableBytes()).writeBytes(data));
            }
        } finally {
            data.release();
        }
    }

    /** Forgets the channel's waiting bytes; call when it closes. */
    public void closed(Channel ch) {
        ByteBuf held = partial.remove(ch);
        if (held != null) {
            held.release();
        }
        skipping.remove(ch);
    }
}
