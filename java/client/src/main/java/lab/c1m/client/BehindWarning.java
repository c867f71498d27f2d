package lab.c1m.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.c1m.common.notation.Quantities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Says once, for every loop, that the client fell behind its own heartbeat schedule, and what to do about it. */
final class BehindWarning {
    private static final Logger LOG = LoggerFactory.getLogger(BehindWarning.class);

    private final AtomicBoolean said = new AtomicBoolean();
    private final long connections;
    private final Duration interval;
    private final int loops;

    private final FirstFailures once;

    BehindWarning(long connections, Duration interval, int loops, FirstFailures once) {
        this.once = once;
        this.connections = connections;
        this.interval = interval;
        this.loops = loops;
    }

    void late(long lagNanos) {
        say("written " + Quantities.seconds(lagNanos) + " after it was due (late: more than "
            + Quantities.seconds(LoopHeartbeats.lateAfterNanos(interval)) + ")");
    }

    void missed(long beats) {
        if (beats > 0) {
            say("skipped, " + Quantities.count(beats) + " of them, a whole interval behind (missed)");
        }
    }

    private void say(String what) {
        if (said.compareAndSet(false, true)) {
            double perSecond = connections * 1e9 / interval.toNanos();
            String text = "First heartbeat " + what + ": this client is behind its own schedule (" + Quantities.count(connections)
                + " connections x one heartbeat every " + Quantities.formatDuration(interval) + " = "
                + Quantities.count((long) perSecond) + "/s on " + loops + " event loops). That is the client's lag, not the"
                + " server's: late heartbeats are reported as late and the schedule kept, never as dead. Fix: fewer"
                + " connections per client (more clients), more CPUs for the client, or a longer --heartbeat";
            once.behind(text);
            LOG.warn(text);
        }
    }
}
