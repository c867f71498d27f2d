package lab.c1m.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The 16-byte frame a connection sends and the server echoes: a magic number, the connection's slot
 * and the send time. Carrying the slot and the time in the frame lets one shared handler match every
 * echo to its connection without any per-connection object.
 */
final class HeartbeatFrame {
    static final int SIZE = 16;
    static final int MAGIC = 0xC1A0BEA7;

    private HeartbeatFrame() {
    }

    static ByteBuf encode(ByteBufAllocator alloc, int slot, long sentNanos) {
        return alloc.buffer(SIZE, SIZE).writeInt(MAGIC).writeInt(slot).writeLong(sentNanos);
    }

    /** Reads one frame from {@code in}; returns the slot, or -1 when the bytes are not a heartbeat frame. */
    static int readSlot(ByteBuf in) {
        return in.readInt() == MAGIC ? in.readInt() : skipRest(in);
    }

    private static int skipRest(ByteBuf in) {
        in.skipBytes(SIZE - Integer.BYTES);
        return -1;
    }
}
