package lab.c1m.capacity.doctor;

import java.util.ArrayList;
import java.util.List;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.HostLimits;

/** Runs every check for a host's share against what this host shows, in the order the table lists them. */
public final class Doctor {
    private Doctor() {
    }

    public static List<Check> examine(HostFacts facts, HostShare share) {
        HostLimits limits = facts.limits();
        List<Check> checks = new ArrayList<>(OpenFilesCheck.run(limits, facts, share));
        checks.addAll(PortsCheck.run(limits, facts, share));
        checks.addAll(ConntrackCheck.run(facts, share));
        checks.add(EpollCheck.run(limits, share));
        checks.addAll(ListenQueueCheck.run(facts, share));
        checks.add(NetdevBacklogCheck.run(facts));
        checks.addAll(MemoryCheck.run(facts, share));
        checks.add(TcpMemCheck.run(facts, share));
        if (!share.server() && share.heartbeatNanos() > 0) {
            checks.add(HeartbeatCheck.run(share));
        }
        return checks;
    }
}
