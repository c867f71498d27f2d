package lab.c1m.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.record.ProcessMemory;
import lab.c1m.common.record.RuntimeFacts;
import lab.c1m.common.record.Times;
import org.HdrHistogram.Histogram;

/** What the client reports: the summary file's content, rebuilt each second and at exit. */
final class ClientSummary {
    /**
     * The summary's version (docs/interfaces.md): 2 added first_failures, ramp_end and behind (then a sentence);
     * 3 made behind data: its kind (lag-ramp, lag-hold) and figures.
     */
    static final int SCHEMA = 3;
    private final ClientStats stats;
    private final Map<String, Object> settings;
    private final int target;
    private final Duration heartbeat;
    private final Duration hold;
    private final String startedAt = Times.now();
    /** When the first connect was started: the ramp's time excludes the JVM's and the event loops' start. */
    private volatile long rampStartNanos;
    private final Map<String, Object> jvm = RuntimeFacts.jvm();
    private final String nettyVersion = RuntimeFacts.nettyVersion();
    private final String hostname = RuntimeFacts.hostname();

    private volatile String state = "ramping";
    private volatile long rampEndNanos;
    private volatile Integer exitCode;
    private volatile String exitReason;
    private volatile long rss;
    private volatile long heapUsed;
    private volatile Duration held;
    private volatile String holdEndedEarly;

    ClientSummary(ClientStats stats, int target, Duration heartbeat, Map<String, Object> settings) {
        this.stats = stats;
        this.target = target;
        this.heartbeat = heartbeat;
        this.settings = settings;
        Object holdMs = settings.get("hold_ms");
        this.hold = holdMs instanceof Number n ? Duration.ofMillis(n.longValue()) : Duration.ZERO;
    }

    void sample() {
        rss = ProcessMemory.rssBytes();
        heapUsed = ProcessMemory.heapUsedBytes();
    }

    long rss() {
        return rss;
    }

    long heapUsed() {
        return heapUsed;
    }

    void rampStarted() {
        rampStartNanos = System.nanoTime();
    }

    void rampEnded() {
        rampEndNanos = System.nanoTime();
    }

    /** The hold is over: how long it lasted, and why it ended before --hold (null: it did not). */
    void held(Duration duration, String endedEarly) {
        held = duration;
        holdEndedEarly = endedEarly;
    }

    void state(String s) {
        state = s;
    }

    void finished(int code, String reason) {
        exitCode = code;
        exitReason = reason;
        state = "done";
    }

    boolean reached() {
        return stats.peakOpen() >= target;
    }

    /** Seconds from the first connect to the end of the ramp (or until now while it runs); 0 before it starts. */
    double rampSeconds() {
        long start = rampStartNanos;
        if (start == 0) {
            return 0;
        }
        long end = rampEndNanos == 0 ? System.nanoTime() : rampEndNanos;
        return (end - start) / 1e9;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("role", "client");
        m.put("state", state);
        m.putAll(settings);
        m.put("target", target);
        m.put("established", stats.established());
        m.put("open", stats.open());
        m.put("peak_open", stats.peakOpen());
        m.put("reached", reached());
        Map<String, Object> failed = new LinkedHashMap<>();
        stats.failed().forEach((k, v) -> failed.put(k.name(), v));
        m.put("failed", failed);
        m.put("failed_total", stats.failedTotal());
        Map<String, Object> errors = new LinkedHashMap<>();
        stats.connectErrors().forEach((k, v) -> errors.put(k.name(), v));
        m.put("connect_errors", errors);
        FailureKind dominant = stats.dominantFailure();
        m.put("failure_hint", dominant == null ? null : dominant.name() + ": " + dominant.meaning() + ". Fix: " + dominant.fix());
        // What the client logs once, as data (schema 2): the playbook's progress reads these, never the log.
        FirstFailures once = stats.firstFailures();
        m.put("first_failures", once.toMap());
        m.put("ramp_end", once.rampEnd());
        m.put("behind", once.behind());
        m.put("lost", stats.lost());
        m.put("dead", stats.dead());
        m.put("heartbeat_stalls", stats.stalls());
        if ("websocket".equals(settings.get("protocol"))) {
            // Connections the server ended with a Close frame (counted in lost too), and what the first one said.
            Map<String, Object> ws = new LinkedHashMap<>();
            ws.put("closes", stats.webSocketCloses());
            ws.put("first_close", stats.firstWebSocketClose());
            m.put("websocket", ws);
        }
        m.put("reconnected", stats.reconnectedTotal());
        m.put("unrecovered", stats.unrecovered());
        Map<String, Object> reconnectErrors = new LinkedHashMap<>();
        stats.reconnectErrors().forEach((k, v) -> reconnectErrors.put(k.name(), v));
        m.put("reconnect_errors", reconnectErrors);
        m.put("reconnect_errors_total", stats.reconnectErrorsTotal());
        Outages outages = stats.outages();
        m.put("recovery_seconds", outages.recoverySeconds());
        m.put("down", outages.down());
        m.put("outage_count", outages.count());
        m.put("outages", outages.toList(System.nanoTime()));
        Duration h = held;
        m.put("held_seconds", h == null ? null : h.toMillis() / 1000.0);
        m.put("hold_completed", h == null ? null : holdEndedEarly == null && (hold.isZero() || h.compareTo(hold) >= 0));
        m.put("hold_ended_early", holdEndedEarly);
        double ramp = rampSeconds();
        m.put("ramp_seconds", ramp);
        m.put("connect_rate_per_s", ramp > 0 ? stats.established() / ramp : 0.0);
        m.put("heartbeat", heartbeat());
        m.put("rss_bytes", rss);
        m.put("heap_used_bytes", heapUsed);
        m.put("started_at", startedAt);
        m.put("reached_at", reached() ? Times.iso(Times.fromNanos(stats.peakNanos())) : null);
        m.put("updated_at", Times.now());
        // Refreshed every second while running: an older one not "done" is a process that died.
        m.put("updated_at_ms", System.currentTimeMillis());
        m.put("exit_code", exitCode);
        m.put("exit_reason", exitReason);
        m.put("jvm", jvm);
        m.put("netty_version", nettyVersion);
        m.put("hostname", hostname);
        return m;
    }

    /**
     * Round trips of the hold (steady state) on top, as the headline; the ramp's, which include time spent
     * in the server's accept queue, below. Before the hold starts the top fields show the ramp's. Round trips
     * are timed from when a frame was written and, under {@code from_due}, from when it was due, which adds
     * the client's own lag (coordinated omission); {@code lag} is that lag alone.
     */
    private Map<String, Object> heartbeat() {
        Histogram hold = stats.roundTrips().hold();
        Histogram ramp = stats.roundTrips().ramp();
        boolean holding = hold.getTotalCount() > 0;
        Histogram headline = holding ? hold : ramp;
        Map<String, Object> hb = new LinkedHashMap<>();
        hb.put("interval_ms", heartbeat.toMillis());
        hb.put("due", stats.heartbeatsDue());
        hb.put("sent", stats.heartbeatsSent());
        hb.put("late", stats.heartbeatsLate());
        hb.put("missed", stats.heartbeatsMissed());
        hb.put("received", stats.heartbeatsReceived());
        hb.put("schedule_kept", stats.scheduleKept());
        // The hold's alone: a cold JIT racing the ramp makes the first heartbeats late, steady state does not.
        long[] holdLate = stats.holdLateAndMissed();
        hb.put("hold_schedule_kept", stats.holdScheduleKept());
        hb.put("hold_late", holdLate == null ? null : holdLate[0]);
        hb.put("hold_missed", holdLate == null ? null : holdLate[1]);
        hb.put("late_after_ms", heartbeat.isZero() ? null : LoopHeartbeats.lateAfterNanos(heartbeat) / 1e6);
        hb.put("dead_after_ms", heartbeat.isZero() ? null : LoopHeartbeats.deadAfterNanos(heartbeat) / 1e6);
        hb.put("recovered", stats.recoveredTotal());
        hb.put("phase", holding ? "hold" : "ramp");
        percentiles(hb, headline);
        hb.put("histogram_unit", "microseconds");
        hb.put("histogram", encode(headline));
        Map<String, Object> fromDue = new LinkedHashMap<>();
        Histogram due = holding ? stats.roundTripsFromDue().hold() : stats.roundTripsFromDue().ramp();
        percentiles(fromDue, due);
        fromDue.put("histogram", encode(due));
        hb.put("from_due", fromDue);
        Map<String, Object> lag = new LinkedHashMap<>();
        percentiles(lag, holding ? stats.scheduleLag().hold() : stats.scheduleLag().ramp());
        hb.put("lag", lag);
        Map<String, Object> rampPart = new LinkedHashMap<>();
        percentiles(rampPart, ramp);
        rampPart.put("histogram", encode(ramp));
        hb.put("ramp", rampPart);
        return hb;
    }

    private static void percentiles(Map<String, Object> m, Histogram h) {
        boolean any = h.getTotalCount() > 0;
        m.put("count", h.getTotalCount());
        m.put("p50_ms", any ? h.getValueAtPercentile(50) / 1000.0 : null);
        m.put("p90_ms", any ? h.getValueAtPercentile(90) / 1000.0 : null);
        m.put("p99_ms", any ? h.getValueAtPercentile(99) / 1000.0 : null);
        m.put("p999_ms", any ? h.getValueAtPercentile(99.9) / 1000.0 : null);
        m.put("max_ms", any ? h.getMaxValue() / 1000.0 : null);
    }

    /** HdrHistogram's compressed encoding in base64, so a report can merge clients' histograms exactly. */
    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buf);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        out.write(buf.array(), 0, length);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static Map<String, Object> settings(String server, List<Integer> ports, List<String> sources, String transport,
                                        long rate, Duration hold, Duration heartbeat, boolean reconnect) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("server", server);
        s.put("ports", ports);
        s.put("source_ips", sources);
        s.put("transport", transport);
        s.put("rate", rate);
        s.put("hold_ms", hold.toMillis());
        s.put("heartbeat_ms", heartbeat.toMillis());
        s.put("reconnect", reconnect);
        return s;
    }
}
