package lab.c1m.capacity.doctor;

import java.util.List;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.Rules;
import lab.c1m.capacity.ServerImpl;

/**
 * Memory: what the share costs the kernel and the server that will run against what this host has left, and,
 * for the Java server, the heap it will run with against what its connections need. Per-connection costs
 * were measured (docs/performance.md) and are kept in rules.properties (Rules), shared with the roles and
 * the report. A server without a JVM has no heap row (NotApplicable says why).
 */
final class MemoryCheck {
    /** Kernel memory per TCP socket (socket, inode, dentry, file, epoll item), measured in a Linux 6.x VM. */
    static final long KERNEL_BYTES_PER_SOCKET = Rules.KERNEL_SOCKET_BYTES;
    /** One nf_conntrack entry. */
    static final long CONNTRACK_BYTES_PER_ENTRY = Rules.CONNTRACK_ENTRY_BYTES;
    /** Retained heap per connection with heartbeats on JDK 17: server 948 B, client 969 B, rounded up. */
    static final long HEAP_BYTES_PER_CONNECTION = Rules.HEAP_LIVE_BYTES_PER_CONNECTION;
    /** Heap sizing rule of docs/performance.md: the live set plus 30%, plus a young generation. */
    static final double HEAP_HEADROOM = Rules.HEAP_HEADROOM;
    static final long YOUNG_GENERATION = Rules.HEAP_YOUNG_MIB * Fmt.MIB;
    /** Native memory a connection adds beyond the heap (server 79 B, client 154 B measured). */
    static final long NATIVE_BYTES_PER_CONNECTION = Rules.JVM_NATIVE_BYTES_PER_CONNECTION;
    /** What a JVM takes besides its heap before any connection (about 80 MiB measured on 2 CPUs), rounded up. */
    static final long JVM_BASELINE = Rules.JVM_BASELINE_MIB * Fmt.MIB;
    /** The kernel's cost per socket varied from 3.8 to 4.2 KB between hosts: ask for 10% more to be OK. */
    static final double ESTIMATE_MARGIN = Rules.MEMORY_MARGIN;

    private MemoryCheck() {
    }

    static long liveHeap(HostShare share) {
        return Needs.liveHeapBytes(share.connections());
    }

    static long recommendedHeap(HostShare share) {
        return Needs.heapBytes(share.connections());
    }

    static List<Check> run(HostFacts facts, HostShare share) {
        return share.impl().jvm() ? List.of(memory(facts, share), heap(share)) : List.of(memory(facts, share));
    }

    private static Check memory(HostFacts facts, HostShare share) {
        String name = "memory";
        long usable = facts.usableMemoryBytes();
        if (usable < 0) {
            return Check.unreadable(name, "/proc/meminfo MemAvailable", "grep MemAvailable /proc/meminfo");
        }
        // The same estimate the plan makes (lab.c1m.capacity.plan): one computation, Needs.memory.
        Needs.Memory m = Needs.memory(share.impl(), share.sockets(), share.connections(),
            facts.conntrackLoaded() ? share.tracked() : 0);
        long sockets = m.kernel();
        long conntrack = m.conntrack();
        long heap = m.heap();
        long beyondHeap = m.nativeBytes();  // the JVM's native memory, or a server's user space
        long estimate = m.total();
        long comfortable = m.comfortable();
        // Only a JVM takes a --heap larger than the rule's: then the whole of it may get used.
        long worst = share.impl().jvm() && share.heapBytes() > heap ? estimate - heap + share.heapBytes() : estimate;

        String found = Fmt.bytes(usable) + (facts.cgroupLimited()
            ? " (cgroup memory limit " + Fmt.bytes(facts.cgroupLimitBytes()) + ", " + Fmt.bytes(Math.max(0, facts.cgroupUsageBytes()))
                + " used)"
            : " available (MemAvailable)");
        String needed = ">= " + Fmt.bytes(estimate) + " = kernel " + Fmt.bytes(sockets) + " (" + Fmt.count(share.sockets())
            + " sockets x " + Fmt.count(KERNEL_BYTES_PER_SOCKET) + " B)"
            + (conntrack > 0 ? " + conntrack " + Fmt.bytes(conntrack) + " (" + Fmt.count(share.tracked()) + " x "
                + CONNTRACK_BYTES_PER_ENTRY + " B)" : "")
            + serverPart(share, heap, beyondHeap) + "; OK from " + Fmt.bytes(comfortable) + " (+10%)"
            + (worst > comfortable ? ", and from " + Fmt.bytes(worst) + " if the whole --heap gets used" : "");
        String fix = (share.impl() == ServerImpl.COMMAND ? "leave room for your server's own memory besides this; " : "")
            + "give this host more memory" + (facts.cgroupLimited() ? " (raise the container's memory limit:"
            + " lxc.cgroup2.memory.max, docker run --memory)" : " (the VM's memory)") + ", spread the target over more hosts,"
            + " or lower the kernel's cost per socket with one-page default buffers: sysctl -w net.ipv4.tcp_rmem=\"4096 4096"
            + " 6291456\" net.ipv4.tcp_wmem=\"4096 4096 4194304\"";
        if (usable < estimate) {
            return Check.fail(name, found, needed, fix + " (else the kernel's OOM killer or ENOMEM/ENOBUFS stop the run)");
        }
        if (usable < comfortable || usable < worst) {
            return Check.warn(name, found, needed, "tight: " + fix
                + (usable < worst ? "; or a smaller -Xmx: " + Fmt.megabytesFlag(heap) + " is enough" : ""));
        }
        return Check.ok(name, found, needed);
    }

    /** What the server itself adds to the kernel's cost: the JVM's heap and native memory, or its user space. */
    private static String serverPart(HostShare share, long heap, long nativeBytes) {
        return switch (share.impl()) {
            case NETTY -> " + heap " + Fmt.bytes(heap) + " (" + Fmt.count(share.connections()) + " x "
                + Fmt.count(HEAP_BYTES_PER_CONNECTION) + " B x " + HEAP_HEADROOM + " + " + Fmt.bytes(YOUNG_GENERATION) + " young)"
                + " + JVM native " + Fmt.bytes(nativeBytes) + " (" + Fmt.bytes(JVM_BASELINE) + " + " + NATIVE_BYTES_PER_CONNECTION
                + " B a connection)";
            case C_EPOLL -> " + c-epoll user space " + Fmt.bytes(nativeBytes) + " (" + Fmt.count(share.connections()) + " x "
                + Rules.C_EPOLL_BYTES_PER_CONNECTION + " B; no JVM: its descriptor and epoll item are the kernel's)";
            case COMMAND -> "; your server's own memory is not counted (the lab knows nothing of it before it runs: the"
                + " report measures its RSS from outside after the run)";
            case EXTERNAL -> throw new IllegalStateException(Needs.NO_SERVER_HOST);  // HostShare refuses it
        };
    }

    private static Check heap(HostShare share) {
        String name = "heap";
        long live = liveHeap(share);
        long recommended = recommendedHeap(share);
        String needed = ">= -Xmx" + Fmt.megabytesFlag(recommended) + " = " + Fmt.count(share.connections()) + " connections x "
            + Fmt.count(HEAP_BYTES_PER_CONNECTION) + " B x " + HEAP_HEADROOM + " + " + Fmt.bytes(YOUNG_GENERATION)
            + " young; at the very least " + Fmt.bytes(live) + " live";
        if (share.heapBytes() < 0) {
            return Check.ok(name, "not given (--heap)", needed);
        }
        String found = "-Xmx" + Fmt.megabytesFlag(share.heapBytes()) + " (" + Fmt.bytes(share.heapBytes()) + ")";
        String fix = "-Xmx" + Fmt.megabytesFlag(recommended) + " (with -Xms the same and -XX:+AlwaysPreTouch the memory is"
            + " taken at start, not at connection 900k when the kernel needs it too)";
        if (share.heapBytes() < live) {
            return Check.fail(name, found, needed, fix + " (else OutOfMemoryError before the share is in)");
        }
        if (share.heapBytes() < recommended) {
            return Check.warn(name, found, needed, "little room for garbage: full GCs get frequent near the target. " + fix);
        }
        return Check.ok(name, found, needed);
    }
}
