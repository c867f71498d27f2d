package lab.c1m.client;

import java.io.BufferedWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import lab.c1m.common.Quantities;
import lab.c1m.common.ReportFiles;
import lab.c1m.common.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Once a second: a timeline row and a fresh summary; every status interval, a status line if anything moved. */
final class ClientReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientReporter.class);

    private final ClientStats stats;
    private final ClientSummary summary;
    private final Path summaryFile;
    private final BufferedWriter timeline;
    private final long statusEverySeconds;
    private final int target;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "c1m-reporter");
        t.setDaemon(true);
        return t;
    });
    private long ticks;
    private String lastStatus;

    ClientReporter(ClientStats stats, ClientSummary summary, int target, Path summaryFile, Path timelineFile,
                   Duration statusInterval) {
        this.stats = stats;
        this.summary = summary;
        this.target = target;
        this.summaryFile = summaryFile;
        this.timeline = ReportFiles.openTimeline(timelineFile, "time,open,established,failed,lost,rss_bytes,heap_used_bytes");
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

    private synchronized void tick() {
        summary.sample();
        ReportFiles.appendRow(timeline, String.join(",", Times.now(), Long.toString(stats.open()),
            Long.toString(stats.established()), Long.toString(stats.failedTotal()), Long.toString(stats.lost()),
            Long.toString(summary.rss()), Long.toString(summary.heapUsed())));
        ReportFiles.writeSummary(summaryFile, summary.toMap());
        if (++ticks % statusEverySeconds == 0) {
            logStatusIfChanged();
        }
    }

    private void logStatusIfChanged() {
        String failures = stats.connectErrors().entrySet().stream().filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + " " + Quantities.count(e.getValue())).collect(Collectors.joining(", "));
        String status = Quantities.count(stats.open()) + " of " + Quantities.count(target) + " open (peak "
            + Quantities.count(stats.peakOpen()) + "), " + Quantities.count(stats.lost()) + " lost, "
            + Quantities.count(stats.dead()) + " dead, connect errors: " + (failures.isEmpty() ? "none" : failures)
            + ", heartbeats " + Quantities.count(stats.heartbeatsSent()) + " sent / "
            + Quantities.count(stats.heartbeatsReceived()) + " echoed";
        if (!status.equals(lastStatus)) {
            lastStatus = status;
            LOG.info("Status: {}, RSS {}, heap used {}", status, Quantities.mib(summary.rss()), Quantities.mib(summary.heapUsed()));
        }
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
        tickSafely();
        ReportFiles.close(timeline);
    }
}
