package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import lab.c1m.capacity.HostFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads recorded /proc and /sys files; anything missing reads as unknown, never as an error. */
class HostFactsTest {
    @TempDir
    Path root;

    @Test
    void readsEveryFact() throws IOException {
        HostFixture host = new HostFixture().listen(9000);
        host.parentNofile = "1024 1100000";
        host.reservedPorts = "9000-9019";
        host.write(root);
        Files.writeString(root.resolve("proc/net/tcp6"), "  sl  local_address remote_address st\n"
            + "   0: 00000000000000000000000000000000:2329 00000000000000000000000000000000:0000 0A 00000000:00000000\n"
            + "   1: 00000000000000000000000000000000:232A 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000\n");
        HostFacts f = HostFacts.read(root);
        assertEquals(65_535, f.somaxconn());
        assertEquals(65_535, f.tcpMaxSynBacklog());
        assertEquals(1, f.tcpSyncookies());
        assertArrayEquals(new long[] {524_288, 786_432, 1_048_576}, f.tcpMem());
        assertEquals("9000-9019", f.reservedPorts());
        assertTrue(f.conntrackLoaded());
        assertEquals(1_065_536, f.conntrackMax());
        assertEquals(1_234, f.conntrackCount());
        assertEquals(266_384, f.conntrackBuckets());
        assertEquals(8L << 30, f.memTotalBytes());
        assertEquals(7_900_000L * 1024, f.memAvailableBytes());
        assertEquals(7_900_000L * 1024, f.usableMemoryBytes());
        assertFalse(f.cgroupLimited());
        assertEquals(2048, f.filesAllocated());
        assertEquals(4096, f.pageSize());
        assertArrayEquals(new long[] {1024, 1_100_000}, f.parentNofile());
        assertEquals("bash", f.parentName());
        assertEquals(1_100_000, f.initNofileHard());
        assertEquals(Set.of(9000, 9001), f.listeningPorts(), "LISTEN sockets of tcp and tcp6, not the established one");
    }

    @Test
    void theHashSizeFallsBackToTheSysctl() throws IOException {
        HostFixture host = new HostFixture();
        host.hashsize = null;
        host.write(root);
        Files.writeString(root.resolve("proc/sys/net/netfilter/nf_conntrack_buckets"), "65536\n");
        assertEquals(65_536, HostFacts.read(root).conntrackBuckets());
    }

    @Test
    void cgroupLimitsOfBothVersionsAndTheirAbsence() throws IOException {
        HostFixture host = new HostFixture();
        host.cgroup2Max = "max";
        host.cgroup1Limit = "9223372036854771712";
        host.write(root);
        assertEquals(-1, HostFacts.read(root).cgroupLimitBytes(), "v2 'max' and v1's 2^63 rounded down mean no limit");

        host.cgroup2Max = "1073741824";
        host.cgroup2Current = "268435456";
        host.write(root);
        HostFacts v2 = HostFacts.read(root);
        assertTrue(v2.cgroupLimited());
        assertEquals(768L << 20, v2.usableMemoryBytes());
    }

    @Test
    void nothingReadableIsUnknown() {
        HostFacts f = HostFacts.read(root.resolve("nowhere"));
        assertEquals(-1, f.somaxconn());
        assertNull(f.tcpMem());
        assertFalse(f.conntrackLoaded());
        assertEquals(-1, f.conntrackMax());
        assertEquals(-1, f.usableMemoryBytes());
        assertEquals(4096, f.pageSize());
        assertArrayEquals(new long[] {-1, -1}, f.parentNofile());
        assertEquals(-1, f.initNofileHard());
        assertTrue(f.listeningPorts().isEmpty());
    }
}
