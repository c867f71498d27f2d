package lab.c1m.capacity.doctor;

import java.util.ArrayList;
import java.util.List;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.common.notation.PortList;
import lab.c1m.common.notation.Quantities;

/**
 * The jars' own preflight, before they open a socket: the doctor's open-files checks, and a client's
 * 5-tuple, run for this very process. So a jar that refuses to start and the doctor can never disagree:
 * a FAIL refuses (exit 3), a WARN is logged, and both name the fix as the doctor's table does.
 */
public final class StartupCheck {
    private StartupCheck() {
    }

    /**
     * What the process about to start must hold: its own limits (the JVM has already raised its soft one). The
     * process is always a jar, so the server is the Java one (netty): another server never runs this check.
     */
    public static HostShare share(HostShare.Role role, long connections, PortList ports, int sourceAddresses, long heartbeatNanos) {
        return new HostShare(role, connections, ports, Math.max(1, sourceAddresses), 0, -1, -1, -1, false, heartbeatNanos,
            Runtime.getRuntime().availableProcessors(), ServerImpl.NETTY);
    }

    /** The doctor's checks that decide whether this process can open its share; OK rows are dropped. */
    public static List<Check> run(HostFacts facts, HostShare share) {
        List<Check> checks = new ArrayList<>(OpenFilesCheck.run(facts.limits(), facts, share));
        if (!share.server()) {
            checks.addAll(PortsCheck.run(facts.limits(), facts, share));
        }
        checks.removeIf(c -> c.status() == Status.OK);
        return checks;
    }

    public static List<Check> failed(List<Check> checks) {
        return checks.stream().filter(c -> c.status() == Status.FAIL).toList();
    }

    /** One line per check, as the doctor's table words it. */
    public static String line(Check c) {
        return c.name() + ": " + c.found() + "; needs " + c.needed() + (c.fix() == null || c.fix().isEmpty() ? "" : ". Fix: " + c.fix());
    }

    /** The refusal a jar exits 3 with: each FAIL with its fix, then the doctor command showing every limit. */
    public static String refusal(String jar, long connections, List<Check> failed, String doctorArguments) {
        StringBuilder sb = new StringBuilder(jar + ": this host cannot hold " + Quantities.count(connections)
            + " connections:");
        failed.forEach(c -> sb.append(System.lineSeparator()).append("  ").append(line(c)));
        sb.append(System.lineSeparator()).append("  Every limit, each with its fix: java -jar ").append(jar).append(".jar doctor ")
            .append(doctorArguments);
        return sb.toString();
    }
}
