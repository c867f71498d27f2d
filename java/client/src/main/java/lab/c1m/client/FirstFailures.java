package lab.c1m.client;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.record.Times;

/**
 * What the client says once, kept for its summary so the playbook reads it as data instead of from the log:
 * the first failure of each kind (where to and the error's message), how the ramp ended and why, and the
 * first time the client fell behind its own heartbeat schedule.
 */
final class FirstFailures {
    // Only JDK types and classes loaded at start: the first failure often comes at the open-files wall, where
    // loading a class from a classes directory would need a descriptor there is none of.
    private final Map<FailureKind, Map<String, Object>> firsts = new EnumMap<>(FailureKind.class);
    private volatile Map<String, Object> rampEnd;
    private volatile Map<String, Object> behind;

    /** Keeps this failure when it is the first of its kind; true then (the caller logs it). */
    synchronized boolean first(FailureKind kind, String to, String message) {
        if (firsts.containsKey(kind)) {
            return false;
        }
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("to", to);
        first.put("message", message);
        first.put("at", Times.now());
        firsts.put(kind, first);
        return true;
    }

    /**
     * The ramp is over: its figures at that moment, why it stopped early (null: it ran to the end) and the kind
     * most of its failures were (null: none failed).
     */
    void rampEnded(double seconds, long established, long open, long failed, String stoppedEarly, FailureKind mostly) {
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("seconds", seconds);
        end.put("established", established);
        end.put("open", open);
        end.put("failed", failed);
        end.put("stopped_early", stoppedEarly);
        end.put("mostly", mostly == null ? null : mostly.name());
        end.put("at", Times.now());
        rampEnd = end;
    }

    /** The client's first lag behind its heartbeat schedule: {kind, at, how, ...} (BehindWarning). */
    void behind(Map<String, Object> first) {
        if (behind == null) {
            behind = first;
        }
    }

    /** kind -> {to, message, at}, in the kinds' order. */
    synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<FailureKind, Map<String, Object>> first : firsts.entrySet()) {
            m.put(first.getKey().name(), new LinkedHashMap<>(first.getValue()));
        }
        return m;
    }

    /** null while the ramp runs. */
    Map<String, Object> rampEnd() {
        return rampEnd;
    }

    /** null while the client kept its schedule. */
    Map<String, Object> behind() {
        return behind;
    }
}
