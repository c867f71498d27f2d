package lab.c1m.common.cli;

import java.nio.file.Path;
import java.time.Duration;
import lab.c1m.common.netty.TransportKind;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The options both jars share: transport, threads, progress and the files a run leaves behind. */
public final class RunOptions {
    /**
     * More event loops than this is a typo, not a tuning: each loop is a thread with its own epoll set and
     * buffers, and 100,000 of them exhaust direct memory before the first connection.
     */
    public static final int MAX_THREADS = 256;

    @Option(names = "--transport", paramLabel = "epoll|io_uring|nio", converter = TransportConverter.class,
        defaultValue = "epoll", description = "Netty transport; falls back to nio, with a warning, if unavailable.")
    public TransportKind transport;

    @Option(names = "--threads", defaultValue = "0", description = "I/O threads (event loops), at most "
        + MAX_THREADS + "; 0 = one per CPU.")
    public int threads;

    @Option(names = "--progress-every", paramLabel = "N", converter = CountConverter.class, defaultValue = "1000",
        description = "One progress line every N new connections; 0 = none.")
    public long progressEvery;

    @Option(names = "--status-interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5s",
        description = "A status line this often while anything changes.")
    public Duration statusInterval;

    @Option(names = "--summary", paramLabel = "FILE", description = "JSON summary, refreshed every second and written at exit.")
    public Path summaryFile;

    @Option(names = "--timeline", paramLabel = "FILE", description = "CSV timeline, one row per second.")
    public Path timelineFile;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Also log to this file.")
    public Path logFile;

    public void validate(CommandLine cmd) {
        if (threads < 0 || threads > MAX_THREADS) {
            throw Cli.usage(cmd, "--threads must be 0 (one per CPU) or 1 to " + MAX_THREADS + " event loops, got " + threads
                + " (this host has " + Runtime.getRuntime().availableProcessors() + " CPUs)");
        }
        if (statusInterval.isZero()) {
            throw Cli.usage(cmd, "--status-interval must be positive, e.g. 5s");
        }
        OutputFiles.check(cmd, this);
    }

    public int ioThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
