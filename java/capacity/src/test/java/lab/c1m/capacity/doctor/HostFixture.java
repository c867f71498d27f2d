package lab.c1m.capacity.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.c1m.capacity.HostFacts;
import lab.c1m.capacity.HostLimits;
import lab.c1m.common.notation.PortList;

/**
 * A recorded host as /proc and /sys files under a temp folder. The defaults are a tuned 8 GB server VM
 * (Linux 6.x, the lab's kernel role applied) that holds 1m connections; each test changes what it checks.
 * A null value leaves its file out, as a container or an old kernel would.
 */
final class HostFixture {
    String nofile = "1100000 1100000";
    String capEff = "000001ffffffffff";
    String uidMap;
    String container;
    int openFds = 7;
    String nrOpen = "1100000";
    String fileMax = "9223372036854775807";
    String fileNr = "2048\t0\t9223372036854775807";
    String portRange = "1024\t65535";
    String reservedPorts = "";
    String epollWatches = "1500000";
    String somaxconn = "65535";
    String netdevBacklog = "65536";
    String synBacklog = "65535";
    String syncookies = "1";
    String tcpMem = "524288\t786432\t1048576";
    Long conntrackMax = 1_065_536L;
    Long conntrackCount = 1_234L;
    Long hashsize = 266_384L;
    long memTotalKb = 8 * 1024 * 1024;
    long memAvailableKb = 7_900_000;
    String cgroup2Max;
    String cgroup2Current;
    String cgroup1Limit;
    String cgroup1Usage;
    String parentNofile;
    String parentComm = "bash";
    String initNofile = "1100000 1100000";
    String pageSizeKb = "4";
    final List<String> listening = new ArrayList<>();

    private static final String LIMITS = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            %s                %s                files
        Max locked memory         8388608              8388608              bytes
        """;
    private static final int PARENT = 4242;

    /** A container lacking CAP_SYS_RESOURCE (bit 24 clear in 0xa80425fb), as unprivileged LXC runs it. */
    HostFixture lxc(String initHard) {
        container = "lxc";
        capEff = "00000000a80425fb";
        initNofile = initHard + " " + initHard;
        return this;
    }

    HostFixture listen(int port) {
        listening.add(String.format("   %d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
            + "        0 %d 1 0000000000000000 100 0 0 10 0", listening.size(), port, 10_000 + port));
        return this;
    }

    /** Writes the host afresh: what an earlier write left and is null now is gone. */
    Path write(Path root) throws IOException {
        Path proc = root.resolve("proc");
        Path sys = root.resolve("sys");
        for (String dir : new String[] {"proc", "sys", "run"}) {
            delete(root.resolve(dir));
        }
        Files.createDirectories(proc.resolve("self/fd"));
        for (int i = 0; i < openFds; i++) {
            Files.createFile(proc.resolve("self/fd/" + i));
        }
        limits(proc.resolve("self/limits"), nofile);
        put(proc.resolve("self/status"), "Name:\tjava\nPPid:\t" + PARENT + "\nCapEff:\t" + capEff + "\n");
        put(proc.resolve("self/uid_map"), uidMap);
        put(proc.resolve("self/smaps"), pageSizeKb == null ? null
            : "55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 1234 /usr/bin/java\nSize:                  4 kB\n"
                + "KernelPageSize:        " + pageSizeKb + " kB\nMMUPageSize:           " + pageSizeKb + " kB\n");
        limits(proc.resolve(PARENT + "/limits"), parentNofile);
        put(proc.resolve(PARENT + "/comm"), parentNofile == null ? null : parentComm + "\n");
        limits(proc.resolve("1/limits"), initNofile);
        put(proc.resolve("sys/fs/nr_open"), nrOpen);
        put(proc.resolve("sys/fs/file-max"), fileMax);
        put(proc.resolve("sys/fs/file-nr"), fileNr);
        put(proc.resolve("sys/fs/epoll/max_user_watches"), epollWatches);
        put(proc.resolve("sys/net/ipv4/ip_local_port_range"), portRange);
        put(proc.resolve("sys/net/ipv4/ip_local_reserved_ports"), reservedPorts);
        put(proc.resolve("sys/net/core/somaxconn"), somaxconn);
        put(proc.resolve("sys/net/core/netdev_max_backlog"), netdevBacklog);
        put(proc.resolve("sys/net/ipv4/tcp_max_syn_backlog"), synBacklog);
        put(proc.resolve("sys/net/ipv4/tcp_syncookies"), syncookies);
        put(proc.resolve("sys/net/ipv4/tcp_mem"), tcpMem);
        if (conntrackMax != null) {
            put(proc.resolve("sys/net/netfilter/nf_conntrack_max"), conntrackMax.toString());
            put(proc.resolve("sys/net/netfilter/nf_conntrack_count"), conntrackCount == null ? null : conntrackCount.toString());
            put(sys.resolve("module/nf_conntrack/parameters/hashsize"), hashsize == null ? null : hashsize.toString());
        }
        put(proc.resolve("meminfo"), "MemTotal:       " + memTotalKb + " kB\nMemFree:         123456 kB\nMemAvailable:   "
            + memAvailableKb + " kB\nBuffers:           1234 kB\n");
        put(sys.resolve("fs/cgroup/memory.max"), cgroup2Max);
        put(sys.resolve("fs/cgroup/memory.current"), cgroup2Current);
        put(sys.resolve("fs/cgroup/memory/memory.limit_in_bytes"), cgroup1Limit);
        put(sys.resolve("fs/cgroup/memory/memory.usage_in_bytes"), cgroup1Usage);
        put(proc.resolve("net/tcp"), "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
            + " inode\n" + String.join("\n", listening) + "\n");
        if (container != null) {
            put(root.resolve("run/systemd/container"), container + "\n");
        }
        return root;
    }

    /** Writes the fixture and runs every check for the plan. */
    List<Check> examine(Path root, HostShare share) throws IOException {
        write(root);
        return Doctor.examine(HostFacts.read(root), share);
    }

    /** The one check of that name, for the plan, on this fixture. */
    Check check(Path root, HostShare share, String name) throws IOException {
        return examine(root, share).stream().filter(c -> c.name().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no check named '" + name + "'"));
    }

    static HostShare server(long connections) {
        return new HostShare(HostShare.Role.SERVER, connections, PortList.parse("9000-9019"), 1, 0, -1, -1, -1, true);
    }

    static HostShare client(long connections) {
        return new HostShare(HostShare.Role.CLIENT, connections, PortList.parse("9000-9019"), 1, 0, -1, -1, -1, true);
    }

    private static void limits(Path file, String softHard) throws IOException {
        if (softHard != null) {
            String[] f = softHard.split(" ");
            put(file, LIMITS.formatted(f[0], f[1]));
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void put(Path file, String content) throws IOException {
        if (content == null) {
            return;
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, content.endsWith("\n") || content.isEmpty() ? content : content + "\n");
    }
}
