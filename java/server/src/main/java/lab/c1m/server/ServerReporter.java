package lab.c1m.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.record.PeriodicReporter;

/** The server's timeline, summary and status lines (a status line only when connections came or went). */
final class ServerReporter extends PeriodicReporter {
    private final ServerStats stats;
    private final ServerSummary summary;
    private long lastAccepted = -1;
    private long lastClosed = -1;

    ServerReporter(ServerStats stats, ServerSummary summary, Path summaryFile, Path timelineFile, Duration statusInterval) {
        super(summaryFile, timelineFile, "time,open,accepted,closed,rss_bytes,heap_used_bytes,reaped", statusInterval);
        this.stats = stats;
        this.summary = summary;
    }

    @Override
    protected void sample() {
        summary.sample();
    }

    @Override
    protected String timelineRow() {
        return stats.open() + "," + stats.accepted() + "," + stats.closed() + "," + summary.rss() + "," + summary.heapUsed() + "," + stats.reapedTotal();
    }

    @Override
    protected Map<String, Object> summary() {
        return summary.toMap();
    }

    @Override
    protected String status() {
        long accepted = stats.accepted();
        long closed = stats.closed();
        if (accepted == lastAccepted && closed == lastClosed) {
            return null;
        }
        lastAccepted = accepted;
        lastClosed = closed;
        return Quantities.count(accepted - closed) + " open (peak " + Quantities.count(stats.peakOpen()) + "), "
            + Quantities.count(accepted) + " accepted, " + Quantities.count(closed) + " closed, RSS "
            + Quantities.mib(summary.rss()) + ", heap used " + Quantities.mib(summary.heapUsed());
    }

}
