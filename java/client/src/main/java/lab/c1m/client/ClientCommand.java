package lab.c1m.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.HostLimits;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.cli.CountConverter;
import lab.c1m.common.cli.DurationConverter;
import lab.c1m.capacity.HeartbeatConverter;
import lab.c1m.common.cli.OutputFiles;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.cli.Logging;
import lab.c1m.common.cli.PortListConverter;
import lab.c1m.common.cli.RunOptions;
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
import lab.c1m.common.notation.SourceAddresses;
import lab.c1m.common.record.ExitSummary;
import lab.c1m.common.record.RuntimeFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "c1m-client", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
    subcommands = {DoctorCommand.class, PlanCommand.class}, showDefaultValues = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Load client for the c1m-lab: opens --connections connections to an echo server, spread over its ports",
        "and over --source-ips, holds them for --hold while heartbeats prove each one alive, then closes them."},
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:Target reached and held, nothing lost.",
        "1:Target not reached, or connections lost or dead (the summary and the last log line say why).",
        "2:Bad usage (one line names the option and the problem).",
        "3:This host cannot hold the target (one line per limit: its value, the need and the fix)."})
public final class ClientCommand implements Callable<Integer> {
    static {
        // First, before logging starts: a SIGTERM during start-up then still ends in a final summary.
        StopSignal.installEarly();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ClientCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    // Required, but checked in call(): picocli would otherwise demand it before the doctor subcommand too.
    @Option(names = "--server", paramLabel = "HOST", description = "Server host name or address (required).")
    String server;

    @Option(names = "--ports", paramLabel = "PORTS", converter = PortListConverter.class, defaultValue = "9000-9019",
        description = "Server ports: a range (9000-9019), a list (9000,9001) or both; connections spread evenly.")
    PortList ports;

    @Option(names = "--connections", paramLabel = "N", converter = CountConverter.class, defaultValue = "333334",
        description = "Connections to open and hold (10k, 1m accepted).")
    long connections;

    @Mixin
    ProtocolOptions protocol;

    @Option(names = "--source-ips", paramLabel = "LIST|CIDR",
        description = "Local addresses to connect from: 10.0.0.2,10.0.0.3 or 10.0.0.0/30. Default: the kernel's choice.")
    String sourceIps;


    @Option(names = "--rate", paramLabel = "PER_SECOND", converter = CountConverter.class, defaultValue = "0",
        description = "New connections per second; 0 = as fast as --max-inflight allows.")
    long rate;

    @Option(names = "--max-inflight", paramLabel = "N", converter = CountConverter.class, defaultValue = "1000",
        description = "Connects pending at once.")
    long maxInflight;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
        defaultValue = "10s", description = "Give up one connect attempt after this long (counted as ETIMEDOUT).")
    Duration connectTimeout;

    @Option(names = "--retries", defaultValue = "3", description = "Retries per connection after a failed connect, with backoff.")
    int retries;

    @Option(names = "--max-failures", paramLabel = "N", converter = CountConverter.class, defaultValue = "1000",
        description = "Stop opening connections once this many failed for good (the target is then out of reach); 0 = never.")
    long maxFailures;

    @Option(names = "--hold", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30s",
        description = "Keep the connections open this long after the ramp; 0 = until SIGTERM or SIGINT.")
    Duration hold;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = HeartbeatConverter.class, defaultValue = "0",
        description = "Each connection sends a stamped frame this often and times its echo; 0 = no heartbeats.")
    Duration heartbeat;

    @Option(names = "--reconnect",
        description = "Re-open each connection the peer closes or resets, for as long as the hold lasts: first after a"
            + " random spread of up to 1 s, then with jittered exponential backoff (100 ms doubling, capped at 5 s),"
            + " paced by --rate and --max-inflight. Lost connections still count as lost (exit 1); the summary says"
            + " how many came back and how fast (reconnected, recovery_seconds).")
    boolean reconnect;

    @Option(names = "--skip-preflight",
        description = "Start even when this host cannot hold --connections (each shortfall is logged as a warning) and"
            + " run into the limit: for runs that hit a wall on purpose, such as the lab's scenarios.")
    boolean skipPreflight;







    public static void main(String[] args) {
        System.exit(Cli.run(new ClientCommand(), args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        InetAddress serverAddress = resolve();
        List<InetAddress> sources = sourceIps == null ? List.of() : parseSources(serverAddress);
        OutputFiles.claim(spec.commandLine(), run);
        Logging.addFile(run.logFile);
        try {
            checkCapacity(HostLimits.read(), Math.max(1, sources.size()));
        } catch (Cli.HostCannotHoldException e) {
            ExitSummary.write(run.summaryFile, "client", ExitCodes.HOST_CANNOT_HOLD, e.getMessage());
            throw e;
        }
        StopSignal stop = StopSignal.install();
        // The failure texts are a resource in the jar: read them now, while a descriptor is free. At the
        // open-files wall the JVM cannot open its own jar, and the class would be lost for the whole run.
        FailureKind.EMFILE.meaning();

        Transport selected = Transport.select(run.transport);
        if (!sources.isEmpty() && !selected.isEpoll()) {
            LOG.warn("--source-ips with {}: without IP_BIND_ADDRESS_NO_PORT each source address is capped at its"
                + " ephemeral port range in all, not per server port", selected.kind());
        }
        int target = (int) connections;
        List<String> sourceNames = new ArrayList<>();
        sources.forEach(a -> sourceNames.add(a.getHostAddress()));
        ClientStats stats = new ClientStats();
        var summarySettings = ClientSummary.settings(server, ports.asList(), sourceNames, selected.kind().label(), rate,
            hold, heartbeat, reconnect);
        summarySettings.putAll(protocol.settings());
        ClientSummary summary = new ClientSummary(stats, target, heartbeat, summarySettings);
        ClientReporter reporter = new ClientReporter(stats, summary, target, run.summaryFile, run.timelineFile, run.statusInterval);
        reporter.start();

        LoadClient.Settings settings = new LoadClient.Settings(selected, new ConnectionEndpoints(serverAddress, ports, sources),
            new Ramp.Settings(target, rate, (int) maxInflight, retries, maxFailures, connectTimeout.toNanos(), reconnect),
            hold, heartbeat,
            run.ioThreads(), run.progressEvery, protocol.wire(server, stats));
        LoadClient.Verdict verdict = new LoadClient(settings, stats, summary).run(stop);
        summary.finished(verdict.exitCode(), verdict.reason());
        reporter.close();
        // The last line says where the record is, or that the final summary is not there (a full disk).
        if (verdict.exitCode() == ExitCodes.OK && reporter.summaryWritten()) {
            LOG.info("Done: {}; {}", verdict.reason(), reporter.summaryOutcome());
        } else {
            LOG.error("Done: {}; {}", verdict.reason(), reporter.summaryOutcome());
        }
        return verdict.exitCode();
    }

    private void validate() {
        CommandLine cmd = spec.commandLine();
        if (server == null) {
            throw Cli.usage(cmd, "Missing required option: '--server=HOST'");
        }
        if (server.isBlank()) {
            throw Cli.usage(cmd, "--server must name the server (a host name or an address), got '" + server + "'");
        }
        run.validate(cmd);
        protocol.validate(cmd);
        if (connections < 1) {
            throw Cli.usage(cmd, "--connections must be at least 1");
        }
        if (maxInflight < 1) {
            throw Cli.usage(cmd, "--max-inflight must be at least 1");
        }
        if (retries < 0 || retries > 100) {
            throw Cli.usage(cmd, "--retries must be between 0 and 100, got " + retries);
        }
        if (connectTimeout.isZero()) {
            throw Cli.usage(cmd, "--connect-timeout must be positive, e.g. 10s");
        }
    }

    private InetAddress resolve() {
        try {
            return InetAddress.getByName(server);
        } catch (UnknownHostException e) {
            throw Cli.usage(spec.commandLine(), "--server '" + server + "' is an unknown host: check the name or give an address");
        }
    }

    private List<InetAddress> parseSources(InetAddress serverAddress) {
        List<InetAddress> sources;
        try {
            sources = SourceAddresses.parse(sourceIps);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec.commandLine(), "--source-ips: " + e.getMessage());
        }
        InetAddress otherFamily = sources.stream().filter(a -> a.getClass() != serverAddress.getClass()).findFirst().orElse(null);
        if (otherFamily != null) {
            throw Cli.usage(spec.commandLine(), "--source-ips: " + otherFamily.getHostAddress() + " is "
                + family(otherFamily) + " but --server " + server + " is " + family(serverAddress)
                + ": give source addresses of the server's family");
        }
        InetAddress missing = SourceAddresses.firstNotLocal(sources);
        if (missing != null) {
            throw Cli.usage(spec.commandLine(), "--source-ips: " + missing.getHostAddress() + " is not an address of this host:"
                + " add it (ip addr add " + missing.getHostAddress() + "/24 dev <interface>) or leave it out");
        }
        return sources;
    }

    private static String family(InetAddress address) {
        return address instanceof java.net.Inet6Address ? "IPv6" : "IPv4";
    }

    private void checkCapacity(HostLimits limits, int sourceCount) {
        HostShare share = StartupCheck.share(HostShare.Role.CLIENT, connections, ports, sourceCount, heartbeat.toNanos());
        List<Check> found = StartupCheck.run(HostFacts.read(Path.of("/")), share);
        List<Check> failed = StartupCheck.failed(found);
        if (!failed.isEmpty() && skipPreflight) {
            LOG.warn("Preflight skipped (--skip-preflight): this host cannot hold {} connections; running into the limit:",
                Quantities.count(connections));
            failed.forEach(c -> LOG.warn("  {}", StartupCheck.line(c)));
            return;
        }
        if (!failed.isEmpty()) {
            throw new Cli.HostCannotHoldException(StartupCheck.refusal("c1m-client", connections, failed,
                "--connections " + connections + " --ports " + ports + " --source-ips " + sourceCount));
        }
        found.forEach(c -> LOG.warn("Preflight: {}", StartupCheck.line(c)));
        LOG.info("Preflight: {} connections fit (hard open-files limit {}, {} usable ephemeral ports per destination)",
            Quantities.count(connections), Quantities.count(limits.nofileHard()),
            Quantities.count(Capacity.practicalPortsPerDestination(limits)));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"c1m-client " + RuntimeFacts.version(ClientCommand.class) + " (Netty "
                + RuntimeFacts.nettyVersion() + ", Java " + System.getProperty("java.version") + ")"};
        }
    }
}
