package lab.c1m.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.record.PeriodicReporter;
import org.HdrHistogram.Histogram;

/**
 * The client's timeline, summary and status lines (a status line only when a count moved). Every tenth
 * timeline row carries the heartbeat percentiles of the ten seconds before it, so a warm-up tail or a pause
 * shows where it happened.
 */
final class ClientReporter extends PeriodicReporter {
    private final ClientStats stats;
    private final ClientSummary summary;
    private final int target;
    /** Timeline rows per window of heartbeat percentiles (a row a second). */
    private static final int WINDOW_ROWS = 10;
    private String lastCounts;
    private long rows;

    ClientReporter(ClientStats stats, ClientSummary summary, int target, Path summaryFile, Path timelineFile,
                   Duration statusInterval) {
        super(summaryFile, timelineFile, "time,open,established,failed,lost,rss_bytes,heap_used_bytes,dead,hb_due,hb_sent,"
            + "hb_late,hb_missed,hb_received,rtt_p50_ms,rtt_p99_ms,rtt_due_p50_ms,rtt_due_p99_ms,lag_p50_ms,lag_p99_ms,"
            + "reconnected,reconnect_errors,down",
            statusInterval);
        this.stats = stats;
        this.summary = summary;
        this.target = target;
    }

    @Override
    protected void sample() {
        summary.sample();
    }

    @Override
    protected String timelineRow() {
        String row = stats.open() + "," + stats.established() + "," + stats.failedTotal() + "," + stats.lost() + ","
            + summary.rss() + "," + summary.heapUsed() + "," + stats.dead() + "," + stats.heartbeatsDue() + ","
            + stats.heartbeatsSent() + "," + stats.heartbeatsLate() + "," + stats.heartbeatsMissed() + ","
            + stats.heartbeatsReceived();
        String faults = "," + stats.reconnectedTotal() + "," + stats.reconnectErrorsTotal() + "," + stats.outages().down();
        if (++rows % WINDOW_ROWS != 0) {
            return row + ",,,,,," + faults;
        }
        return row + percentiles(stats.roundTrips().takeWindow()) + percentiles(stats.roundTripsFromDue().takeWindow())
            + percentiles(stats.scheduleLag().takeWindow()) + faults;
    }

    private static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return ",,";
        }
        return "," + h.getValueAtPercentile(50) / 1000.0 + "," + h.getValueAtPercentile(99) / 1000.0;
    }

    /** The schedule kept, once heartbeats are due; late and missed only when there are any. */
    private String schedule() {
        Double kept = stats.scheduleKept();
        if (kept == null) {
            return "";
        }
        String s = String.format(java.util.Locale.ROOT, ", schedule kept %.2f%%", kept * 100);
        if (stats.heartbeatsLate() + stats.heartbeatsMissed() > 0) {
            s += " (" + Quantities.count(stats.heartbeatsLate()) + " late, " + Quantities.count(stats.heartbeatsMissed())
                + " missed: the client's lag)";
        }
        return s;
    }

    /** ", 4,990 reconnected (12 failed attempts), 10 down" once anything was lost or went silent. */
    private String reconnects() {
        if (stats.lost() == 0 && stats.outages().count() == 0) {
            return "";
        }
        return ", " + Quantities.count(stats.reconnectedTotal()) + " reconnected ("
            + Quantities.count(stats.reconnectErrorsTotal()) + " failed attempts), " + Quantities.count(stats.outages().down())
            + " down";
    }

    @Override
    protected Map<String, Object> summary() {
        return summary.toMap();
    }

    @Override
    protected String status() {
        String failures = stats.connectErrors().entrySet().stream().filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + " " + Quantities.count(e.getValue())).collect(Collectors.joining(", "));
        String counts = Quantities.count(stats.open()) + " of " + Quantities.count(target) + " open (peak "
            + Quantities.count(stats.peakOpen()) + "), " + Quantities.count(stats.lost()) + " lost, "
            + Quantities.count(stats.dead()) + " dead" + reconnects() + ", connect errors: " + (failures.isEmpty() ? "none" : failures)
            + ", heartbeats " + Quantities.count(stats.heartbeatsSent()) + " sent / "
            + Quantities.count(stats.heartbeatsReceived()) + " echoed" + schedule();
        if (counts.equals(lastCounts)) {
            return null;
        }
        lastCounts = counts;
        return counts + ", RSS " + Quantities.mib(summary.rss()) + ", heap used " + Quantities.mib(summary.heapUsed());
    }
}
