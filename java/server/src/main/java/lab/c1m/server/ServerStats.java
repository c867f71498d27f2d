package lab.c1m.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import lab.c1m.common.PortList;

/** Counters the event loops update and the reporter reads; nothing here is per connection. */
final class ServerStats {
    private final PortList ports;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final LongAdder bytesEchoed = new LongAdder();
    private final AtomicLongArray openPerPort;
    private final AtomicLong peakOpen = new AtomicLong();
    private volatile long peakNanos;
    private volatile long firstConnectionNanos;

    ServerStats(PortList ports) {
        this.ports = ports;
        this.openPerPort = new AtomicLongArray(ports.size());
    }

    /** Counts a new connection on the port at that index; returns the total accepted so far. */
    long opened(int portIndex) {
        long total = accepted.incrementAndGet();
        if (total == 1) {
            firstConnectionNanos = System.nanoTime();
        }
        openPerPort.incrementAndGet(portIndex);
        long open = total - closed.get();
        long peak = peakOpen.get();
        while (open > peak) {
            if (peakOpen.compareAndSet(peak, open)) {
                peakNanos = System.nanoTime();
                break;
            }
            peak = peakOpen.get();
        }
        return total;
    }

    void closed(int portIndex) {
        closed.incrementAndGet();
        openPerPort.decrementAndGet(portIndex);
    }

    void echoed(int bytes) {
        bytesEchoed.add(bytes);
    }

    long accepted() {
        return accepted.get();
    }

    long closed() {
        return closed.get();
    }

    /** Read closed first so that a connection accepted in between never makes this negative. */
    long open() {
        long c = closed.get();
        return accepted.get() - c;
    }

    long peakOpen() {
        return peakOpen.get();
    }

    long peakNanos() {
        return peakNanos;
    }

    long firstConnectionNanos() {
        return firstConnectionNanos;
    }

    long bytesEchoed() {
        return bytesEchoed.sum();
    }

    PortList ports() {
        return ports;
    }

    long openOnPort(int portIndex) {
        return openPerPort.get(portIndex);
    }
}
