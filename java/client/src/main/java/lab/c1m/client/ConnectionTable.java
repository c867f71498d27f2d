package lab.c1m.client;

import io.netty.channel.Channel;
import java.util.BitSet;

/**
 * The client's connections by slot, plus the time of each one's last heartbeat echo: two flat arrays,
 * 8 bytes a connection, instead of an object or timer per connection.
 */
final class ConnectionTable {
    /** Time unit of lastEcho: 100 ms, so an int covers years and a comparison is one subtraction. */
    static final long TICK_NANOS = 100_000_000L;

    private final Channel[] channels;
    private final int[] lastEchoTick;
    private final BitSet dead;
    private final long originNanos;

    ConnectionTable(int size, long originNanos) {
        this.channels = new Channel[size];
        this.lastEchoTick = new int[size];
        this.dead = new BitSet(size);
        this.originNanos = originNanos;
    }

    int size() {
        return channels.length;
    }

    int tick(long nowNanos) {
        return (int) ((nowNanos - originNanos) / TICK_NANOS);
    }

    void put(int slot, Channel channel, long nowNanos) {
        lastEchoTick[slot] = tick(nowNanos);
        channels[slot] = channel;
    }

    Channel get(int slot) {
        return channels[slot];
    }

    void clear(int slot) {
        channels[slot] = null;
    }

    /** Records an echo; slots outside the table (a corrupt frame) are ignored. */
    boolean echoed(int slot, long nowNanos) {
        if (slot < 0 || slot >= lastEchoTick.length) {
            return false;
        }
        lastEchoTick[slot] = tick(nowNanos);
        return true;
    }

    int ticksSinceEcho(int slot, long nowNanos) {
        return tick(nowNanos) - lastEchoTick[slot];
    }

    boolean isDead(int slot) {
        return dead.get(slot);
    }

    void markAlive(int slot) {
        dead.clear(slot);
    }

    /** Marks the slot dead; true only the first time, so each dead connection is counted once. Sweeper thread only. */
    boolean markDead(int slot) {
        if (dead.get(slot)) {
            return false;
        }
        dead.set(slot);
        return true;
    }
}
