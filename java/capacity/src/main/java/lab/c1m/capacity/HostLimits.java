package lab.c1m.capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import lab.c1m.common.host.ProcFiles;

/**
 * The kernel and process limits that decide how many sockets this process can hold, read from /proc
 * (under a root folder, so tests can read recorded fixtures; the reading itself is common's ProcFiles).
 * A value that cannot be read is -1.
 */
public record HostLimits(
    long nofileSoft,
    long nofileHard,
    long nrOpen,
    long fileMax,
    int portRangeLow,
    int portRangeHigh,
    long epollMaxUserWatches,
    boolean canRaiseHardLimit,
    int openFds,
    String container) {

    /** CAP_SYS_RESOURCE lets a process raise its own hard limit; containers usually lack it. */
    private static final int CAP_SYS_RESOURCE = 24;

    public static HostLimits read() {
        return read(Path.of("/"));
    }

    public static HostLimits read(Path root) {
        Path proc = root.resolve("proc");
        long[] nofile = nofile(proc.resolve("self/limits"));
        int[] range = portRange(proc.resolve("sys/net/ipv4/ip_local_port_range"));
        return new HostLimits(
            nofile[0],
            nofile[1],
            ProcFiles.number(proc.resolve("sys/fs/nr_open")),
            ProcFiles.number(proc.resolve("sys/fs/file-max")),
            range[0],
            range[1],
            ProcFiles.number(proc.resolve("sys/fs/epoll/max_user_watches")),
            hasCapability(proc.resolve("self/status"), CAP_SYS_RESOURCE) && initialUserNamespace(proc.resolve("self/uid_map")),
            countEntries(proc.resolve("self/fd")),
            container(root));
    }

    /** Ephemeral ports in ip_local_port_range, both ends included. */
    public int portRangeSize() {
        return portRangeLow < 0 ? -1 : portRangeHigh - portRangeLow + 1;
    }

    /** {soft, hard} open files from a /proc/PID/limits file; unlimited is Long.MAX_VALUE; -1 when unreadable. */
    public static long[] nofile(Path limits) {
        return ProcFiles.limit(limits, "Max open files");
    }

    private static int[] portRange(Path file) {
        try {
            String[] f = ProcFiles.readSmallFile(file).trim().split("\\s+");
            return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {-1, -1};
        }
    }

    private static boolean hasCapability(Path status, int capability) {
        try (Stream<String> lines = Files.lines(status)) {
            return lines.filter(l -> l.startsWith("CapEff:"))
                .findFirst()
                .map(l -> (Long.parseUnsignedLong(l.substring(7).trim(), 16) >>> capability & 1) == 1)
                .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether this process runs in the initial user namespace. Raising a hard limit needs CAP_SYS_RESOURCE
     * there: root of an unprivileged container shows the capability in CapEff (it holds it in its own user
     * namespace) and still may not raise one. Unreadable (old kernels, fixtures): assumed initial.
     */
    private static boolean initialUserNamespace(Path uidMap) {
        try {
            String[] f = ProcFiles.readSmallFile(uidMap).trim().split("\\s+");
            return f.length == 3 && f[0].equals("0") && f[1].equals("0") && f[2].equals("4294967295");
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static int countEntries(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return (int) entries.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** "lxc", "docker"... when this process runs in a container (as systemd records it), else null. */
    private static String container(Path root) {
        try {
            String marker = ProcFiles.readSmallFile(root.resolve("run/systemd/container")).trim();
            if (!marker.isEmpty()) {
                return marker;
            }
        } catch (IOException | RuntimeException ignored) {
            // Not recorded by systemd: look for the usual other markers.
        }
        if (Files.exists(root.resolve(".dockerenv"))) {
            return "docker";
        }
        return null;
    }
}
