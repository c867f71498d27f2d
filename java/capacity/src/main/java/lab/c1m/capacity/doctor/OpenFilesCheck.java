package lab.c1m.capacity.doctor;

import java.util.ArrayList;
import java.util.List;
import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.HostLimits;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.ServerImpl;

/**
 * Open files, the seed's first wall ("Too many open files"): the service's hard and soft nofile limits,
 * the ceiling a service can be given here at all, fs.nr_open and fs.file-max.
 */
final class OpenFilesCheck {
    private OpenFilesCheck() {
    }

    static List<Check> run(HostLimits limits, HostFacts facts, HostShare share) {
        long need = Needs.descriptors(share.sockets());
        long wanted = Capacity.roundUp(need);
        String needed = ">= " + Fmt.count(need) + " = " + share.socketsText() + " + " + Capacity.FD_RESERVE
            + " reserve (" + reserveWords(share.impl()) + ")";
        List<Check> checks = new ArrayList<>();
        checks.add(hard(limits, share, need, wanted, needed));
        checks.add(soft(limits, facts, share, need, wanted, needed));
        checks.add(ceiling(limits, facts, share, need, wanted));
        checks.add(nrOpen(limits, share, need, wanted));
        checks.add(fileMax(limits, facts, share));
        return checks;
    }

    /** What the reserve of descriptors besides the sockets is for, in the server's case. */
    private static String reserveWords(ServerImpl impl) {
        return switch (impl) {
            case NETTY -> "JVM, epoll, logs";
            case C_EPOLL -> "epoll, logs, spare descriptors";
            case COMMAND -> "your server's own files";
            case EXTERNAL -> throw new IllegalStateException(Needs.NO_SERVER_HOST);  // HostShare refuses it
        };
    }

    private static String source(HostShare share) {
        return share.nofileGiven() ? "--nofile, the service's LimitNOFILE" : "this process";
    }

    private static Check hard(HostLimits limits, HostShare share, long need, long wanted, String needed) {
        String name = "open files (hard)";
        long hard = share.nofileGiven() ? share.nofileHard() : limits.nofileHard();
        if (hard < 0) {
            return Check.unreadable(name, "/proc/self/limits", "ulimit -Hn as the service's user, or pass --nofile");
        }
        String found = Fmt.count(hard) + " (" + source(share) + ")";
        if (hard >= need) {
            return Check.ok(name, found, needed);
        }
        String fix = share.nofileGiven()
            ? "LimitNOFILE=" + wanted + " in the service's systemd unit (sets soft and hard); for a shell, 'nofile " + wanted
                + "' in /etc/security/limits.conf"
            : Capacity.hardLimitFix(limits, wanted);
        return Check.fail(name, found, needed, fix);
    }

    /**
     * The soft limit is what open() and accept() obey. A JVM raises its own to the hard limit at start
     * (-XX:+MaxFDLimit, the default), so for the jars a low soft limit matters only with -XX:-MaxFDLimit;
     * the c-epoll server raises its own too, a user's command is not known to, so for it the soft limit is
     * the wall. Whatever the server, the doctor is a JVM and no longer shows the soft limit it inherited,
     * so the parent's is read instead (the stand-in for the service's when --nofile is not given).
     */
    private static Check soft(HostLimits limits, HostFacts facts, HostShare share, long need, long wanted, String needed) {
        String name = "open files (soft)";
        long soft = share.nofileGiven() ? share.nofileSoft() : limits.nofileSoft();
        long hard = share.nofileGiven() ? share.nofileHard() : limits.nofileHard();
        if (soft < 0) {
            return Check.unreadable(name, "/proc/self/limits", "ulimit -Sn as the service's user, or pass --nofile");
        }
        String found = Fmt.count(soft) + " (" + source(share) + ")";
        long[] parent = facts.parentNofile();
        if (!share.nofileGiven() && share.jvmRaisesSoftLimit() && soft == hard && parent[1] == hard && parent[0] >= 0
            && parent[0] < soft) {
            found = Fmt.count(parent[0]) + " (inherited: the parent process"
                + (facts.parentName() == null ? "" : " '" + facts.parentName() + "'") + " has it; this JVM raised its own to "
                + Fmt.count(soft) + ")";
            soft = parent[0];
        }
        if (soft >= need || soft >= hard) {
            // Enough, or as high as the hard limit allows: then the hard limit is the one to raise.
            return Check.ok(name, soft >= need ? found : found + ", as high as the hard limit allows", needed);
        }
        if (share.serviceRaisesSoftLimit()) {
            String raiser = share.impl() == ServerImpl.C_EPOLL
                ? "the c-epoll server is not stopped by it: it raises its soft limit to the hard one (" + Fmt.count(hard)
                    + ") at start, as a JVM does; any other"
                : "the jars are not stopped by it: a JVM raises its soft limit to the hard one (" + Fmt.count(hard)
                    + ") at start (-XX:+MaxFDLimit, the default); a JVM with -XX:-MaxFDLimit or any other";
            return Check.warn(name, found, needed, raiser + " program started this way stops at " + Fmt.count(soft)
                + " with 'Too many open files'. Fix: LimitNOFILE=" + wanted + " (sets both), or "
                + (share.impl().jvm() ? Capacity.softLimitFix(wanted) : "start it with 'ulimit -Sn " + wanted + "'"));
        }
        if (share.impl() == ServerImpl.COMMAND) {
            return Check.fail(name, found, needed, "your server keeps the soft limit it is started with (the lab cannot tell"
                + " whether it raises it, as a JVM does): it stops at " + Fmt.count(soft) + " with 'Too many open files'."
                + " Fix: LimitNOFILE=" + wanted + " in the unit (sets soft and hard), or start it"
                + " with 'ulimit -Sn " + wanted + "' (the hard limit allows it)");
        }
        return Check.fail(name, found, needed, "this JVM runs with -XX:-MaxFDLimit, so it keeps the soft limit: "
            + Capacity.softLimitFix(wanted) + ", or LimitNOFILE=" + wanted + " in the unit (sets both)");
    }

    /**
     * The most open files any process here can be given. Without CAP_SYS_RESOURCE no process may raise a hard
     * limit; in a container that includes its init and service manager, so init's hard limit is the ceiling.
     * Outside one, root's service manager may grant up to fs.nr_open.
     */
    private static Check ceiling(HostLimits limits, HostFacts facts, HostShare share, long need, long wanted) {
        String name = "open files ceiling";
        boolean cap = limits.canRaiseHardLimit();
        String container = limits.container();
        long init = facts.initNofileHard();
        long nrOpen = limits.nrOpen();
        String why = (cap ? "CAP_SYS_RESOURCE" : "no CAP_SYS_RESOURCE") + (container == null ? ", no container" : ", " + container
            + " container");
        if (cap || container == null) {
            // Root's service manager may grant up to fs.nr_open, which has its own row.
            return Check.ok(name, "fs.nr_open, " + Fmt.count(nrOpen) + " (" + why + ")", ">= " + Fmt.count(need));
        }
        if (init < 0) {
            return Check.warn(name, "unknown: init's limits not readable (" + why + ")", ">= " + Fmt.count(need),
                "check the container's open-files limit (grep 'open files' /proc/1/limits inside it): nothing in the"
                    + " container can be given more than its init has");
        }
        long ceiling = nrOpen > 0 ? Math.min(init, nrOpen) : init;
        String found = Fmt.count(ceiling) + " (init's hard limit: " + why + ")";
        long asked = share.nofileGiven() && share.nofileHard() != Long.MAX_VALUE ? share.nofileHard() : 0;
        String needed = ">= " + Fmt.count(need) + (asked > need ? " and >= the LimitNOFILE asked (" + Fmt.count(asked) + ")" : "");
        String raiseContainer = "raise the container's own limit on its host: lxc.prlimit.nofile = " + wanted
            + " (LXC), docker run --ulimit nofile=" + wanted + ":" + wanted + " (Docker), then restart the container";
        if (ceiling < need) {
            return Check.fail(name, found, needed, raiseContainer + " (nothing inside it may raise a hard limit)");
        }
        if (asked > ceiling) {
            return Check.fail(name, found, needed, "LimitNOFILE=" + asked + " cannot be granted here and the service would"
                + " not start: use LimitNOFILE=" + Math.min(wanted, ceiling) + " (enough for the share), or " + raiseContainer);
        }
        return Check.ok(name, found, needed);
    }

    private static Check nrOpen(HostLimits limits, HostShare share, long need, long wanted) {
        String name = "fs.nr_open";
        long nrOpen = limits.nrOpen();
        if (nrOpen < 0) {
            return Check.unreadable(name, "/proc/sys/fs/nr_open", "sysctl fs.nr_open");
        }
        String needed = ">= " + Fmt.count(need) + " (no process may have more open files)";
        if (nrOpen < need) {
            return Check.fail(name, Fmt.count(nrOpen), needed, Capacity.nrOpenFix(limits, wanted));
        }
        if (share.nofileGiven() && share.nofileHard() != Long.MAX_VALUE && share.nofileHard() > nrOpen) {
            return Check.fail(name, Fmt.count(nrOpen), needed + " and >= LimitNOFILE " + Fmt.count(share.nofileHard()),
                "LimitNOFILE above fs.nr_open cannot be applied and the service would not start: "
                    + Capacity.nrOpenFix(limits, Capacity.roundUp(share.nofileHard())));
        }
        return Check.ok(name, Fmt.count(nrOpen), needed);
    }

    /** Host-wide: every open file of every process counts, so what is open now is added to the sockets. */
    private static Check fileMax(HostLimits limits, HostFacts facts, HostShare share) {
        String name = "fs.file-max";
        long fileMax = limits.fileMax();
        if (fileMax < 0) {
            return Check.unreadable(name, "/proc/sys/fs/file-max", "sysctl fs.file-max");
        }
        long inUse = Math.max(0, facts.filesAllocated());
        long need = inUse + share.sockets();
        long comfortable = need + share.margin();
        String found = Fmt.count(fileMax) + (facts.filesAllocated() >= 0 ? " (" + Fmt.count(inUse) + " open on the host now)" : "");
        String needed = ">= " + Fmt.count(need) + " = " + Fmt.count(inUse) + " open now + " + Fmt.count(share.sockets())
            + " sockets; OK from " + Fmt.count(comfortable) + " (" + Fmt.margin() + " of the share)";
        String fix = Capacity.fileMaxFix(limits, Capacity.roundUp(comfortable));
        if (fileMax < need) {
            return Check.fail(name, found, needed, fix + " (else: 'Too many open files in system', ENFILE)");
        }
        if (fileMax < comfortable) {
            return Check.warn(name, found, needed, fix);
        }
        return Check.ok(name, found, needed);
    }
}
