package lab.c1m.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.HostLimits;
import lab.c1m.capacity.Rules;
import lab.c1m.common.cli.BindAddress;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.cli.CountConverter;
import lab.c1m.common.cli.DurationConverter;
import lab.c1m.capacity.HeartbeatConverter;
import lab.c1m.common.cli.OutputFiles;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.cli.Logging;
import lab.c1m.common.cli.PortListConverter;
import lab.c1m.common.cli.RunOptions;
import lab.c1m.common.cli.WireProtocol;
import lab.c1m.common.cli.WireProtocolConverter;
import lab.c1m.common.cli.StopSignal;
import lab.c1m.capacity.doctor.Check;
import lab.c1m.capacity.doctor.DoctorCommand;
import lab.c1m.capacity.doctor.HostShare;
import lab.c1m.capacity.doctor.StartupCheck;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.capacity.plan.PlanCommand;
import lab.c1m.common.netty.Transport;
import lab.c1m.common.notation.PortList;
import lab.c1m.common.notation.Quantities;
import lab.c1m.common.record.ExitSummary;
import lab.c1m.common.record.ProgressLog;
import lab.c1m.common.record.RuntimeFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "c1m-server", mixinStandardHelpOptions = true, versionProvider = ServerCommand.Version.class,
    subcommands = {DoctorCommand.class, PlanCommand.class}, defaultValueProvider = ServerCommand.RuleDefaults.class,
    showDefaultValues = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Echo server for the c1m-lab: listens on a range of ports and echoes every byte, holding as many idle",
        "connections as the host allows on Netty's native epoll transport. Runs until SIGTERM or SIGINT."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:Clean shutdown after SIGTERM or SIGINT.",
        "1:A port or the metrics port could not be bound.",
        "2:Bad usage (one line names the option and the problem), or a --keepalive that would reap live connections.",
        "3:This host cannot hold --expected-connections (the line names the limit and the fix)."})
public final class ServerCommand implements Callable<Integer> {
    static {
        // First, before logging starts: a SIGTERM during start-up then still ends in a final summary.
        StopSignal.installEarly();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--ports", paramLabel = "PORTS", converter = PortListConverter.class, defaultValue = "9000-9019",
        description = "Ports to listen on: a range (9000-9019), a list (9000,9001) or both.")
    PortList ports;

    @Option(names = "--protocol", paramLabel = "raw|websocket", converter = WireProtocolConverter.class, defaultValue = "raw",
        description = "raw: echo every byte (the lab's client frames). websocket: answer the WebSocket upgrade (RFC 6455),"
            + " then Pong every Ping and echo Binary and Text frames, for clients with --protocol websocket.")
    WireProtocol protocol;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0", description = "Address to listen on.")
    String bind;

    @Option(names = "--backlog", defaultValue = "65535",
        description = "Listen backlog per port (the kernel caps it at net.core.somaxconn).")
    int backlog;

    @Option(names = "--lean", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Connections get a compact id and, on epoll, share their address objects and their event"
            + " loop's read handle (about 250 bytes less heap each, 320 once read); --no-lean keeps Netty's own,"
            + " for comparison.")
    boolean lean;

    @Option(names = "--keepalive", paramLabel = "auto|0|DURATION", defaultValue = "auto",
        description = "TCP keepalive on every accepted connection: after this long idle the kernel probes the peer and"
            + " closes the connection (counted as reaped) when --keepalive-probes go unanswered. auto: idle for the"
            + " rules' keepalive.idle_heartbeats x --heartbeat, at least keepalive.idle_min_seconds, so it never"
            + " reaps a live connection of a client behind its schedule, and at most the kernel's "
            + Keepalive.KERNEL_MAX_SECONDS + "s (off when even that is shorter than --heartbeat's dead rule); 0 = off;"
            + " a duration shorter than --heartbeat's dead rule, or longer than " + Keepalive.KERNEL_MAX_SECONDS
            + "s, is refused.")
    String keepaliveSetting;

    @Option(names = "--keepalive-interval", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Time between keepalive probes (whole seconds, at most the kernel's " + Keepalive.KERNEL_MAX_SECONDS
            + "s); default: the rules' keepalive.interval_seconds.")
    Duration keepaliveInterval;

    @Option(names = "--keepalive-probes", paramLabel = "N",
        description = "Unanswered probes before the connection is closed: a vanished peer is reaped within"
            + " idle + N x --keepalive-interval; default: the rules' keepalive.probes.")
    int keepaliveProbes;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = HeartbeatConverter.class, defaultValue = "0",
        description = "The clients' heartbeat interval (their --heartbeat), to size --keepalive auto and check an"
            + " explicit --keepalive against; 0 = unknown or off. A hint only: the server sends no heartbeat.")
    Duration heartbeat;

    /** The keepalive this run uses, settled by validate(). */
    private Keepalive keepalive;

    @Option(names = "--metrics-port", defaultValue = "9020",
        description = "HTTP port for /metrics (Prometheus) and /status (JSON); 0 = off.")
    int metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
        description = "Address of the metrics port. Default: --bind's, so a server bound to a private address does"
            + " not publish its metrics on every interface.")
    String metricsBind;

    @Option(names = "--expected-connections", paramLabel = "N", converter = CountConverter.class, defaultValue = "0",
        description = "Refuse to start (exit 3) if this host cannot hold this many connections; 0 = no check.")
    long expectedConnections;

    public static void main(String[] args) {
        System.exit(Cli.run(new ServerCommand(), args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        OutputFiles.claim(spec.commandLine(), run);
        Logging.addFile(run.logFile);
        HostLimits limits = HostLimits.read();
        try {
            checkCapacity(limits);
        } catch (Cli.HostCannotHoldException e) {
            ExitSummary.write(run.summaryFile, "server", ExitCodes.HOST_CANNOT_HOLD, e.getMessage());
            throw e;
        }
        StopSignal stop = StopSignal.install();
        // The failure texts are a resource in the jar: read them now, while a descriptor is free. At the
        // open-files wall the JVM cannot open its own jar, and the class would be lost for the whole run.
        FailureKind.EMFILE.meaning();

        Transport selected = Transport.select(run.transport);
        ServerStats stats = new ServerStats(ports);
        ProgressLog progress = new ProgressLog(LoggerFactory.getLogger("progress"), "Accepted", run.progressEvery);
        int ioThreads = run.ioThreads();
        EchoServer server = new EchoServer(selected, bind, ports, backlog, ioThreads, stats, progress, lean, keepalive, protocol);
        try {
            server.start();
        } catch (EchoServer.BindFailedException e) {
            LOG.error(e.getMessage());
            ExitSummary.write(run.summaryFile, "server", ExitCodes.NOT_REACHED, e.getMessage());
            return ExitCodes.NOT_REACHED;
        }
        ServerSummary summary = new ServerSummary(stats, selected, limits, keepalive, protocol);
        MetricsEndpoint metrics = null;
        if (metricsPort > 0) {
            try {
                metrics = new MetricsEndpoint(metricsAddress(), metricsPort, stats, summary);
                metrics.start();
                LOG.info("Metrics on http://{}:{}/metrics and /status", metricsAddress(), metrics.port());
            } catch (java.io.IOException e) {
                server.close();
                String why = "cannot serve metrics on " + metricsAddress() + ":" + metricsPort + ": " + e.getMessage()
                    + " (choose another --metrics-port, or 0 for none)";
                LOG.error(why);
                ExitSummary.write(run.summaryFile, "server", ExitCodes.NOT_REACHED, why);
                return ExitCodes.NOT_REACHED;
            }
        }
        ServerReporter reporter = new ServerReporter(stats, summary, run.summaryFile, run.timelineFile, run.statusInterval);
        reporter.start();

        stop.await(0);
        LOG.info("Stopping on {}: {} open, {} accepted, peak {}", stop.reason(), Quantities.count(stats.open()),
            Quantities.count(stats.accepted()), Quantities.count(stats.peakOpen()));
        if (metrics != null) {
            metrics.close();
        }
        server.close();
        summary.stopped(ExitCodes.OK, "stopped by " + stop.reason());
        reporter.close();
        if (reporter.summaryWritten()) {
            LOG.info("Stopped; {}", reporter.summaryOutcome());
        } else {
            LOG.error("Stopped; {}", reporter.summaryOutcome());
        }
        return ExitCodes.OK;
    }

    private void validate() {
        CommandLine cmd = spec.commandLine();
        run.validate(cmd);
        BindAddress.parse(cmd, "--bind", bind);
        if (metricsBind != null) {
            BindAddress.parse(cmd, "--metrics-bind", metricsBind);
        }
        if (backlog < 1) {
            throw Cli.usage(cmd, "--backlog must be at least 1, got " + backlog);
        }
        if (keepaliveInterval.toMillis() < 1000) {
            throw Cli.usage(cmd, "--keepalive-interval must be at least 1s, got " + Quantities.formatDuration(keepaliveInterval));
        }
        String intervalTooLong = Keepalive.tooLong("--keepalive-interval", keepaliveInterval);
        if (intervalTooLong != null) {
            throw Cli.usage(cmd, intervalTooLong);
        }
        if (keepaliveProbes < 1 || keepaliveProbes > Keepalive.KERNEL_MAX_PROBES) {
            throw Cli.usage(cmd, "--keepalive-probes must be 1-" + Keepalive.KERNEL_MAX_PROBES + " (the kernel's TCP_KEEPCNT),"
                + " got " + keepaliveProbes);
        }
        keepalive = keepalive(cmd);
        if (metricsPort < 0 || metricsPort > 65535) {
            throw Cli.usage(cmd, "--metrics-port must be 0 (off) or a port 1-65535, got " + metricsPort);
        }
        if (metricsPort > 0 && ports.asList().contains(metricsPort)) {
            throw Cli.usage(cmd, "--metrics-port " + metricsPort + " is also in --ports " + ports + ": choose another");
        }
    }

    private String metricsAddress() {
        return metricsBind != null ? metricsBind : bind;
    }

    /** --keepalive: auto (sized from --heartbeat by the rules), 0 (off) or an explicit idle time. */
    private Keepalive keepalive(CommandLine cmd) {
        String setting = keepaliveSetting.trim();
        if (setting.equalsIgnoreCase("auto")) {
            return Keepalive.auto(heartbeat, keepaliveInterval, keepaliveProbes);
        }
        Duration idle;
        try {
            idle = Quantities.parseDuration(setting);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(cmd, "--keepalive must be auto, 0 (off) or a duration such as 10m, got '" + setting + "' ("
                + e.getMessage() + ")");
        }
        if (!idle.isZero() && idle.toMillis() < 1000) {
            throw Cli.usage(cmd, "--keepalive must be auto, 0 (off) or at least 1s (the kernel counts whole seconds),"
                + " got " + Quantities.formatDuration(idle));
        }
        String tooLong = Keepalive.tooLong("--keepalive", idle);
        if (tooLong != null) {
            throw Cli.usage(cmd, tooLong);
        }
        String refusal = Keepalive.refusal(idle, heartbeat);
        if (refusal != null) {
            throw Cli.usage(cmd, refusal);
        }
        return Keepalive.explicit(idle, keepaliveInterval, keepaliveProbes);
    }

    /** The keepalive options' defaults come from the rules (rules.properties' keepalive.*), written once. */
    static final class RuleDefaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (arg instanceof CommandLine.Model.OptionSpec option) {
                switch (option.longestName()) {
                    case "--keepalive-interval":
                        return Rules.KEEPALIVE_INTERVAL_SECONDS + "s";
                    case "--keepalive-probes":
                        return Long.toString(Rules.KEEPALIVE_PROBES);
                    default:
                        return null;
                }
            }
            return null;
        }
    }

    private void checkCapacity(HostLimits limits) {
        long holdable = Math.max(0, limits.nofileHard() - Capacity.FD_RESERVE - ports.size());
        // Not even the listening sockets fit: the ports past the limit would fail to bind, one by one.
        List<Check> listen = StartupCheck.failed(StartupCheck.run(HostFacts.read(Path.of("/")),
            StartupCheck.share(HostShare.Role.SERVER, 0, ports, 1, 0)));
        if (!listen.isEmpty()) {
            StringBuilder sb = new StringBuilder("c1m-server: this host cannot even listen on " + Quantities.count(ports.size())
                + " ports (" + ports + "), one open file each:");
            listen.forEach(c -> sb.append(System.lineSeparator()).append("  ").append(StartupCheck.line(c)));
            sb.append(System.lineSeparator()).append("  Or listen on fewer --ports.");
            throw new Cli.HostCannotHoldException(sb.toString());
        }
        if (expectedConnections == 0) {
            LOG.info("This process can hold about {} connections (hard open-files limit {})", Quantities.count(holdable),
                Quantities.count(limits.nofileHard()));
            return;
        }
        HostShare share = StartupCheck.share(HostShare.Role.SERVER, expectedConnections, ports, 1, 0);
        List<Check> found = StartupCheck.run(HostFacts.read(Path.of("/")), share);
        List<Check> failed = StartupCheck.failed(found);
        if (!failed.isEmpty()) {
            throw new Cli.HostCannotHoldException(StartupCheck.refusal("c1m-server", expectedConnections, failed,
                "--connections " + expectedConnections + " --ports " + ports));
        }
        found.forEach(c -> LOG.warn("Preflight: {}", StartupCheck.line(c)));
        LOG.info("Preflight: this host can hold the {} expected connections (hard open-files limit {})",
            Quantities.count(expectedConnections), Quantities.count(limits.nofileHard()));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"c1m-server " + RuntimeFacts.version(ServerCommand.class) + " (Netty "
                + RuntimeFacts.nettyVersion() + ", Java " + System.getProperty("java.version") + ")"};
        }
    }
}
