package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fs.epoll.max_user_watches against every socket the service watches: the second seed's stop at 620k. */
class EpollCheckTest {
    private static final String NAME = "epoll max_user_watches";

    @TempDir
    Path root;

    @Test
    void enoughWatchesPass() throws IOException {
        Check c = new HostFixture().check(root, server(1_000_000), NAME);
        assertEquals(Status.OK, c.status());
        assertTrue(c.needed().startsWith(">= 1,000,020 = 1,000,000 connections + 20 listening, one watch each; OK from 1,050,020"),
            c.needed());
    }

    @Test
    void noMarginForTheUsersOtherProcessesWarns() throws IOException {
        HostFixture host = new HostFixture();
        host.epollWatches = "1040000";
        assertEquals(Status.WARN, host.check(root, server(1_000_000), NAME).status());
    }

    @Test
    void tooFewWatchesFailWithEnospcNamed() throws IOException {
        HostFixture host = new HostFixture();
        host.epollWatches = "620000";
        Check c = host.check(root, server(1_000_000), NAME);
        assertEquals(Status.FAIL, c.status());
        assertEquals("620,000", c.found());
        assertTrue(c.fix().startsWith("sysctl -w fs.epoll.max_user_watches=1100000"), c.fix());
        assertTrue(c.fix().contains("ENOSPC"), c.fix());
    }
}
