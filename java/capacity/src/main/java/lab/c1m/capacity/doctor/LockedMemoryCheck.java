package lab.c1m.capacity.doctor;

import lab.c1m.common.netty.Transport;
import lab.c1m.common.notation.Quantities;

/**
 * io_uring only: each event loop's rings are locked memory (RLIMIT_MEMLOCK, counted over every process of the
 * user), {@link Transport#IO_URING_RING_BYTES} a loop. A limit below them stops the service's loops from
 * starting; the doctor says so before the run, with the fix a loop that failed would give.
 */
final class LockedMemoryCheck {
    static final String NAME = "locked memory (io_uring)";

    private LockedMemoryCheck() {
    }

    /** memlockSoft: the service's soft RLIMIT_MEMLOCK in bytes (Long.MAX_VALUE: unlimited; -1: unknown). */
    static Check run(long memlockSoft, int loops) {
        long need = loops * Transport.IO_URING_RING_BYTES;
        String needed = ">= " + Quantities.mib(need) + " = " + loops + " event loop(s) x "
            + Quantities.mib(Transport.IO_URING_RING_BYTES) + " of rings";
        if (memlockSoft < 0) {
            return Check.unreadable(NAME, "no Max locked memory in /proc/self/limits", "ulimit -l, or the unit's LimitMEMLOCK");
        }
        String found = memlockSoft == Long.MAX_VALUE ? "unlimited" : Quantities.mib(memlockSoft);
        if (memlockSoft >= need) {
            return Check.ok(NAME, found, needed);
        }
        return Check.fail(NAME, found, needed, Transport.IO_URING_MEMLOCK_FIX);
    }
}
