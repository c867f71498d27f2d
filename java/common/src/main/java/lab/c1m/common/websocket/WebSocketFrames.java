package lab.c1m.common.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writing RFC 6455 frames (5.2) by hand: always whole (FIN set), a client's masked with a fresh key (5.3), a
 * server's unmasked. A few bytes of header written into the frame's own buffer, instead of Netty's frame
 * encoder sitting in every connection's pipeline.
 */
public final class WebSocketFrames {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    /** A control frame's payload is at most this long (5.5). */
    public static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int FIN = 0x80;
    private static final int MASKED = 0x80;

    private WebSocketFrames() {
    }

    /** Bytes of a header for a payload of {@code length}, masked or not. */
    public static int headerSize(int length, boolean masked) {
        return (length < 126 ? 2 : length <= 0xFFFF ? 4 : 10) + (masked ? 4 : 0);
    }

    /**
     * Writes a client frame's header for a payload of {@code length} bytes that the caller writes next, and
     * returns its mask key, which the caller applies with {@link #mask} once the payload is written. The key
     * is the thread's cheap random: RFC 6455 asks it to be unpredictable to a page's script, which a load
     * client has none of.
     */
    public static int writeMaskedHeader(ByteBuf out, int opcode, int length) {
        int key = ThreadLocalRandom.current().nextInt();
        writeLength(out.writeByte(FIN | opcode), length, MASKED);
        out.writeInt(key);
        return key;
    }

    /** XORs {@code length} bytes from {@code index} with the mask key, in place: masks and unmasks alike. */
    public static void mask(ByteBuf buf, int index, int length, int key) {
        for (int i = 0; i < length; i++) {
            buf.setByte(index + i, buf.getByte(index + i) ^ (key >>> (24 - 8 * (i & 3))));
        }
    }

    /** A client frame (masked) carrying {@code payload}'s readable bytes, which it does not release. */
    public static ByteBuf masked(ByteBufAllocator alloc, int opcode, ByteBuf payload) {
        int length = payload.readableBytes();
        ByteBuf frame = alloc.buffer(headerSize(length, true) + length);
        int key = writeMaskedHeader(frame, opcode, length);
        int start = frame.writerIndex();
        frame.writeBytes(payload, payload.readerIndex(), length);
        mask(frame, start, length, key);
        return frame;
    }

    /** A server frame (unmasked) carrying {@code payload}'s readable bytes, which it does not release. */
    public static ByteBuf unmasked(ByteBufAllocator alloc, int opcode, ByteBuf payload) {
        int length = payload.readableBytes();
        ByteBuf frame = alloc.buffer(headerSize(length, false) + length);
        writeLength(frame.writeByte(FIN | opcode), length, 0);
        return frame.writeBytes(payload, payload.readerIndex(), length);
    }

    private static void writeLength(ByteBuf out, int length, int maskBit) {
        if (length < 126) {
            out.writeByte(maskBit | length);
        } else if (length <= 0xFFFF) {
            out.writeByte(maskBit | 126).writeShort(length);
        } else {
            out.writeByte(maskBit | 127).writeLong(length);
        }
    }
}
