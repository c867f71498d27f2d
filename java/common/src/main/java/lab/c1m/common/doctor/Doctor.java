package lab.c1m.common.doctor;

import java.util.ArrayList;
import java.util.List;
import lab.c1m.common.capacity.HostFacts;
import lab.c1m.common.capacity.HostLimits;

/** Runs every check for a plan against what this host shows, in the order the table lists them. */
public final class Doctor {
    private Doctor() {
    }

    public static List<Check> examine(HostFacts facts, Plan plan) {
        HostLimits limits = facts.limits();
        List<Check> checks = new ArrayList<>(OpenFilesCheck.run(limits, facts, plan));
        checks.addAll(PortsCheck.run(limits, facts, plan));
        checks.addAll(ConntrackCheck.run(facts, plan));
        checks.add(EpollCheck.run(limits, plan));
        checks.addAll(ListenQueueCheck.run(facts, plan));
        checks.add(NetdevBacklogCheck.run(facts));
        checks.addAll(MemoryCheck.run(facts, plan));
        checks.add(TcpMemCheck.run(facts, plan));
        if (!plan.server() && plan.heartbeatNanos() > 0) {
            checks.add(HeartbeatCheck.run(plan));
        }
        return checks;
    }
}
