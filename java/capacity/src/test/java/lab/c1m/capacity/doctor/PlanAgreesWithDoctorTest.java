package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lab.c1m.capacity.Capacity;
import lab.c1m.common.notation.PortList;
import lab.c1m.capacity.plan.HostNeeds;
import lab.c1m.capacity.plan.PlanRequest;
import lab.c1m.capacity.plan.Shape;
import lab.c1m.capacity.plan.Sizing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan for the lab's own VMs at 1M (a 6 GiB server, three 4 GiB clients) against the doctor on each
 * host, each host set up as the plan says: the same heap, descriptors, 5-tuple and memory, no FAIL; and
 * a host short of what the plan says by a little fails the doctor there.
 */
class PlanAgreesWithDoctorTest {
    @TempDir
    Path root;

    private static final PlanRequest LAB_AT_1M = new PlanRequest(1_000_000, Shape.LAB_SERVER, Shape.LAB_CLIENT, 3, 20, 1,
        1024, 65535, 30, true, 0, 0);

    /** A host as the plan sets it up: its sysctls at the plan's values, its memory the shape's less the OS reserve. */
    private static HostFixture asPlanned(HostNeeds h) {
        HostFixture host = new HostFixture();
        long nofile = Capacity.roundUp(h.descriptors());
        host.nofile = nofile + " " + nofile;
        host.nrOpen = Long.toString(nofile);
        host.initNofile = nofile + " " + nofile;
        host.fileMax = Long.toString(Capacity.roundUp(h.sockets() + h.margin()));
        host.epollWatches = Long.toString(Capacity.roundUp(h.sockets() + h.margin()));
        host.conntrackMax = Capacity.roundUp(h.tracked() + h.margin());
        host.conntrackCount = 0L;
        host.portRange = "1024\t65535";
        long t = h.tcpMemPages();
        host.tcpMem = t / 2 + "\t" + t * 3 / 4 + "\t" + t;
        host.memTotalKb = h.shape().memoryBytes() / 1024;
        host.memAvailableKb = h.usableMemory() / 1024;
        host.fileNr = "0\t0\t0";
        return host;
    }

    private static HostShare doctorPlan(HostNeeds h, Sizing.Result r) {
        return new HostShare(h.server() ? HostShare.Role.SERVER : HostShare.Role.CLIENT, h.connections(), PortList.parse("9000-9019"),
            Math.max(1, h.sourceAddresses()), h.connectRate(), h.heapMegabytes() << 20, -1, -1, true,
            h.server() ? 0 : (long) (r.request().heartbeatSeconds() * 1e9), h.shape().cpus());
    }

    private static Check named(List<Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @Test
    void eachHostSetUpAsPlannedPassesItsDoctorWithTheSameNumbers() throws IOException {
        Sizing.Result r = Sizing.plan(LAB_AT_1M);
        assertTrue(r.fits());
        for (HostNeeds h : List.of(r.server(), r.client())) {
            List<Check> checks = asPlanned(h).examine(root, doctorPlan(h, r));
            String role = h.role();
            checks.stream().filter(c -> c.status() == Status.FAIL).findFirst()
                .ifPresent(c -> { throw new AssertionError(role + ": the doctor FAILs " + c); });
            assertTrue(named(checks, "open files (hard)").needed().startsWith(">= " + Fmt.count(h.descriptors()) + " = "), role);
            assertTrue(named(checks, "heap").needed().startsWith(">= -Xmx" + h.heapMegabytes() + "m = "), role);
            assertTrue(named(checks, "memory").needed().startsWith(">= " + Fmt.bytes(h.memory().total()) + " = "), role);
            assertTrue(named(checks, "memory").needed().contains("OK from " + Fmt.bytes(h.memory().comfortable())), role);
            assertEquals(h.memoryStatus(), named(checks, "memory").status(), role);
            assertTrue(named(checks, "epoll max_user_watches").needed().contains("OK from " + Fmt.count(h.sockets() + h.margin())),
                role);
            assertEquals(Status.OK, named(checks, "nf_conntrack_max").status(), role);
            assertEquals(Status.OK, named(checks, "tcp_mem").status(), role);
        }
        Check ports = named(asPlanned(r.client()).examine(root, doctorPlan(r.client(), r)), "5-tuple");
        assertEquals(Status.OK, ports.status());
        assertTrue(ports.found().contains("x " + Fmt.count(r.client().fiveTuple().slowAt()) + " (half of"), ports.found());
        assertTrue(ports.needed().contains(Fmt.count(r.client().fiveTuple().perCombination()) + " per (source address"),
            ports.needed());
        assertEquals(Status.OK, named(asPlanned(r.client()).examine(root, doctorPlan(r.client(), r)), "heartbeat rate").status());
    }

    @Test
    void aHostShortOfWhatThePlanSaysFailsItsDoctor() throws IOException {
        Sizing.Result r = Sizing.plan(LAB_AT_1M);
        HostNeeds server = r.server();
        HostFixture host = asPlanned(server);
        host.memAvailableKb = server.memory().total() / 1024 - 1;
        long nofile = server.descriptors() - 1;
        host.nofile = nofile + " " + nofile;
        List<Check> checks = host.examine(root, doctorPlan(server, r));
        assertEquals(Status.FAIL, named(checks, "memory").status());
        assertEquals(Status.FAIL, named(checks, "open files (hard)").status());
        // 333,334 over 10 ports is 33,334 per combination, past half the range (32,256): both WARN; over 5 ports
        // 66,667, past the whole range (64,512): both FAIL.
        for (String ports : List.of("9000-9009", "9000-9004")) {
            int count = PortList.parse(ports).size();
            HostNeeds client = Sizing.plan(new PlanRequest(1_000_000, Shape.LAB_SERVER, Shape.LAB_CLIENT, 3, count, 1, 1024, 65535,
                30, true, 0, 0)).client();
            HostShare doctor = new HostShare(HostShare.Role.CLIENT, client.connections(), PortList.parse(ports), 1, 0, -1, -1, -1, true);
            assertEquals(client.fiveTupleStatus(), named(asPlanned(client).examine(root, doctor), "5-tuple").status(), ports);
            assertEquals(count == 10 ? Status.WARN : Status.FAIL, client.fiveTupleStatus(), ports);
        }
    }
}
