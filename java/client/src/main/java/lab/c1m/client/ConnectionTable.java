package lab.c1m.client;

import io.netty.channel.Channel;

/**
 * The client's connections by slot, and each one's heartbeat state: two flat arrays, 8 bytes a
 * connection (4 without heartbeats, which need no state), instead of an object or timer per connection.
 * A slot is read and written only by the event loop that owns it (see {@link LoopSlots}), so plain
 * arrays need no barrier.
 *
 * <p>A slot's state holds whether it is counted dead (the top bit) and the tick of its oldest heartbeat
 * written and not yet answered (0: none waiting). So "silent" is measured from a heartbeat that was
 * actually written: one the client was too busy to send never counts against the server. Without
 * heartbeats every state stays 0, so the table keeps no array for them and reads them as 0.
 */
final class ConnectionTable {
    /** Time unit of the state: 10 ms, so 31 bits cover 248 days and a comparison is one subtraction. */
    static final long TICK_NANOS = 10_000_000L;
    private static final int DEAD = 0x8000_0000;
    private static final int WAITING = 0x7fff_ffff;

    private final Channel[] channels;
    /** Null without heartbeats: nothing writes a state then, and an absent one reads as 0. */
    private final int[] state;
    private final long originNanos;

    /** A table that keeps heartbeat state. */
    ConnectionTable(int size, long originNanos) {
        this(size, originNanos, true);
    }

    /** {@code heartbeats}: false when no heartbeat is ever written (--heartbeat 0), 4 bytes a slot less. */
    ConnectionTable(int size, long originNanos, boolean heartbeats) {
        this.channels = new Channel[size];
        this.state = heartbeats ? new int[size] : null;
        this.originNanos = originNanos;
    }

    int size() {
        return channels.length;
    }

    /** Ticks since the origin, from 1, so that 0 can mean "nothing waiting". */
    int tick(long nowNanos) {
        return (int) ((nowNanos - originNanos) / TICK_NANOS) + 1;
    }

    void put(int slot, Channel channel) {
        if (state != null) {
            state[slot] = 0;
        }
        channels[slot] = channel;
    }

    Channel get(int slot) {
        return channels[slot];
    }

    /** Empties the slot (its connection closed); true when it was counted dead, which it then no longer is. */
    boolean clear(int slot) {
        channels[slot] = null;
        boolean wasDead = isDead(slot);
        if (state != null) {
            state[slot] = 0;
        }
        return wasDead;
    }

    /** A heartbeat was written: starts the silence clock unless an older one is still unanswered. A table with heartbeats only. */
    void written(int slot, int tick) {
        if ((state[slot] & WAITING) == 0) {
            state[slot] |= tick & WAITING;
        }
    }

    /**
     * The server answered: nothing is waiting any more. Returns {@link Echo#IGNORED} for a slot outside the
     * table (a corrupt frame), {@link Echo#RECOVERED} when the slot had been counted dead.
     */
    Echo echoed(int slot) {
        if (slot < 0 || slot >= channels.length) {
            return Echo.IGNORED;
        }
        boolean wasDead = isDead(slot);
        if (state != null) {
            state[slot] = 0;
        }
        return wasDead ? Echo.RECOVERED : Echo.COUNTED;
    }

    enum Echo { COUNTED, RECOVERED, IGNORED }

    /** Ticks since the oldest unanswered heartbeat was written; 0 when none is waiting. */
    int silentTicks(int slot, int tick) {
        int since = state == null ? 0 : state[slot] & WAITING;
        return since == 0 ? 0 : tick - since;
    }

    boolean isDead(int slot) {
        return state != null && (state[slot] & DEAD) != 0;
    }

    /** Marks the slot dead; true only the first time, so each dead connection is counted once. A table with heartbeats only. */
    boolean markDead(int slot) {
        if ((state[slot] & DEAD) != 0) {
            return false;
        }
        state[slot] |= DEAD;
        return true;
    }
}
