package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lab.c1m.capacity.HostFacts;
import lab.c1m.common.notation.PortList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jars' start-up check is the doctor's open-files and 5-tuple checks for this process, nothing else. */
class StartupCheckTest {
    @TempDir
    Path root;

    private List<Check> startup(HostFixture host, HostShare.Role role, long connections, int sources) throws IOException {
        host.write(root);
        return StartupCheck.run(HostFacts.read(root), StartupCheck.share(role, connections, PortList.parse("9000-9019"), sources, 0));
    }

    @Test
    void aTunedClientHoldsItsThird() throws IOException {
        assertEquals(List.of(), startup(new HostFixture(), HostShare.Role.CLIENT, 333_334, 1));
    }

    @Test
    void theHardLimitOfAContainerIsRefusedWithTheDoctorsRowAndFix() throws IOException {
        HostFixture capped = new HostFixture();
        capped.nofile = "20000 20000";
        capped.capEff = "00000000a80425fb";
        capped.container = "lxc";
        List<Check> failed = StartupCheck.failed(startup(capped, HostShare.Role.CLIENT, 333_334, 1));
        assertEquals(List.of("open files (hard)"), failed.stream().map(Check::name).toList(), failed.toString());
        String refusal = StartupCheck.refusal("c1m-client", 333_334, failed, "--connections 333334");
        assertTrue(refusal.startsWith("c1m-client: this host cannot hold 333,334 connections:"), refusal);
        assertTrue(refusal.contains("open files (hard): 20,000"), refusal);
        assertTrue(refusal.contains("333,590"), "sockets + the reserve of rules.properties: " + refusal);
        assertTrue(refusal.contains("LimitNOFILE=400000"), refusal);
        assertTrue(refusal.contains("lxc.prlimit.nofile"), refusal);
        assertTrue(refusal.endsWith("java -jar c1m-client.jar doctor --connections 333334"), refusal);
    }

    @Test
    void theServerCountsItsListeningSockets() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "1000276 1000276";
        assertEquals(List.of(), StartupCheck.failed(startup(host, HostShare.Role.SERVER, 1_000_000, 1)));
        host.nofile = "1000275 1000275";
        assertEquals(1, StartupCheck.failed(startup(host, HostShare.Role.SERVER, 1_000_000, 1)).size());
    }

    @Test
    void nrOpenAndFileMaxAreCheckedBesideTheProcessLimit() throws IOException {
        HostFixture low = new HostFixture();
        low.nrOpen = "1000000";
        low.fileMax = "500000";
        List<String> failed = StartupCheck.failed(startup(low, HostShare.Role.CLIENT, 1_000_000, 1)).stream().map(Check::name).toList();
        assertTrue(failed.contains("fs.nr_open"), failed.toString());
        assertTrue(failed.contains("fs.file-max"), failed.toString());
    }

    @Test
    void onlyAClientChecksTheFiveTuple() throws IOException {
        HostFixture untuned = new HostFixture();
        untuned.portRange = "32768\t60999";
        // 20 ports x 1 source x 14,116 (half the default range) = 282,320 < 333,334.
        List<String> client = startup(untuned, HostShare.Role.CLIENT, 333_334, 1).stream().map(Check::name).toList();
        assertTrue(client.contains("5-tuple"), client.toString());
        assertEquals(List.of(), startup(untuned, HostShare.Role.CLIENT, 333_334, 2));
        assertTrue(startup(untuned, HostShare.Role.SERVER, 333_334, 1).stream().noneMatch(c -> c.name().equals("5-tuple")));
    }
}
