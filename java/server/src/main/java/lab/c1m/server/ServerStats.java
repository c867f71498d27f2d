package lab.c1m.server;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import lab.c1m.common.netty.OpenCounter;
import lab.c1m.common.notation.PortList;

/** Counters the event loops update and the reporter reads; nothing here is per connection. */
final class ServerStats {
    private final PortList ports;
    private final OpenCounter connections = new OpenCounter();
    private final LongAdder bytesEchoed = new LongAdder();
    private final LongAdder reaped = new LongAdder();
    private final AtomicLongArray openPerPort;
    private final AcceptErrors acceptErrors = new AcceptErrors();

    ServerStats(PortList ports) {
        this.ports = ports;
        this.openPerPort = new AtomicLongArray(ports.size());
    }

    /** Counts a new connection on the port at that index; returns the total accepted so far. */
    long opened(int portIndex) {
        openPerPort.incrementAndGet(portIndex);
        return connections.opened();
    }

    void closed(int portIndex) {
        connections.closed();
        openPerPort.decrementAndGet(portIndex);
    }

    void echoed(int bytes) {
        bytesEchoed.add(bytes);
    }

    /** A connection the kernel closed with ETIMEDOUT: its peer stopped answering keepalive probes or retransmissions. */
    void reaped() {
        reaped.increment();
    }

    long reapedTotal() {
        return reaped.sum();
    }

    long accepted() {
        return connections.openedTotal();
    }

    long closed() {
        return connections.closedTotal();
    }

    long open() {
        return connections.open();
    }

    long peakOpen() {
        return connections.peak();
    }

    long peakNanos() {
        return connections.peakNanos();
    }

    long firstConnectionNanos() {
        return connections.firstNanos();
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

    /** The listening channels' accept errors that name a limit (the handler that counts them). */
    AcceptErrors acceptErrors() {
        return acceptErrors;
    }
}
