package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.client;
import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nf_conntrack_max and its hash against the connections that will be tracked, and what is tracked now. */
class ConntrackCheckTest {
    @TempDir
    Path root;

    @Test
    void notLoadedIsFineAndSaysWhatWouldBeNeeded() throws IOException {
        HostFixture host = new HostFixture();
        host.conntrackMax = null;
        List<Check> checks = host.examine(root, server(1_000_000));
        Check c = checks.stream().filter(x -> x.name().equals("nf_conntrack_max")).findFirst().orElseThrow();
        assertEquals(Status.OK, c.status());
        assertTrue(c.found().startsWith("nf_conntrack not loaded"), c.found());
        assertTrue(c.needed().contains(">= 1,050,000"), c.needed());
        assertFalse(checks.stream().anyMatch(x -> x.name().equals("nf_conntrack hashsize")));
    }

    @Test
    void aTableSizedForTheShareAndWhatIsTrackedPasses() throws IOException {
        Check c = new HostFixture().check(root, server(1_000_000), "nf_conntrack_max");
        assertEquals(Status.OK, c.status(), c.toString());
        assertEquals("1,065,536 (1,234 tracked now)", c.found());
        assertTrue(c.needed().startsWith(">= 1,001,234 = 1,000,000 connections + 1,234 tracked now; OK from 1,051,234"),
            c.needed());
    }

    @Test
    void aTableWithoutMarginWarns() throws IOException {
        HostFixture host = new HostFixture();
        host.conntrackMax = 1_040_000L;
        assertEquals(Status.WARN, host.check(root, server(1_000_000), "nf_conntrack_max").status());
    }

    @Test
    void anActiveTableTooSmallFailsWithTheSilentDropNamed() throws IOException {
        HostFixture host = new HostFixture();
        host.conntrackMax = 262_144L;
        Check c = host.check(root, server(1_000_000), "nf_conntrack_max");
        assertEquals(Status.FAIL, c.status());
        assertTrue(c.fix().startsWith("sysctl -w net.netfilter.nf_conntrack_max=1100000"), c.fix());
        assertTrue(c.fix().contains("iptables -t raw -A PREROUTING -p tcp --dport 9000:9019 -j NOTRACK"), c.fix());
        assertTrue(c.fix().contains("table full, dropping packet"), c.fix());
        Check onClient = host.check(root, client(333_334), "nf_conntrack_max");
        assertTrue(onClient.fix().contains("-A OUTPUT -p tcp --dport 9000:9019 -j NOTRACK"), onClient.fix());
    }

    @Test
    void aLoadedButIdleTableTooSmallOnlyWarns() throws IOException {
        HostFixture host = new HostFixture();
        host.conntrackMax = 262_144L;
        host.conntrackCount = 0L;
        Check c = host.check(root, server(1_000_000), "nf_conntrack_max");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertTrue(c.found().contains("tracking nothing"), c.found());
    }

    @Test
    void aSmallHashWarnsWithTheSizeToSet() throws IOException {
        HostFixture host = new HostFixture();
        assertEquals(Status.OK, host.check(root, server(1_000_000), "nf_conntrack hashsize").status());
        host.hashsize = 16_384L;
        Check c = host.check(root, server(1_000_000), "nf_conntrack hashsize");
        assertEquals(Status.WARN, c.status());
        assertEquals(">= 125,155 = 1,001,234 entries / 8 (average chain of at most 8)", c.needed());
        // (1,001,234 + 50,000 margin) / 4, rounded up.
        assertTrue(c.fix().startsWith("echo 262809 > /sys/module/nf_conntrack/parameters/hashsize"), c.fix());
        host.hashsize = null;
        assertEquals(Status.WARN, host.check(root, server(1000), "nf_conntrack hashsize").status(), "unreadable");
    }
}
