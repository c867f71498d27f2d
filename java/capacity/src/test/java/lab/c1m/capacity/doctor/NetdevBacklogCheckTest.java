package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.client;
import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** net.core.netdev_max_backlog against the rules' netdev.min_backlog, on both roles: advice only. */
class NetdevBacklogCheckTest {
    @TempDir
    Path root;

    @Test
    void theKernelRolesValuePasses() throws IOException {
        Check c = new HostFixture().check(root, server(1_000_000), "netdev_max_backlog");
        assertEquals(Status.OK, c.status());
        assertEquals("65,536 packets a CPU", c.found());
    }

    @Test
    void linuxsDefaultWarnsWithTheFixOnBothRoles() throws IOException {
        HostFixture host = new HostFixture();
        host.netdevBacklog = "1000";
        for (HostShare share : new HostShare[] {server(1_000_000), client(333_334)}) {
            Check c = host.check(root, share, "netdev_max_backlog");
            assertEquals(Status.WARN, c.status(), String.valueOf(share.role()));
            assertTrue(c.needed().startsWith(">= 65,536 "), c.needed());
            assertTrue(c.fix().startsWith("sysctl -w net.core.netdev_max_backlog=65536"), c.fix());
        }
    }

    @Test
    void aContainersHiddenValueIsSaidNotGuessed() throws IOException {
        HostFixture host = new HostFixture();
        host.netdevBacklog = null;
        Check c = host.check(root, client(1000), "netdev_max_backlog");
        assertEquals(Status.WARN, c.status());
        assertTrue(c.found().startsWith("not readable here"), c.found());
    }
}
