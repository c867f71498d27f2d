package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcp_mem against one page per socket, capped at half of memory; pressure at three quarters of it. */
class TcpMemCheckTest {
    @TempDir
    Path root;

    @Test
    void aPagePerSocketPasses() throws IOException {
        Check c = new HostFixture().check(root, server(1_000_000), "tcp_mem");
        assertEquals(Status.OK, c.status(), c.toString());
        assertEquals("524288 786432 1048576 pages (pressure 3.0 GiB, max 4.0 GiB)", c.found());
        assertEquals("max >= 1,000,020 pages = 1,000,020 sockets x 1 page (4 KiB); pressure >= 75% of it (750,015)", c.needed());
    }

    @Test
    void anEarlyPressurePointWarns() throws IOException {
        HostFixture host = new HostFixture();
        host.tcpMem = "262144 393216 1048576";
        assertEquals(Status.WARN, host.check(root, server(1_000_000), "tcp_mem").status());
    }

    @Test
    void theKernelsDefaultForASmallVmFails() throws IOException {
        HostFixture host = new HostFixture();
        host.tcpMem = "287901 383868 575802";
        Check c = host.check(root, server(1_000_000), "tcp_mem");
        assertEquals(Status.FAIL, c.status());
        assertTrue(c.fix().startsWith("sysctl -w net.ipv4.tcp_mem=\"500010 750015 1000020\""), c.fix());
        assertTrue(c.fix().contains("rule: one page per socket"), c.fix());
    }

    @Test
    void theNeedIsCappedAtHalfOfMemory() throws IOException {
        HostFixture host = new HostFixture();
        host.memTotalKb = 4 * 1024 * 1024;
        host.tcpMem = "262144 393216 524288";
        Check c = host.check(root, server(1_000_000), "tcp_mem");
        assertEquals(Status.OK, c.status(), c.toString());
        assertTrue(c.needed().startsWith("max >= 524,288 pages = 1,000,020 sockets x 1 page (4 KiB), capped at half of memory"),
            c.needed());
        host.pageSizeKb = "64";
        assertTrue(host.check(root, server(1_000_000), "tcp_mem").needed().contains("x 1 page (64 KiB)"));
    }

    @Test
    void hiddenInANetworkNamespaceIsAWarning() throws IOException {
        HostFixture host = new HostFixture();
        host.tcpMem = null;
        Check c = host.check(root, server(1000), "tcp_mem");
        assertEquals(Status.WARN, c.status());
        assertTrue(c.fix().contains("sysctl net.ipv4.tcp_mem on the host"), c.fix());
    }
}
