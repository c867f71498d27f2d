package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.client;
import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** somaxconn and tcp_max_syn_backlog against the connects arriving per port during a one-second stall: advice only. */
class ListenQueueCheckTest {
    @TempDir
    Path root;

    private static HostShare rate(HostShare p, long rate) {
        return new HostShare(p.role(), p.connections(), p.ports(), p.sourceAddresses(), rate, p.heapBytes(), p.nofileSoft(),
            p.nofileHard(), p.jvmRaisesSoftLimit());
    }

    @Test
    void tunedQueuesPassAndTheAssumedRateIsSaid() throws IOException {
        Check c = new HostFixture().check(root, server(1_000_000), "somaxconn");
        assertEquals(Status.OK, c.status());
        assertTrue(c.needed().startsWith(">= 550 per port = 11,000 connects/s (assumed"), c.needed());
    }

    @Test
    void shortQueuesForTheRateWarn() throws IOException {
        HostFixture host = new HostFixture();
        host.somaxconn = "128";
        host.synBacklog = "512";
        host.syncookies = "0";
        Check accept = host.check(root, rate(server(1_000_000), 20_000), "somaxconn");
        assertEquals(Status.WARN, accept.status());
        assertEquals(">= 1,000 per port = 20,000 connects/s (--rate) x 1 s stall / 20 ports", accept.needed());
        assertTrue(accept.fix().startsWith("sysctl -w net.core.somaxconn=65535"), accept.fix());
        Check syn = host.check(root, rate(server(1_000_000), 20_000), "tcp_max_syn_backlog");
        assertEquals(Status.WARN, syn.status());
        assertEquals("512 (tcp_syncookies 0)", syn.found());
        assertTrue(syn.fix().contains("SYNs are dropped"), syn.fix());
        // At 2,000/s, 100 a port: both queues suffice.
        assertEquals(Status.OK, host.check(root, rate(server(1_000_000), 2_000), "somaxconn").status());
        assertEquals(Status.OK, host.check(root, rate(server(1_000_000), 2_000), "tcp_max_syn_backlog").status());
    }

    @Test
    void clientsHaveNoListenQueues() throws IOException {
        assertTrue(new HostFixture().examine(root, client(1000)).stream()
            .noneMatch(c -> c.name().equals("somaxconn") || c.name().equals("tcp_max_syn_backlog")));
    }
}
