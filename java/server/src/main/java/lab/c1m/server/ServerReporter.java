package lab.c1m.server;

import java.io.BufferedWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.Quantities;
import lab.c1m.common.ReportFiles;
import lab.c1m.common.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Once a second: a timeline row and a fresh summary file; every status interval, a status line if anything moved. */
final class ServerReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerReporter.class);

    private final ServerStats stats;
    private final ServerSummary summary;
    private final Path summaryFile;
    private final BufferedWriter timeline;
    private final long statusEverySeconds;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "c1m-reporter");
        t.setDaemon(true);
        return t;
    });
    private long ticks;
    private long lastStatusAccepted = -1;
    private long lastStatusClosed = -1;

    ServerReporter(ServerStats stats, ServerSummary summary, Path summaryFile, Path timelineFile, Duration statusInterval) {
        this.stats = stats;
        this.summary = summary;
        this.summaryFile = summaryFile;
        this.timeline = ReportFiles.openTimeline(timelineFile, "time,open,accepted,closed,rss_bytes,heap_used_bytes");
        this.statusEverySeconds = Math.max(1, statusInterval.toSeconds());
    }

    void start() {
        timer.scheduleAtFixedRate(this::tickSafely, 1, 1, TimeUnit.SECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("Reporting failed this second: {}", e.getMessage());
        }
    }

    private void tick() {
        summary.sample();
        ReportFiles.appendRow(timeline, String.join(",", Times.now(), Long.toString(stats.open()),
            Long.toString(stats.accepted()), Long.toString(stats.closed()), Long.toString(summary.rss()),
            Long.toString(summary.heapUsed())));
        ReportFiles.writeSummary(summaryFile, summary.toMap());
        if (++ticks % statusEverySeconds == 0) {
            logStatusIfChanged();
        }
    }

    private void logStatusIfChanged() {
        long accepted = stats.accepted();
        long closed = stats.closed();
        if (accepted == lastStatusAccepted && closed == lastStatusClosed) {
            return;
        }
        lastStatusAccepted = accepted;
        lastStatusClosed = closed;
        LOG.info("Status: {} open (peak {}), {} accepted, {} closed, RSS {}, heap used {}",
            Quantities.count(accepted - closed), Quantities.count(stats.peakOpen()), Quantities.count(accepted),
            Quantities.count(closed), Quantities.mib(summary.rss()), Quantities.mib(summary.heapUsed()));
    }

    /** Stops the timer and writes the last row and the final summary. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        summary.stopped();
        tickSafely();
        ReportFiles.close(timeline);
    }
}
