package lab.c1m.common.record;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps new sockets from taking the descriptors the reporter frees for its own writes. At the open-files
 * wall a ramp that keeps retrying after EMFILE would grab each descriptor {@link DescriptorReserve} gives
 * back before the reporter could open its summary's temporary file, and the summary would go stale just
 * when the run hits its limit. So openers pass this gate, without ever blocking an event loop: while the
 * reporter writes, they leave their connects for their next turn.
 */
public final class DescriptorGate {
    private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();

    private DescriptorGate() {
    }

    /** An opener (a ramp's burst of connects): true when it may open sockets now, then {@link #leave()}. */
    public static boolean tryEnter() {
        return LOCK.readLock().tryLock();
    }

    public static void leave() {
        LOCK.readLock().unlock();
    }

    /** The reporter: waits for openers in the middle of a burst, then keeps new ones out until {@link #open()}. */
    static void close() {
        LOCK.writeLock().lock();
    }

    static void open() {
        LOCK.writeLock().unlock();
    }
}
