package lab.c1m.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads recorded /proc files: a tuned VM and an untuned LXC container. */
class HostLimitsTest {
    private static final String LIMITS = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            %s                %s                files
        Max locked memory         8388608              8388608              bytes
        """;

    static Path fixture(Path root, String soft, String hard, String nrOpen, String portRange, String capEff,
                        String container) throws IOException {
        Path proc = root.resolve("proc");
        Files.createDirectories(proc.resolve("self/fd"));
        Files.createDirectories(proc.resolve("sys/fs/epoll"));
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        Files.writeString(proc.resolve("self/limits"), LIMITS.formatted(soft, hard));
        Files.writeString(proc.resolve("self/status"), "Name:\tjava\nCapEff:\t" + capEff + "\n");
        Files.writeString(proc.resolve("sys/fs/nr_open"), nrOpen + "\n");
        Files.writeString(proc.resolve("sys/fs/file-max"), "9223372036854775807\n");
        Files.writeString(proc.resolve("sys/fs/epoll/max_user_watches"), "1661350\n");
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), portRange + "\n");
        for (int i = 0; i < 7; i++) {
            Files.createFile(proc.resolve("self/fd/" + i));
        }
        if (container != null) {
            Files.createDirectories(root.resolve("run/systemd"));
            Files.writeString(root.resolve("run/systemd/container"), container + "\n");
        }
        return root;
    }

    @Test
    void readsATunedVm(@TempDir Path root) throws IOException {
        HostLimits h = HostLimits.read(fixture(root, "1100000", "1100000", "2000000", "1024\t65535", "000001ffffffffff", null));
        assertEquals(1_100_000, h.nofileSoft());
        assertEquals(1_100_000, h.nofileHard());
        assertEquals(2_000_000, h.nrOpen());
        assertEquals(Long.MAX_VALUE, h.fileMax());
        assertEquals(64_512, h.portRangeSize());
        assertEquals(1_661_350, h.epollMaxUserWatches());
        assertTrue(h.canRaiseHardLimit());
        assertEquals(7, h.openFds());
        assertNull(h.container());
    }

    @Test
    void readsAnUntunedContainer(@TempDir Path root) throws IOException {
        HostLimits h = HostLimits.read(fixture(root, "1024", "20000", "1048576", "32768\t60999", "00000000a80425fb", "lxc"));
        assertEquals(1024, h.nofileSoft());
        assertEquals(20_000, h.nofileHard());
        assertEquals(28_232, h.portRangeSize());
        assertFalse(h.canRaiseHardLimit(), "CAP_SYS_RESOURCE is bit 24, clear in 0xa80425fb");
        assertEquals("lxc", h.container());
    }

    @Test
    void rootOfAnUnprivilegedContainerHasTheCapabilityButMayNotRaiseLimits(@TempDir Path root) throws IOException {
        fixture(root, "1048576", "1048576", "1048576", "1024 65535", "000001ffffffffff", "lxc");
        Files.writeString(root.resolve("proc/self/uid_map"), "         0     100000      65536\n");
        assertFalse(HostLimits.read(root).canRaiseHardLimit(), "CAP_SYS_RESOURCE counts in the initial user namespace only");
        Files.writeString(root.resolve("proc/self/uid_map"), "         0          0 4294967295\n");
        assertTrue(HostLimits.read(root).canRaiseHardLimit());
    }

    @Test
    void unlimitedAndMissingValuesAreReadable(@TempDir Path root) throws IOException {
        HostLimits h = HostLimits.read(fixture(root, "unlimited", "unlimited", "1048576", "1024 65535", "0", null));
        assertEquals(Long.MAX_VALUE, h.nofileHard());
        HostLimits empty = HostLimits.read(root.resolve("nowhere"));
        assertEquals(-1, empty.nofileHard());
        assertEquals(-1, empty.portRangeSize());
    }
}
