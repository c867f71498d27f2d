package lab.c1m.common.record;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.c1m.common.cli.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second, on its own thread: a memory sample, a timeline row and a fresh summary file; every status
 * interval, a status line when the subclass has one. Closing writes the last row and the final summary.
 */
public abstract class PeriodicReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicReporter.class);

    private final Path summaryFile;
    private final Timeline timeline;
    private final long statusEverySeconds;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "c1m-reporter");
        t.setDaemon(true);
        return t;
    });
    /** Enough for /proc/self/status and the summary's temporary file at the open-files wall. */
    private final DescriptorReserve reserve = new DescriptorReserve(4);
    private long ticks;
    /** Why the last summary write failed; null once one succeeded (or with no --summary). */
    private volatile String summaryProblem;
    private volatile boolean summaryWritten;
    /** Why the last timeline row could not be written; null while rows are written (the summary says it). */
    private volatile String timelineProblem;

    protected PeriodicReporter(Path summaryFile, Path timelineFile, String timelineHeader, Duration statusInterval) {
        this.summaryFile = summaryFile;
        this.timeline = Timeline.open(timelineFile, timelineHeader);
        this.statusEverySeconds = Math.max(1, statusInterval.toSeconds());
    }

    /** Takes this second's memory figures. */
    protected abstract void sample();

    /** This second's timeline row, without the time column. */
    protected abstract String timelineRow();

    protected abstract Map<String, Object> summary();

    /** A status line, or null when nothing moved since the last one. */
    protected abstract String status();

    public void start() {
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
        DescriptorGate.close();
        try {
            reserve.release();
            try {
                sample();
                // Independent: a timeline that cannot take a row (a full disk) never stops the summary.
                appendRow();
                writeSummary();
            } finally {
                reserve.refill();
            }
        } finally {
            DescriptorGate.open();
        }
        if (++ticks % statusEverySeconds == 0) {
            String line = status();
            if (line != null) {
                LOG.info("Status: {}", line);
            }
        }
    }

    private void appendRow() {
        try {
            if (timeline != null) {
                timeline.append(Times.now() + "," + timelineRow());
            }
            if (timelineProblem != null) {
                LOG.info("The timeline takes rows again");
                timelineProblem = null;
            }
        } catch (RuntimeException e) {
            if (timelineProblem == null) {
                LOG.warn("Timeline rows are not written: {} (the summary still is; said once)", e.getMessage());
            }
            timelineProblem = e.getMessage();
        }
    }

    private void writeSummary() {
        if (summaryFile == null) {
            return;
        }
        try {
            Map<String, Object> summary = new LinkedHashMap<>(summary());
            summary.put("timeline_problem", timelineProblem);
            summary.put("log_problem", Logging.fileProblem());
            ReportFiles.writeSummary(summaryFile, summary);
            if (summaryProblem != null) {
                LOG.info("The summary is written again: {}", summaryFile);
            }
            summaryProblem = null;
            summaryWritten = true;
        } catch (RuntimeException e) {
            if (summaryProblem == null) {
                LOG.warn("The summary is not written: {} (said once; the last whole one stays)", e.getMessage());
            }
            summaryProblem = e.getMessage();
            summaryWritten = false;
        }
    }

    /**
     * What to say of the summary at exit: "summary FILE", "summary not written (no --summary)" or
     * "summary NOT written: why", so a summary that could not be written is never reported as written.
     */
    public String summaryOutcome() {
        if (summaryFile == null) {
            return "summary not written (no --summary)";
        }
        return summaryWritten ? "summary " + summaryFile : "summary NOT written: " + summaryProblem;
    }

    public boolean summaryWritten() {
        return summaryFile == null || summaryWritten;
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
        if (timeline != null) {
            timeline.close();
        }
    }
}
