package lab.c1m.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import lab.c1m.common.PeriodicReporter;
import lab.c1m.common.Quantities;

/** The client's timeline, summary and status lines (a status line only when a count moved). */
final class ClientReporter extends PeriodicReporter {
    private final ClientStats stats;
    private final ClientSummary summary;
    private final int target;
    private String lastCounts;

    ClientReporter(ClientStats stats, ClientSummary summary, int target, Path summaryFile, Path timelineFile,
                   Duration statusInterval) {
        super(summaryFile, timelineFile, "time,open,established,failed,lost,rss_bytes,heap_used_bytes", statusInterval);
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
        return stats.open() + "," + stats.established() + "," + stats.failedTotal() + "," + stats.lost() + ","
            + summary.rss() + "," + summary.heapUsed();
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
            + Quantities.count(stats.dead()) + " dead, connect errors: " + (failures.isEmpty() ? "none" : failures)
            + ", heartbeats " + Quantities.count(stats.heartbeatsSent()) + " sent / "
            + Quantities.count(stats.heartbeatsReceived()) + " echoed";
        if (counts.equals(lastCounts)) {
            return null;
        }
        lastCounts = counts;
        return counts + ", RSS " + Quantities.mib(summary.rss()) + ", heap used " + Quantities.mib(summary.heapUsed());
    }
}
