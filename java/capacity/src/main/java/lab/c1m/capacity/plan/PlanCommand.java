package lab.c1m.capacity.plan;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.cli.CountConverter;
import lab.c1m.capacity.HeartbeatConverter;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.capacity.doctor.HostShare;
import lab.c1m.common.notation.PortList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code c1m-server plan} and {@code c1m-client plan}: for a target, the hosts it needs (or whether the
 * hosts given hold it), with every figure from the doctor's rules (lab.c1m.capacity), for the server that will run.
 */
@Command(name = "plan", header = "Plans a run of any size: the hosts a target needs, from the doctor's rules.",
    showDefaultValues = true, sortOptions = false, usageHelpAutoWidth = true,
    description = "For a target of connections: the server's memory (kernel, conntrack, and heap and JVM or the user"
        + " space of the server that will run, --impl; none for an external server), what is left, the"
        + " clients and each one's share, source addresses and server ports by the 5-tuple rule, the sysctls and limits"
        + " each host needs, the heartbeat rate a CPU and the expected ramp time. Each figure names its rule in"
        + " rules.properties, the table the doctor uses. Sizes not given are chosen: the smallest standard server that"
        + " holds the target and the fewest clients of the client size. Rules: docs/scaling.md.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:These hosts hold the target (notes may remain).",
        "2:Bad usage (one line names the option and the problem).",
        "3:The hosts given cannot hold the target (the plan names what to add)."})
public final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--connections", paramLabel = "N", converter = CountConverter.class, defaultValue = "1m",
        description = "The target: connections open at once on the server (10k, 1m, 10m).")
    long connections;

    @Option(names = "--impl", paramLabel = "netty|c-epoll|command|external", defaultValue = "netty",
        description = "The server that will run (the lab's c1m_server_impl): netty (the lab's Java server: heap and JVM),"
            + " c-epoll (the C epoll server: no JVM), command (your own: its memory is not counted) or external (running"
            + " outside the lab: no server host is planned, the clients alone are judged).")
    String impl;

    @Option(names = "--server-memory", paramLabel = "SIZE",
        description = "The server's memory (64g, 6144m). Default: the smallest standard shape that holds the target."
            + " Ignored (with a note) when the server is external.")
    String serverMemory;

    @Option(names = "--server-cpus", paramLabel = "N", defaultValue = "0",
        description = "The server's CPUs; 0 = the shape's (4 GiB a CPU when only --server-memory is given).")
    int serverCpus;

    @Option(names = "--client-memory", paramLabel = "SIZE",
        description = "Each client's memory. Default: the lab's client VM (4 GiB).")
    String clientMemory;

    @Option(names = "--client-cpus", paramLabel = "N", defaultValue = "0",
        description = "Each client's CPUs; 0 = the shape's (2 for the lab's VM).")
    int clientCpus;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "0",
        description = "How many clients there are (an inventory); 0 = the fewest that hold the target.")
    int clients;

    @Option(names = "--ports", paramLabel = "N|PORTS", defaultValue = "20",
        description = "The server's ports: how many (20), or the ports themselves (9000-9019, 9000,9001).")
    String ports;

    @Option(names = "--source-ips", paramLabel = "N|LIST|CIDR", defaultValue = "0",
        description = "Local addresses each client connects from (a number, a list or a CIDR, as the doctor counts"
            + " them); 0 = the fewest the 5-tuple rule wants.")
    String sourceIps;

    @Option(names = "--port-range", paramLabel = "LOW-HIGH", defaultValue = "1024-65535",
        description = "The clients' net.ipv4.ip_local_port_range (the lab's kernel role sets 1024-65535).")
    String portRange;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = HeartbeatConverter.class, defaultValue = "30s",
        description = "Each connection's heartbeat interval; 0 = none.")
    Duration heartbeat;

    @Option(names = "--rate", paramLabel = "PER_SECOND", converter = CountConverter.class, defaultValue = "0",
        description = "Connects a second each client is paced at (c1m_connect_rate); 0 = as fast as it goes.")
    long rate;

    @Option(names = "--conntrack", paramLabel = "on|off", defaultValue = "on",
        description = "Whether the hosts track connections (the lab's kernel role loads nf_conntrack; off = NOTRACK or"
            + " no module).")
    String conntrack;

    @Option(names = "--max-open-files", paramLabel = "N", converter = CountConverter.class, defaultValue = "0",
        description = "The most open files a process may get on these hosts (a container's ceiling, e.g. init's hard"
            + " limit in LXC); 0 = no ceiling (a VM: fs.nr_open is raised).")
    long maxOpenFiles;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    public static void main(String[] args) {
        System.exit(Cli.run(new PlanCommand(), args));
    }

    @Override
    public Integer call() {
        PlanReport report = new PlanReport(Sizing.plan(request()));
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.json() : report.table());
        out.flush();
        return report.exitCode();
    }

    PlanRequest request() {
        CommandLine cmd = spec.commandLine();
        if (connections < 1) {
            throw Cli.usage(cmd, "--connections must be at least 1");
        }
        if (serverCpus < 0 || clientCpus < 0 || clients < 0) {
            throw Cli.usage(cmd, "--server-cpus, --client-cpus and --clients are 0 (choose) or more");
        }
        int[] range = range(cmd);
        long hb = heartbeat.toMillis();
        if (hb < 0) {
            throw Cli.usage(cmd, "--heartbeat must be 0 or more");
        }
        boolean tracked = switch (conntrack.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw Cli.usage(cmd, "--conntrack: '" + conntrack + "' is not on or off");
        };
        return new PlanRequest(connections, shape(cmd, "--server-memory", serverMemory, serverCpus),
            shape(cmd, "--client-memory", clientMemory, clientCpus), clients, portCount(cmd), sources(cmd), range[0], range[1],
            hb / 1000.0, tracked, rate, maxOpenFiles, serverImpl(cmd));
    }

    private ServerImpl serverImpl(CommandLine cmd) {
        try {
            return ServerImpl.parse(impl);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(cmd, "--impl: " + e.getMessage());
        }
    }

    private static Shape shape(CommandLine cmd, String option, String memory, int cpus) {
        if (memory == null && cpus == 0) {
            return null;
        }
        long bytes = 0;
        if (memory != null) {
            try {
                bytes = Shape.parseMemory(memory);
            } catch (IllegalArgumentException e) {
                throw Cli.usage(cmd, option + ": " + e.getMessage());
            }
        }
        return new Shape(bytes, cpus, "given");
    }

    /** A plain number is a count of ports; anything with '-' or ',' is the ports themselves. */
    private int portCount(CommandLine cmd) {
        String p = ports.trim();
        try {
            if (p.matches("\\d+")) {
                int n = Integer.parseInt(p);
                if (n < 1 || n > 65535) {
                    throw Cli.usage(cmd, "--ports: " + n + " ports is not between 1 and 65,535");
                }
                return n;
            }
            return PortList.parse(p).size();
        } catch (IllegalArgumentException e) {
            throw Cli.usage(cmd, "--ports: " + e.getMessage());
        }
    }

    private int sources(CommandLine cmd) {
        if (sourceIps.trim().equals("0")) {
            return 0;
        }
        try {
            return HostShare.countSources(sourceIps);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(cmd, "--source-ips: " + e.getMessage());
        }
    }

    private int[] range(CommandLine cmd) {
        String[] f = portRange.trim().split("[-\\s]+");
        try {
            int low = Integer.parseInt(f[0]);
            int high = Integer.parseInt(f[f.length - 1]);
            if (f.length != 2 || low < 1 || high > 65535 || low > high) {
                throw new NumberFormatException();
            }
            return new int[] {low, high};
        } catch (NumberFormatException e) {
            throw Cli.usage(cmd, "--port-range: '" + portRange + "' is not LOW-HIGH within 1-65535, e.g. 1024-65535");
        }
    }
}
