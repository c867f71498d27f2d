package lab.c1m.capacity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import lab.c1m.common.host.ProcFiles;

/**
 * Everything the doctor and the jars' start-up check know of this host, read once: the process's
 * {@link HostLimits} (open files, ports, epoll, capabilities) and the rest: listen queues, TCP memory,
 * conntrack, memory, the cgroup limit and the open-files limits of the parent process and of init. Read
 * from /proc and /sys under a root folder so tests can use recorded fixtures. A value that cannot be read
 * is -1 (or null).
 */
public record HostFacts(
    HostLimits limits,
    long somaxconn,
    long tcpMaxSynBacklog,
    long tcpSyncookies,
    long netdevMaxBacklog,
    long[] tcpMem,
    String reservedPorts,
    boolean conntrackLoaded,
    long conntrackMax,
    long conntrackCount,
    long conntrackBuckets,
    long memTotalBytes,
    long memAvailableBytes,
    long cgroupLimitBytes,
    long cgroupUsageBytes,
    long filesAllocated,
    long pageSize,
    long[] parentNofile,
    String parentName,
    long initNofileHard,
    Set<Integer> listeningPorts) {

    /** A cgroup memory limit at or above this is "no limit" (v1 reports 2^63 rounded down to a page). */
    private static final long NO_LIMIT = 1L << 60;
    private static final int DEFAULT_PAGE_SIZE = 4096;
    private static final String TCP_LISTEN = "0A";

    public static HostFacts read(Path root) {
        Path proc = root.resolve("proc");
        Path sys = root.resolve("sys");
        Path netfilter = proc.resolve("sys/net/netfilter");
        boolean conntrack = Files.exists(netfilter.resolve("nf_conntrack_max"));
        long buckets = ProcFiles.number(sys.resolve("module/nf_conntrack/parameters/hashsize"));
        if (buckets < 0) {
            buckets = ProcFiles.number(netfilter.resolve("nf_conntrack_buckets"));
        }
        long[] cgroup = cgroupMemory(sys.resolve("fs/cgroup"));
        long ppid = statusField(proc.resolve("self/status"), "PPid:");
        Path parent = ppid > 0 ? proc.resolve(Long.toString(ppid)) : null;
        return new HostFacts(
            HostLimits.read(root),
            ProcFiles.number(proc.resolve("sys/net/core/somaxconn")),
            ProcFiles.number(proc.resolve("sys/net/ipv4/tcp_max_syn_backlog")),
            ProcFiles.number(proc.resolve("sys/net/ipv4/tcp_syncookies")),
            ProcFiles.number(proc.resolve("sys/net/core/netdev_max_backlog")),
            numbers(proc.resolve("sys/net/ipv4/tcp_mem"), 3),
            text(proc.resolve("sys/net/ipv4/ip_local_reserved_ports")),
            conntrack,
            conntrack ? ProcFiles.number(netfilter.resolve("nf_conntrack_max")) : -1,
            conntrack ? ProcFiles.number(netfilter.resolve("nf_conntrack_count")) : -1,
            conntrack ? buckets : -1,
            kib(meminfo(proc.resolve("meminfo"), "MemTotal:")),
            kib(meminfo(proc.resolve("meminfo"), "MemAvailable:")),
            cgroup[0],
            cgroup[1],
            ProcFiles.number(proc.resolve("sys/fs/file-nr")),
            pageSize(proc.resolve("self/smaps")),
            parent == null ? new long[] {-1, -1} : HostLimits.nofile(parent.resolve("limits")),
            parent == null ? null : text(parent.resolve("comm")),
            HostLimits.nofile(proc.resolve("1/limits"))[1],
            listening(proc.resolve("net/tcp"), proc.resolve("net/tcp6")));
    }

    /** The memory a process here may still use: MemAvailable, or less when a cgroup limit leaves less. */
    public long usableMemoryBytes() {
        long usable = memAvailableBytes;
        if (cgroupLimitBytes > 0) {
            long left = cgroupLimitBytes - Math.max(0, cgroupUsageBytes);
            usable = usable < 0 ? left : Math.min(usable, left);
        }
        return usable;
    }

    public boolean cgroupLimited() {
        return cgroupLimitBytes > 0 && (memAvailableBytes < 0
            || cgroupLimitBytes - Math.max(0, cgroupUsageBytes) < memAvailableBytes);
    }

    private static long[] numbers(Path file, int count) {
        try {
            String[] f = ProcFiles.readSmallFile(file).trim().split("\\s+");
            long[] values = new long[count];
            for (int i = 0; i < count; i++) {
                values[i] = Long.parseLong(f[i]);
            }
            return values;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(Path file) {
        try {
            return ProcFiles.readSmallFile(file).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kib(long kib) {
        return kib < 0 ? -1 : kib * 1024;
    }

    private static long meminfo(Path file, String key) {
        return statusField(file, key);
    }

    /** The first number after {@code key} on its line in a "Key: value" file (/proc/meminfo, /proc/self/status). */
    private static long statusField(Path file, String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key))
                .findFirst()
                .map(l -> Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]))
                .orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {limit, usage} of the memory cgroup this process sees as its root (a container's own), or -1 when none. */
    private static long[] cgroupMemory(Path cgroup) {
        long[] v2 = {limit(cgroup.resolve("memory.max")), ProcFiles.number(cgroup.resolve("memory.current"))};
        if (v2[0] > 0) {
            return v2;
        }
        Path v1 = cgroup.resolve("memory");
        return new long[] {limit(v1.resolve("memory.limit_in_bytes")), ProcFiles.number(v1.resolve("memory.usage_in_bytes"))};
    }

    private static long limit(Path file) {
        long value = ProcFiles.number(file);
        return value >= NO_LIMIT ? -1 : value;
    }

    /** The kernel page size, from the first mapping in smaps (4 KiB when it cannot be read). */
    private static long pageSize(Path smaps) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(smaps), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("KernelPageSize:")) {
                    return Long.parseLong(line.substring(15).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the default
        }
        return DEFAULT_PAGE_SIZE;
    }

    /** Local ports of TCP sockets in LISTEN, from /proc/net/tcp and tcp6. */
    private static Set<Integer> listening(Path... tables) {
        Set<Integer> ports = new HashSet<>();
        for (Path table : tables) {
            try (Stream<String> lines = Files.lines(table)) {
                lines.skip(1).forEach(line -> {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && TCP_LISTEN.equals(f[3])) {
                        String local = f[1];
                        ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                    }
                });
            } catch (IOException | RuntimeException e) {
                // unreadable table: nothing known to listen there
            }
        }
        return ports;
    }
}
