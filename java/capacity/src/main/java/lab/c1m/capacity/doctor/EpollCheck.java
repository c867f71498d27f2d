package lab.c1m.capacity.doctor;

import lab.c1m.capacity.Capacity;
import lab.c1m.capacity.HostLimits;


/**
 * fs.epoll.max_user_watches: every socket an epoll loop watches is one watch, counted per user across all
 * of that user's processes. When they run out, epoll_ctl fails with ENOSPC ("No space left on device"):
 * the error the second seed met at 620k connections and took for exhausted memory.
 */
final class EpollCheck {
    private EpollCheck() {
    }

    static Check run(HostLimits limits, HostShare share) {
        String name = "epoll max_user_watches";
        long max = limits.epollMaxUserWatches();
        if (max < 0) {
            return Check.unreadable(name, "/proc/sys/fs/epoll/max_user_watches", "sysctl fs.epoll.max_user_watches");
        }
        long need = share.sockets();
        long comfortable = need + share.margin();
        String found = Fmt.count(max);
        String needed = ">= " + Fmt.count(need) + " = " + share.socketsText() + ", one watch each; OK from "
            + Fmt.count(comfortable) + " (" + Fmt.margin() + " for the user's other processes)";
        String fix = "sysctl -w fs.epoll.max_user_watches=" + Capacity.roundUp(comfortable)
            + " (persist it in /etc/sysctl.d/; the limit is per user: a server and a client run by the same user on one"
            + " host share it)" + Capacity.containerNote(limits);
        if (max < need) {
            return Check.fail(name, found, needed, fix + " (else epoll_ctl fails with ENOSPC, 'No space left on device')");
        }
        if (max < comfortable) {
            return Check.warn(name, found, needed, fix);
        }
        return Check.ok(name, found, needed);
    }
}
