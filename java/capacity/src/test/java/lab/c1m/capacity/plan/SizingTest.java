package lab.c1m.capacity.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.c1m.capacity.Needs;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.capacity.doctor.Status;
import org.junit.jupiter.api.Test;

/** The plan's arithmetic at the lab's three sizes, by hand from rules.properties (15k, 1M, 10M). */
class SizingTest {
    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    static PlanRequest request(long connections, Shape server, Shape client, int clients, int sources, double heartbeat) {
        return new PlanRequest(connections, server, client, clients, 20, sources, 1024, 65535, heartbeat, true, 0, 0);
    }

    @Test
    void fifteenThousandOnTheLabsContainersFitsOneServerAndOneClient() {
        Sizing.Result r = Sizing.plan(request(15_000, null, null, 0, 0, 5));
        assertTrue(r.fits());
        assertEquals(Shape.LAB_SERVER.memoryBytes(), r.server().shape().memoryBytes());
        assertEquals(1, r.clients());
        HostNeeds s = r.server();
        // 15,000 + 20 listening sockets; + 256 reserve descriptors.
        assertEquals(15_020, s.sockets());
        assertEquals(15_276, s.descriptors());
        // 15,000 x 1,000 B x 1.3 + 128 MiB = 153,717,728 B = 147 MiB (rounded up).
        assertEquals(147, s.heapMegabytes());
        // kernel 15,020 x 3,800 + conntrack 15,000 x 256 + heap + native 128 MiB + 15,000 x 160.
        assertEquals(15_020L * 3_800 + 15_000L * 256 + 153_717_728L + 128 * MIB + 15_000L * 160, s.memory().total());
        assertEquals(6 * GIB - 400 * MIB, s.usableMemory());
        // One client, one source address: 15,000 / 20 ports = 750 per combination, far below 32,256.
        assertEquals(750, r.client().fiveTuple().perCombination());
        assertEquals(1, r.client().sourceAddresses());
        // 15,000 heartbeats every 5 s on 2 CPUs: 3,000/s, 1,500 a CPU.
        assertEquals(1_500, r.client().heartbeats().perCpu(), 1e-9);
        // 15,000 at 2 CPUs x 12,000 a second.
        assertEquals(15_000 / 24_000.0, r.client().rampSeconds(), 1e-9);
        assertTrue(r.additions().isEmpty());
    }

    @Test
    void aMillionFitsTheLabsServerNarrowlyAndTwoOfItsClients() {
        Sizing.Result r = Sizing.plan(request(1_000_000, null, null, 0, 0, 30));
        assertTrue(r.fits());
        assertEquals(Shape.LAB_SERVER, r.server().shape().withOrigin(Shape.LAB_SERVER.origin()));
        // 5,784,511,456 B needed (the vectors' 1M case), OK from 6,362,962,602: 6 GiB - 400 MiB = 6,023,020,544 is between.
        assertEquals(5_784_511_456L, r.server().memory().total());
        assertEquals(Status.WARN, r.server().memoryStatus());
        assertTrue(r.notes().get(0).startsWith("server memory is within the estimate's 10% margin"), r.notes().toString());
        assertEquals(1368, r.server().heapMegabytes());
        // One 4 GiB client would need 1,000,000 x 5,516 B + 256 MiB: more than it has; two hold 500,000 each.
        assertEquals(2, r.clients());
        assertEquals(500_000, r.client().connections());
        assertEquals(Status.OK, r.client().memoryStatus());
        assertEquals(25_000, r.client().fiveTuple().perCombination());
        assertEquals(Needs.PortStatus.OK, r.client().fiveTuple().status());
        assertEquals(500_000 / 24_000.0, r.client().rampSeconds(), 1e-9);
        assertEquals(48_000, r.server().connectRate());
        // 48,000 arriving a second x 1 s stall / 20 ports.
        assertEquals(2_400, r.server().listenQueue());
    }

    @Test
    void theLabsOwnFourVmsHoldAMillionWithAThirdEach() {
        Sizing.Result r = Sizing.plan(request(1_000_000, Shape.LAB_SERVER, Shape.LAB_CLIENT, 3, 1, 30));
        assertTrue(r.fits());
        assertEquals(333_334, r.client().connections());
        assertEquals(333_333, r.smallerShare());
        assertEquals(1, r.largerShares());
        assertEquals(333_590, r.client().descriptors());
        assertEquals(542, r.client().heapMegabytes());
        assertEquals(16_667, r.client().fiveTuple().perCombination());
        assertEquals(32_256, r.client().fiveTuple().slowAt());
    }

    @Test
    void tenMillionNeedsASixtyFourGigabyteServerAndManyClients() {
        Sizing.Result r = Sizing.plan(request(10_000_000, null, null, 0, 0, 30));
        assertTrue(r.fits());
        // 10,000,020 x 3,800 + 10,000,000 x 256 + 13,134,217,728 + 128 MiB + 10,000,000 x 160 = 55.4 GB: 32 GiB is short.
        assertEquals(10_000_020L * 3_800 + 10_000_000L * 256 + 13_134_217_728L + 128 * MIB + 10_000_000L * 160,
            r.server().memory().total());
        assertEquals(64 * GIB, r.server().shape().memoryBytes());
        assertEquals(16, r.server().shape().cpus());
        // 10,000,000 / 30 s = 333,333 echoes a second over 16 CPUs: 20,833 a CPU, above half of 39,400.
        assertEquals(Status.WARN, r.server().heartbeatStatus());
        // Clients of 4 GiB: 16 hold 625,000 each only within the margin; the plan takes the fewest comfortable, 17.
        assertEquals(17, r.clients());
        assertEquals(588_236, r.client().connections());
        assertEquals(Status.OK, r.client().memoryStatus());
        assertEquals(Status.WARN, Sizing.client(r.request(), Shape.LAB_CLIENT, 16).memoryStatus());
        // 588,236 over 20 ports and 1 source: 29,412 per combination, past 90% of 32,256 (29,030): two sources.
        assertEquals(2, r.client().sourceAddresses());
        assertEquals(14_706, r.client().fiveTuple().perCombination());
    }

    @Test
    void tenMillionOnTheIssuesShapes() {
        Shape server = new Shape(64 * GIB, 16, "given");
        Shape client = new Shape(16 * GIB, 8, "given");
        Sizing.Result r = Sizing.plan(request(10_000_000, server, client, 0, 0, 30));
        assertTrue(r.fits());
        assertEquals(4, r.clients());
        assertEquals(2_500_000, r.client().connections());
        // 2,500,000 / 20 ports: 4 sources give 31,250 (tight past 29,030), 5 give 25,000.
        assertEquals(5, r.client().sourceAddresses());
        assertEquals(2_500_000 / 96_000.0, r.client().rampSeconds(), 1e-9);
        assertEquals(10_000_256 + 20, r.server().descriptors());
    }

    @Test
    void aFixedInventoryThatCannotHoldTheTargetNamesWhatToAdd() {
        Sizing.Result r = Sizing.plan(request(3_000_000, Shape.LAB_SERVER, Shape.LAB_CLIENT, 3, 1, 30));
        assertFalse(r.fits());
        assertEquals(Status.FAIL, r.server().memoryStatus());
        assertTrue(r.additions().get(0).startsWith("a server with at least 16.1 GiB of memory"), r.additions().toString());
        assertTrue(r.additions().get(1).startsWith("3 more client(s) of 4.0 GiB / 2 CPUs (6 in all, 500,000 each)"),
            r.additions().toString());
        // 1,000,000 a client over 20 ports: 50,000 per combination, past half of 64,512 but within it: a note, not a refusal.
        assertEquals(2, r.additions().size(), r.additions().toString());
        assertEquals(Status.WARN, r.client().fiveTupleStatus());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("the 5-tuple is past half of ip_local_port_range (50,000 per"
            + " combination of 32,256)")), r.notes().toString());
        assertEquals(lab.c1m.common.cli.ExitCodes.HOST_CANNOT_HOLD, new PlanReport(r).exitCode());
    }

    @Test
    void pastTheWholePortRangeIsRefusedNamingTheSourceAddresses() {
        // 333,334 over 5 ports and 1 source: 66,667 per combination, more than the 64,512 ports there are.
        PlanRequest q = new PlanRequest(1_000_000, Shape.LAB_SERVER, Shape.LAB_CLIENT, 3, 5, 1, 1024, 65535, 30, true, 0, 0);
        Sizing.Result r = Sizing.plan(q);
        assertFalse(r.fits());
        assertEquals(Needs.PortStatus.WALL, r.client().fiveTuple().status());
        assertTrue(r.additions().get(0).startsWith("3 source addresses per client (c1m_source_ips), or 11 server ports"),
            r.additions().toString());
    }

    @Test
    void aContainersOpenFilesCeilingCountsAsTheDoctorCountsIt() {
        PlanRequest q = new PlanRequest(60_000, Shape.LAB_SERVER, Shape.LAB_CLIENT, 3, 20, 1, 1024, 65535, 5, true, 0, 20_000);
        Sizing.Result r = Sizing.plan(q);
        assertFalse(r.fits());
        assertEquals(Status.FAIL, r.server().openFilesStatus());
        // 20,000 each needs 20,256 descriptors: four clients hold 15,000 each.
        assertTrue(r.additions().get(1).startsWith("1 more client(s) of 4.0 GiB / 2 CPUs (4 in all, 15,000 each)"),
            r.additions().toString());
    }

    @Test
    void withoutHeartbeatsOrConntrackThoseFiguresAreZero() {
        PlanRequest q = new PlanRequest(1_000_000, null, null, 0, 20, 0, 1024, 65535, 0, false, 0, 0);
        Sizing.Result r = Sizing.plan(q);
        assertNull(r.client().heartbeats());
        assertEquals(0, r.server().memory().conntrack());
        // 256 MB less than with conntrack: 5,528,511,456 B, still within the margin of the 6 GiB server.
        assertEquals(5_784_511_456L - 1_000_000L * 256, r.server().memory().total());
        assertEquals(Status.WARN, r.server().memoryStatus());
    }

    static PlanRequest forServer(long connections, ServerImpl impl) {
        return new PlanRequest(connections, null, null, 0, 20, 0, 1024, 65535, 30, true, 0, 0, impl);
    }

    @Test
    void withoutAJvmTheSmallestServerIsSmaller() {
        // 1.5M: the Java server needs 5,700,076,000 + 384,000,000 + heap 2,084,217,728 + native 374,217,728
        // = 8,542,511,456 B, more than 8 GiB leaves (8,170,504,192): 16 GiB.
        Sizing.Result netty = Sizing.plan(forServer(1_500_000, ServerImpl.NETTY));
        assertEquals(8_542_511_456L, netty.server().memory().total());
        assertEquals(16 * GIB, netty.server().shape().memoryBytes());
        // The C server: 5,700,076,000 + 384,000,000 + 1,500,000 x 64 = 6,180,076,000 B, OK from 6,798,083,600: 8 GiB.
        Sizing.Result cEpoll = Sizing.plan(forServer(1_500_000, ServerImpl.C_EPOLL));
        assertEquals(6_180_076_000L, cEpoll.server().memory().total());
        assertEquals(0, cEpoll.server().memory().heap());
        assertEquals(0, cEpoll.server().heapMegabytes());
        assertEquals(8 * GIB, cEpoll.server().shape().memoryBytes());
        // A user's command: the kernel and conntrack alone, 6,084,076,000 B: 6 GiB leaves 6,023,020,544, still short.
        Sizing.Result command = Sizing.plan(forServer(1_500_000, ServerImpl.COMMAND));
        assertEquals(6_084_076_000L, command.server().memory().total());
        assertEquals(8 * GIB, command.server().shape().memoryBytes());
        // The clients are the lab's Java clients for every server: the same number and share.
        assertEquals(netty.clients(), cEpoll.clients());
        assertEquals(netty.client().memory(), command.client().memory());
    }

    @Test
    void anExternalServerLeavesTheClientsAloneToHold() {
        Sizing.Result r = Sizing.plan(forServer(1_000_000, ServerImpl.EXTERNAL));
        assertFalse(r.hasServer());
        assertNull(r.server());
        assertTrue(r.fits());
        assertEquals(2, r.clients());
        assertEquals(500_000, r.client().connections());
        assertEquals(1, r.notes().size(), r.notes().toString());
        // 10M on one given 4 GiB client: the fewest that hold it is the plan's answer, with no server addition.
        PlanRequest one = new PlanRequest(10_000_000, new Shape(GIB, 1, "given"), Shape.LAB_CLIENT, 1, 20, 0, 1024, 65535, 30, true,
            0, 0, ServerImpl.EXTERNAL);
        Sizing.Result refused = Sizing.plan(one);
        assertFalse(refused.fits());
        assertTrue(refused.additions().get(0).startsWith("16 more client(s) of 4.0 GiB / 2 CPUs (17 in all, 588,236 each)"),
            refused.additions().toString());
        assertTrue(refused.additions().stream().noneMatch(a -> a.contains("server with")), refused.additions().toString());
        assertTrue(refused.notes().get(1).startsWith("--server-memory and --server-cpus are ignored"), refused.notes().toString());
    }

    @Test
    void aPacedClientRampsAtItsPace() {
        PlanRequest q = new PlanRequest(1_000_000, null, null, 3, 20, 0, 1024, 65535, 30, true, 10_000, 0);
        assertEquals(333_334 / 10_000.0, Sizing.plan(q).client().rampSeconds(), 1e-9);
    }
}
