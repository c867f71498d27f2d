package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.client;
import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import lab.c1m.common.notation.PortList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's 5-tuple against its share; the server's listen ports against what listens and the ephemeral range. */
class PortsCheckTest {
    @TempDir
    Path root;

    private static HostShare sources(HostShare p, int n) {
        return new HostShare(p.role(), p.connections(), p.ports(), n, p.rate(), p.heapBytes(), p.nofileSoft(), p.nofileHard(),
            p.jvmRaisesSoftLimit());
    }

    @Test
    void aWideRangeHoldsAThird() throws IOException {
        Check c = new HostFixture().check(root, client(333_334), "5-tuple");
        assertEquals(Status.OK, c.status(), c.toString());
        assertEquals("645,120 = 20 server port(s) x 1 source address(es) x 32,256 (half of ip_local_port_range 1024-65535)",
            c.found());
    }

    @Test
    void pastHalfTheDefaultRangeIsAWarningThatNamesTheSlowdown() throws IOException {
        HostFixture host = new HostFixture();
        host.portRange = "32768\t60999";
        // 333,334 over 20 ports is 16,667 each: past half of the 28,232 ports, within all of them.
        Check c = host.check(root, client(333_334), "5-tuple");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertEquals("282,320 = 20 server port(s) x 1 source address(es) x 14,116 (half of ip_local_port_range 32768-60999,"
            + " Linux's default)", c.found());
        assertTrue(c.needed().startsWith(">= 333,334 (this client's share): 16,667 per (source address, server address,"
            + " server port)"), c.needed());
        assertTrue(c.needed().contains("past the whole range (564,640 here) the ports are gone"), c.needed());
        assertTrue(c.fix().contains("on Linux 6.1 connect() slowed there from ~1,000/s to a few a second"), c.fix());
        assertTrue(c.fix().contains("about 24"), c.fix());
        // 15,000 to one port from one address: the case the client's preflight used to refuse.
        assertEquals(Status.WARN, host.check(root, new HostShare(HostShare.Role.CLIENT, 15_000, PortList.parse("9000"), 1, 0, -1, -1, -1, true), "5-tuple").status());
        assertEquals(Status.OK, host.check(root, sources(client(333_334), 2), "5-tuple").status(), "a second source address");
    }

    @Test
    void pastTheWholeRangeFailsWithTheSeedsError() throws IOException {
        HostFixture host = new HostFixture();
        host.portRange = "32768\t60999";
        // 600,000 over 20 ports is 30,000 each: more than the 28,232 the range has.
        Check c = host.check(root, client(600_000), "5-tuple");
        assertEquals(Status.FAIL, c.status(), c.toString());
        assertTrue(c.fix().contains("ip_local_port_range=\"1024 65535\""), c.fix());
        assertTrue(c.fix().contains("EADDRNOTAVAIL"), c.fix());
    }

    @Test
    void littleRoomLeftIsAWarning() throws IOException {
        // 600,000 over 20 ports is 30,000 each: within the 32,256 usable, above 90% of them.
        Check c = new HostFixture().check(root, client(600_000), "5-tuple");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertTrue(c.fix().contains("TIME_WAIT"), c.fix());
    }

    @Test
    void anUnreadableRangeIsAWarning() throws IOException {
        HostFixture host = new HostFixture();
        host.portRange = null;
        assertEquals(Status.WARN, host.check(root, client(1000), "5-tuple").status());
    }

    @Test
    void eachRoleGetsItsOwnPortCheck() throws IOException {
        HostFixture host = new HostFixture();
        assertTrue(host.examine(root, server(1000)).stream().noneMatch(c -> c.name().equals("5-tuple")));
        assertTrue(host.examine(root, client(1000)).stream().noneMatch(c -> c.name().equals("listen ports")));
    }

    @Test
    void listenPortsInsideTheEphemeralRangeWarnUnlessReserved() throws IOException {
        HostFixture host = new HostFixture();
        Check warn = host.check(root, server(1000), "listen ports");
        assertEquals(Status.WARN, warn.status(), warn.toString());
        assertEquals("9000-9019: 20 inside ip_local_port_range 1024-65535, not reserved", warn.found());
        assertTrue(warn.fix().startsWith("sysctl -w net.ipv4.ip_local_reserved_ports=9000-9019"), warn.fix());
        host.reservedPorts = "9000-9019,9100";
        assertEquals(Status.OK, host.check(root, server(1000), "listen ports").status());
        host.reservedPorts = "";
        host.portRange = "32768\t60999";
        assertEquals(Status.OK, host.check(root, server(1000), "listen ports").status());
    }

    @Test
    void aPortSomethingListensOnFails() throws IOException {
        HostFixture host = new HostFixture().listen(9003).listen(22);
        Check c = host.check(root, server(1000), "listen ports");
        assertEquals(Status.FAIL, c.status(), c.toString());
        assertEquals("already listening: 9003", c.found());
        assertTrue(c.fix().contains("ss -ltnp 'sport = :9003'"), c.fix());
    }
}
