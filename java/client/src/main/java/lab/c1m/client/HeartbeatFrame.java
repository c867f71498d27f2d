package lab.c1m.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The 24-byte frame a connection sends and the server echoes: a magic number, the connection's slot,
 * when the schedule wanted it sent (due) and when it was written. Carrying both times lets the echo be
 * timed from either (the due time counts the client's own lag: coordinated omission), and carrying the
 * slot lets one shared handler match every echo to its connection without any per-connection object.
 */
final class HeartbeatFrame {
    static final int SIZE = 24;
    static final int MAGIC = 0xC1A0BEA7;

    private HeartbeatFrame() {
    }

    static ByteBuf encode(ByteBufAllocator alloc, int slot, long dueNanos, long writtenNanos) {
        return write(alloc.buffer(SIZE, SIZE), slot, dueNanos, writtenNanos);
    }

    /** Writes the frame's 24 bytes into {@code out} (a WebSocket frame's payload, for one). */
    static ByteBuf write(ByteBuf out, int slot, long dueNanos, long writtenNanos) {
        return out.writeInt(MAGIC).writeInt(slot).writeLong(dueNanos).writeLong(writtenNanos);
    }

    /**
     * Reads the slot of one frame from {@code in}, leaving the due and written times to read next; returns -1
     * (with the rest of the frame skipped) when the bytes are not a heartbeat frame.
     */
    static int readSlot(ByteBuf in) {
        return in.readInt() == MAGIC ? in.readInt() : skipRest(in);
    }

    private static int skipRest(ByteBuf in) {
        in.skipBytes(SIZE - Integer.BYTES);
        return -1;
    }
}
