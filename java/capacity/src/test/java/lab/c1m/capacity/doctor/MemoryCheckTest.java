package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.client;
import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lab.c1m.capacity.Needs;
import lab.c1m.capacity.ServerImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory left against the kernel's and the server's cost of the share (the JVM's, c-epoll's user space, or none
 * counted for a user's command); the heap against the share's live set, for the Java server only.
 */
class MemoryCheckTest {
    @TempDir
    Path root;

    private static HostShare heap(HostShare p, long bytes) {
        return new HostShare(p.role(), p.connections(), p.ports(), p.sourceAddresses(), p.rate(), bytes, p.nofileSoft(),
            p.nofileHard(), p.jvmRaisesSoftLimit());
    }

    @Test
    void theFormulaIsSpelledOutAndAnEightGigabyteServerPasses() throws IOException {
        Check c = new HostFixture().check(root, server(1_000_000), "memory");
        assertEquals(Status.OK, c.status(), c.toString());
        assertEquals("7.5 GiB available (MemAvailable)", c.found());
        // 1,000,020 x 3,800 + 1,000,000 x 256 + (1,000,000 x 1,000 x 1.3 + 128 MiB) + (128 MiB + 1,000,000 x 160) B.
        assertTrue(c.needed().startsWith(">= 5.4 GiB = kernel 3.5 GiB (1,000,020 sockets x 3,800 B) + conntrack 244 MiB"
            + " (1,000,000 x 256 B) + heap 1.3 GiB (1,000,000 x 1,000 B x 1.3 + 128 MiB young) + JVM native 281 MiB"
            + " (128 MiB + 160 B a connection); OK from 5.9 GiB (+10%)"), c.needed());
    }

    @Test
    void withinTheEstimatesMarginWarns() throws IOException {
        HostFixture host = new HostFixture();
        host.memAvailableKb = 6_000_000;
        Check c = host.check(root, server(1_000_000), "memory");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertTrue(c.fix().startsWith("tight: give this host more memory"), c.fix());
    }

    @Test
    void belowTheEstimateFails() throws IOException {
        HostFixture host = new HostFixture();
        host.memAvailableKb = 5_000_000;
        Check c = host.check(root, server(1_000_000), "memory");
        assertEquals(Status.FAIL, c.status());
        assertTrue(c.fix().contains("tcp_rmem"), c.fix());
    }

    @Test
    void conntrackCostsOnlyWhenLoaded() throws IOException {
        HostFixture host = new HostFixture();
        host.conntrackMax = null;
        assertFalse(host.check(root, server(1_000_000), "memory").needed().contains("conntrack"));
    }

    @Test
    void aContainersCgroupLimitIsWhatIsLeft() throws IOException {
        HostFixture host = new HostFixture();
        host.cgroup2Max = "2147483648";
        host.cgroup2Current = "104857600";
        Check c = host.check(root, client(333_334), "memory");
        assertEquals(Status.FAIL, c.status(), c.toString());
        assertEquals("1.9 GiB (cgroup memory limit 2.0 GiB, 100 MiB used)", c.found());
        assertTrue(c.fix().contains("lxc.cgroup2.memory.max"), c.fix());
        host.cgroup2Max = "max";
        assertEquals(Status.OK, host.check(root, client(333_334), "memory").status(), "no v2 limit");
        host.cgroup2Max = null;
        host.cgroup1Limit = "3221225472";
        host.cgroup1Usage = "0";
        assertTrue(host.check(root, client(333_334), "memory").found().startsWith("3.0 GiB (cgroup memory limit"), "v1 limit");
    }

    @Test
    void aHeapLargerThanNeededWarnsWhenItWouldNotFit() throws IOException {
        Check c = new HostFixture().check(root, heap(server(1_000_000), 4L << 30), "memory");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertTrue(c.needed().endsWith("and from 8.1 GiB if the whole --heap gets used"), c.needed());
        assertTrue(c.fix().endsWith("or a smaller -Xmx: 1368m is enough"), c.fix());
    }

    @Test
    void aCEpollServerNeedsTheKernelAndItsUserSpaceButNoJvm() throws IOException {
        HostFixture host = new HostFixture();
        host.memAvailableKb = 5_000_000;  // 4.8 GiB: below the Java server's 5.4 GiB
        assertEquals(Status.FAIL, host.check(root, server(1_000_000), "memory").status());
        Check c = host.check(root, server(1_000_000).withImpl(ServerImpl.C_EPOLL), "memory");
        assertEquals(Status.OK, c.status(), c.toString());
        // 1,000,020 x 3,800 + 1,000,000 x 256 + 1,000,000 x 64 B = 4,120,076,000 B; x 1.1 = 4,532,083,600 B.
        assertEquals(">= 3.8 GiB = kernel 3.5 GiB (1,000,020 sockets x 3,800 B) + conntrack 244 MiB (1,000,000 x 256 B)"
            + " + c-epoll user space 61 MiB (1,000,000 x 64 B; no JVM: its descriptor and epoll item are the kernel's);"
            + " OK from 4.2 GiB (+10%)", c.needed());
        assertTrue(Needs.memory(ServerImpl.C_EPOLL, 1_000_020, 1_000_000, 1_000_000).total()
            < Needs.memory(1_000_020, 1_000_000, 1_000_000).total());
    }

    @Test
    void aCommandServersRowNamesTheMemoryItDoesNotCount() throws IOException {
        HostFixture host = new HostFixture();
        host.memAvailableKb = 3_000_000;  // 2.9 GiB: below the kernel's 3.5 GiB alone
        Check c = host.check(root, server(1_000_000).withImpl(ServerImpl.COMMAND), "memory");
        assertEquals(Status.FAIL, c.status(), c.toString());
        assertEquals(">= 3.8 GiB = kernel 3.5 GiB (1,000,020 sockets x 3,800 B) + conntrack 244 MiB (1,000,000 x 256 B);"
            + " your server's own memory is not counted (the lab knows nothing of it before it runs: the report measures its"
            + " RSS from outside after the run); OK from 4.2 GiB (+10%)", c.needed());
        assertTrue(c.fix().startsWith("leave room for your server's own memory besides this; give this host more memory"),
            c.fix());
    }

    @Test
    void onlyTheJavaServerHasAHeapRowAndALargerHeapCountsOnlyThere() throws IOException {
        HostFixture host = new HostFixture();
        HostShare bigHeap = heap(server(1_000_000), 4L << 30);
        for (ServerImpl impl : List.of(ServerImpl.C_EPOLL, ServerImpl.COMMAND)) {
            List<Check> rows = host.examine(root, bigHeap.withImpl(impl));
            assertFalse(rows.stream().anyMatch(r -> r.name().equals("heap")), impl + ": " + rows);
            Check memory = rows.stream().filter(r -> r.name().equals("memory")).findFirst().orElseThrow();
            assertEquals(Status.OK, memory.status(), "a --heap no JVM takes is not counted: " + memory);
        }
        assertTrue(host.examine(root, bigHeap).stream().anyMatch(r -> r.name().equals("heap")));
    }

    @Test
    void theHeapIsCheckedAgainstTheShare() throws IOException {
        HostFixture host = new HostFixture();
        Check none = host.check(root, server(1_000_000), "heap");
        assertEquals(Status.OK, none.status());
        assertEquals("not given (--heap)", none.found());
        assertTrue(none.needed().startsWith(">= -Xmx1368m = 1,000,000 connections x 1,000 B x 1.3 + 128 MiB young"), none.needed());
        Check fail = host.check(root, heap(server(1_000_000), 512L << 20), "heap");
        assertEquals(Status.FAIL, fail.status());
        assertEquals("-Xmx512m (512 MiB)", fail.found());
        assertTrue(fail.fix().contains("OutOfMemoryError"), fail.fix());
        assertEquals(Status.WARN, host.check(root, heap(server(1_000_000), 1200L << 20), "heap").status());
        assertEquals(Status.OK, host.check(root, heap(server(1_000_000), 2L << 30), "heap").status());
    }
}
