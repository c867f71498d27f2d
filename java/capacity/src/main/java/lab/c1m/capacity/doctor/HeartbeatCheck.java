package lab.c1m.capacity.doctor;

import java.time.Duration;
import lab.c1m.capacity.Rules;
import lab.c1m.common.notation.Quantities;

/**
 * The heartbeat rate a client's share asks for (connections / interval) against what its CPUs sustain
 * while keeping the schedule. A client that cannot keep up is never a failure of the server or of the run:
 * its heartbeats go out late and are reported as such, so this check warns and never fails.
 */
final class HeartbeatCheck {
    /**
     * Heartbeats a second one client CPU writes and reads back while keeping 99.9% of its schedule, measured
     * with {@code java/bench/benchmark.py --core-rate} (docs/performance.md, "Heartbeat capacity").
     */
    static final long PER_CPU_PER_SECOND = Rules.HEARTBEATS_PER_CPU_PER_SECOND;
    /** Up to this share of that capacity is comfortable: the rest is for the ramp, the reads and the GC. */
    static final double COMFORTABLE = Rules.HEARTBEAT_COMFORTABLE;

    private HeartbeatCheck() {
    }

    static Check run(HostShare share) {
        String name = "heartbeat rate";
        long rate = Math.round(share.connections() * 1e9 / share.heartbeatNanos());
        long capacity = PER_CPU_PER_SECOND * share.cpus();
        String interval = Quantities.formatDuration(Duration.ofNanos(share.heartbeatNanos()));
        String found = Fmt.count(rate) + "/s = " + Fmt.count(share.connections()) + " connections / " + interval;
        String needed = "<= " + Fmt.count((long) (capacity * COMFORTABLE)) + "/s = " + Math.round(COMFORTABLE * 100)
            + "% of " + share.cpus() + " CPU(s) x " + Fmt.count(PER_CPU_PER_SECOND) + "/s each (measured)";
        long keptIntervalSeconds = (long) Math.ceil(share.connections() / (capacity * COMFORTABLE));
        String fix = "the schedule may not be kept (late heartbeats are reported as the client's lag, never as dead):"
            + " a --heartbeat of " + Math.max(1, keptIntervalSeconds) + "s or more, fewer connections per client (more clients),"
            + " or more CPUs for the client";
        if (rate > capacity * COMFORTABLE) {
            return Check.warn(name, found, needed, fix);
        }
        return Check.ok(name, found, needed);
    }
}
