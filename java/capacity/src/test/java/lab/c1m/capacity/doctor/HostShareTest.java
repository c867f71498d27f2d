package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.c1m.capacity.ServerImpl;
import lab.c1m.common.notation.PortList;
import org.junit.jupiter.api.Test;

class HostShareTest {
    @Test
    void heapSizesAreReadAsTheJvmReadsThem() {
        assertEquals(1400L << 20, HostShare.parseHeap("1400m"));
        assertEquals(2L << 30, HostShare.parseHeap("2G"));
        assertEquals(512L << 20, HostShare.parseHeap("-Xmx512M"));
        assertEquals(1_073_741_824L, HostShare.parseHeap("1073741824"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.parseHeap("lots"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.parseHeap("0m"));
    }

    @Test
    void nofileIsOneLimitForBothOrSoftColonHard() {
        assertArrayEquals(new long[] {1_048_576, 1_048_576}, HostShare.parseNofile("1048576"));
        assertArrayEquals(new long[] {1024, 20_000}, HostShare.parseNofile("1024:20k"));
        assertArrayEquals(new long[] {Long.MAX_VALUE, Long.MAX_VALUE}, HostShare.parseNofile("infinity"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.parseNofile("2000:1000"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.parseNofile("1:2:3"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.parseNofile("many"));
    }

    @Test
    void sourcesAreANumberAListOrNetworksAsTheClientCountsThem() {
        assertEquals(4, HostShare.countSources("4"));
        assertEquals(2, HostShare.countSources("10.0.0.2, 10.0.0.3"));
        assertEquals(2, HostShare.countSources("10.0.0.0/30"));
        assertEquals(2, HostShare.countSources("10.0.0.0/31"));
        assertEquals(3, HostShare.countSources("10.0.0.0/30,10.0.1.5"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.countSources("10.0.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.countSources("0"));
        assertThrows(IllegalArgumentException.class, () -> HostShare.countSources("client.example"));
    }

    @Test
    void theServerImplementationsGoByTheLabsNamesAndOnlyAServerHasAnother() {
        assertEquals(ServerImpl.C_EPOLL, ServerImpl.parse(" C-EPOLL "));
        assertEquals("command", ServerImpl.COMMAND.label());
        assertEquals("netty, c-epoll, command or external", ServerImpl.choices());
        assertThrows(IllegalArgumentException.class, () -> ServerImpl.parse("c_epoll"));
        HostShare client = HostFixture.client(1000);
        assertEquals(ServerImpl.NETTY, client.impl());
        var refused = assertThrows(IllegalArgumentException.class, () -> client.withImpl(ServerImpl.COMMAND));
        assertTrue(refused.getMessage().startsWith("'command' names a server, and this is a client"), refused.getMessage());
        assertTrue(HostFixture.server(1000).withImpl(ServerImpl.C_EPOLL).serviceRaisesSoftLimit());
        assertTrue(!HostFixture.server(1000).withImpl(ServerImpl.COMMAND).serviceRaisesSoftLimit());
    }

    @Test
    void anExternalServerHasNoShareToJudge() {
        assertTrue(!ServerImpl.EXTERNAL.onServerHost());
        assertTrue(ServerImpl.COMMAND.onServerHost());
        var refused = assertThrows(IllegalArgumentException.class, () -> HostFixture.server(1000).withImpl(ServerImpl.EXTERNAL));
        assertEquals("the server is external (outside the lab): there is no server host to count or judge; the doctor judges"
            + " the clients only (--role client)", refused.getMessage());
    }

    @Test
    void theServerAlsoHoldsItsListeningSockets() {
        PortList ports = PortList.parse("9000-9019");
        assertEquals(1_000_020, new HostShare(HostShare.Role.SERVER, 1_000_000, ports, 1, 0, -1, -1, -1, true).sockets());
        assertEquals(333_334, new HostShare(HostShare.Role.CLIENT, 333_334, ports, 1, 0, -1, -1, -1, true).sockets());
        assertEquals(HostShare.Role.CLIENT, HostShare.Role.parse(" Client "));
        assertThrows(IllegalArgumentException.class, () -> HostShare.Role.parse("proxy"));
    }
}
