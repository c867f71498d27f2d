package lab.c1m.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.c1m.common.failure.FailureTexts;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.record.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once, for every loop, that the client fell behind its own heartbeat schedule: as data for its summary
 * ({@code behind}: its kind, lag-ramp or lag-hold, and the figures) and as one log line whose meaning and fix
 * come from failure-kinds.properties. Whether the ramp was still running decides the kind: connects and
 * heartbeats sharing the loops is another cause, with another fix, than heartbeats alone too many.
 */
final class BehindWarning {
    private static final Logger LOG = LoggerFactory.getLogger(BehindWarning.class);
    static final String RAMP = "lag-ramp";
    static final String HOLD = "lag-hold";

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
        if (said.get()) {
            return;
        }
        long lateAfter = LoopHeartbeats.lateAfterNanos(interval);
        Map<String, Object> how = new LinkedHashMap<>();
        how.put("how", "late");
        how.put("lag_ms", lagNanos / 1_000_000);
        how.put("late_after_ms", lateAfter / 1_000_000);
        say(how, "written " + Quantities.seconds(lagNanos) + " after it was due (late: more than "
            + Quantities.seconds(lateAfter) + ")");
    }

    void missed(long beats) {
        if (beats <= 0 || said.get()) {
            return;
        }
        Map<String, Object> how = new LinkedHashMap<>();
        how.put("how", "missed");
        how.put("missed", beats);
        say(how, "skipped, " + Quantities.count(beats) + " of them, a whole interval behind (missed)");
    }

    private void say(Map<String, Object> how, String what) {
        if (!said.compareAndSet(false, true)) {
            return;
        }
        String kind = once.rampEnd() == null ? RAMP : HOLD;
        long perSecond = Math.round(connections * 1e9 / interval.toNanos());
        Map<String, Object> behind = new LinkedHashMap<>();
        behind.put("kind", kind);
        behind.put("at", Times.now());
        behind.putAll(how);
        behind.put("connections", connections);
        behind.put("heartbeat", Quantities.formatDuration(interval));
        behind.put("per_second", perSecond);
        behind.put("loops", loops);
        once.behind(behind);
        LOG.warn("First heartbeat {} {}: {} connections x one heartbeat every {} = {}/s on {} event loops. {}: {}. Fix: {}",
            what, RAMP.equals(kind) ? "while the ramp was still connecting" : "while holding",
            Quantities.count(connections), Quantities.formatDuration(interval), Quantities.count(perSecond), loops,
            FailureTexts.get(kind, "title"), FailureTexts.get(kind, "meaning"), FailureTexts.get(kind, "fix"));
    }
}
