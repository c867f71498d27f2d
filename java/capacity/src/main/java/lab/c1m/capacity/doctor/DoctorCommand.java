package lab.c1m.capacity.doctor;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lab.c1m.capacity.HeartbeatConverter;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.cli.CountConverter;
import lab.c1m.common.cli.PortListConverter;
import lab.c1m.common.cli.TransportConverter;
import lab.c1m.common.host.ProcFiles;
import lab.c1m.common.netty.TransportKind;
import lab.c1m.common.notation.PortList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code c1m-server doctor} and {@code c1m-client doctor}: checks, before a run, every limit that stops a
 * host short of its share, and names the value found, the value needed and the fix for each.
 */
@Command(name = "doctor", header = "Checks, before a run, whether this host can hold its share; each finding with its fix.",
    showDefaultValues = true, sortOptions = false, usageHelpAutoWidth = true,
    description = "Checks whether this host can hold its share of the connections, before a run: open files, the"
        + " 5-tuple, conntrack, epoll watches, listen queues, memory, TCP memory and the heartbeat rate. Each check says OK, WARN or FAIL"
        + " with the value found, the value needed (and the rule behind it) and the exact fix. Rules: docs/doctor.md.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:No check failed (warnings may remain).",
        "2:Bad usage (one line names the option and the problem).",
        "3:At least one check failed: this host cannot hold the share as it is (each FAIL names its fix)."})
public final class DoctorCommand implements Callable<Integer> {
    static final long SERVER_DEFAULT_CONNECTIONS = 1_000_000;
    static final long CLIENT_DEFAULT_CONNECTIONS = 333_334;

    @Spec
    CommandSpec spec;

    @Option(names = "--role", paramLabel = "server|client",
        description = "The role of this host. Default: the jar's own (server for c1m-server, client for c1m-client).")
    String role;

    @Option(names = "--impl", paramLabel = "netty|c-epoll|command",
        description = "Server: the server that will run (the lab's c1m_server_impl): netty (the lab's Java server, the"
            + " default), c-epoll (the C epoll server: no JVM, so no heap check) or command (your own: its memory is not"
            + " counted). A client is always the lab's Java client. external is refused: that server runs on no host of the lab.")
    String impl;

    @Option(names = "--connections", paramLabel = "N", converter = CountConverter.class,
        description = "This host's share: the whole target on the server (default 1m), a client's part on a client"
            + " (default 333334).")
    Long connections;

    @Option(names = "--ports", paramLabel = "PORTS", converter = PortListConverter.class, defaultValue = "9000-9019",
        description = "The server's ports: a range (9000-9019), a list (9000,9001) or both.")
    PortList ports;

    @Option(names = "--source-ips", paramLabel = "N|LIST|CIDR",
        description = "Client: how many local addresses it connects from, or the list or CIDR given to the client."
            + " Default: 1 (the kernel's choice).")
    String sourceIps;

    @Option(names = "--rate", paramLabel = "PER_SECOND", converter = CountConverter.class, defaultValue = "0",
        description = "Server: new connections per second arriving from all clients together, for the listen queues;"
            + " 0 = the loopback ramp rate measured in docs/performance.md.")
    long rate;

    @Option(names = "--heap", paramLabel = "SIZE", description = "The -Xmx the service will run with (e.g. 1400m, 2g); the Java server (--impl netty) and clients only.")
    String heap;

    @Option(names = "--nofile", paramLabel = "N|SOFT:HARD",
        description = "The open-files limit the service will get (systemd LimitNOFILE). Default: this process's own.")
    String nofile;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = HeartbeatConverter.class, defaultValue = "0",
        description = "Client: the heartbeat interval of the run (its --heartbeat), to check that this host's CPUs can"
            + " keep the schedule; 0 = no heartbeats.")
    Duration heartbeat;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "0",
        description = "The CPUs the service will have; 0 = this host's.")
    int cpus;

    @Option(names = "--transport", paramLabel = "epoll|io_uring|nio", converter = TransportConverter.class,
        defaultValue = "epoll", description = "The Java service's transport: io_uring adds the locked-memory check (its rings); not used with"
            + " --impl c-epoll or command.")
    TransportKind transport;

    @Option(names = "--memlock", paramLabel = "BYTES|infinity",
        description = "The locked-memory limit the service will get (systemd LimitMEMLOCK; 64m, 8388608, infinity)."
            + " Default: this process's own.")
    String memlock;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--proc-root", paramLabel = "DIR", hidden = true, defaultValue = "/",
        description = "Read proc/, sys/ and run/ under this folder instead of / (recorded fixtures).")
    Path procRoot;

    /** Runs the doctor on its own, as {@code c1m-server doctor} would with the server role. */
    public static void main(String[] args) {
        System.exit(Cli.run(new DoctorCommand(), args));
    }

    @Override
    public Integer call() {
        HostShare share = share();
        long lockedSoft = memlock();
        List<Check> checks = new ArrayList<>(Doctor.examine(HostFacts.read(procRoot), share));
        boolean ioUring = transport == TransportKind.IO_URING;
        if (ioUring && share.impl() == ServerImpl.NETTY) {
            // One loop per CPU (the jars' --threads 0), and the server's acceptor.
            checks.add(LockedMemoryCheck.run(lockedSoft, share.cpus() + (share.server() ? 1 : 0)));
        }
        DoctorReport report = new DoctorReport(share, checks, NotApplicable.of(share, heap != null, ioUring));
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() : report.table());
        out.flush();
        return report.exitCode();
    }

    private HostShare share() {
        CommandLine cmd = spec.commandLine();
        HostShare.Role r;
        try {
            r = role != null ? HostShare.Role.parse(role) : defaultRole();
        } catch (IllegalArgumentException e) {
            throw Cli.usage(cmd, "--role: " + e.getMessage());
        }
        long share = connections != null ? connections
            : r == HostShare.Role.SERVER ? SERVER_DEFAULT_CONNECTIONS : CLIENT_DEFAULT_CONNECTIONS;
        if (share < 1) {
            throw Cli.usage(cmd, "--connections must be at least 1");
        }
        int sources = 1;
        if (sourceIps != null) {
            try {
                sources = HostShare.countSources(sourceIps);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(cmd, "--source-ips: " + e.getMessage());
            }
        }
        long heapBytes = -1;
        if (heap != null) {
            try {
                heapBytes = HostShare.parseHeap(heap);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(cmd, "--heap: " + e.getMessage());
            }
        }
        long[] limit = {-1, -1};
        if (nofile != null) {
            try {
                limit = HostShare.parseNofile(nofile);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(cmd, "--nofile: " + e.getMessage());
            }
        }
        if (cpus < 0) {
            throw Cli.usage(cmd, "--cpus must be 0 (this host's) or more, got " + cpus);
        }
        try {
            ServerImpl server = impl != null ? ServerImpl.parse(impl) : ServerImpl.NETTY;
            return new HostShare(r, share, ports, sources, rate, heapBytes, limit[0], limit[1], jvmRaisesSoftLimit(),
                heartbeat.toNanos(), cpus > 0 ? cpus : Runtime.getRuntime().availableProcessors(), server);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(cmd, "--impl: " + e.getMessage());
        }
    }

    /** --memlock in bytes (Long.MAX_VALUE: infinity), or this process's own soft limit (-1: not shown). */
    private long memlock() {
        if (memlock == null) {
            return ProcFiles.limit(procRoot.resolve("proc/self/limits"), "Max locked memory")[0];
        }
        String text = memlock.trim().toLowerCase(Locale.ROOT);
        if (text.equals("infinity") || text.equals("unlimited")) {
            return Long.MAX_VALUE;
        }
        try {
            return HostShare.parseHeap(text);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec.commandLine(), "--memlock: '" + memlock + "' is not a size: bytes, 64m, 1g or infinity");
        }
    }

    /** The jar's own role: this command under c1m-client is the client's doctor, anywhere else the server's. */
    private HostShare.Role defaultRole() {
        CommandSpec parent = spec.parent();
        return parent != null && parent.name().contains("client") ? HostShare.Role.CLIENT : HostShare.Role.SERVER;
    }

    /** HotSpot raises its soft open-files limit to the hard one at start unless started with -XX:-MaxFDLimit. */
    static boolean jvmRaisesSoftLimit() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot == null || Boolean.parseBoolean(hotspot.getVMOption("MaxFDLimit").getValue());
        } catch (RuntimeException e) {
            return true;
        }
    }
}
