package lab.c1m.capacity.doctor;

import static lab.c1m.capacity.doctor.HostFixture.client;
import static lab.c1m.capacity.doctor.HostFixture.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import lab.c1m.capacity.ServerImpl;
import lab.c1m.common.notation.PortList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open files: hard and soft nofile as the service will run, the ceiling a container sets, fs.nr_open, fs.file-max. */
class OpenFilesCheckTest {
    @TempDir
    Path root;

    private static HostShare withNofile(HostShare p, long soft, long hard) {
        return new HostShare(p.role(), p.connections(), p.ports(), p.sourceAddresses(), p.rate(), p.heapBytes(), soft, hard,
            p.jvmRaisesSoftLimit()).withImpl(p.impl());
    }

    private static HostShare withoutMaxFdLimit(HostShare p) {
        return new HostShare(p.role(), p.connections(), p.ports(), p.sourceAddresses(), p.rate(), p.heapBytes(), p.nofileSoft(),
            p.nofileHard(), false);
    }

    @Test
    void aTunedServerPassesEveryOpenFilesCheck() throws IOException {
        HostFixture host = new HostFixture();
        for (String name : new String[] {"open files (hard)", "open files (soft)", "open files ceiling", "fs.nr_open",
            "fs.file-max"}) {
            Check c = host.check(root, server(1_000_000), name);
            assertEquals(Status.OK, c.status(), c.toString());
            assertEquals("", c.fix());
        }
    }

    @Test
    void theHardLimitFailsWithValueNeedAndFix() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "20000 20000";
        Check c = host.check(root, server(1_000_000), "open files (hard)");
        assertEquals(Status.FAIL, c.status());
        assertEquals("20,000 (this process)", c.found());
        // 1,000,000 connections + 20 listening + the 256 reserve of rules.properties.
        assertTrue(c.needed().startsWith(">= 1,000,276 = 1,000,000 connections + 20 listening + 256 reserve"),
            c.needed());
        assertTrue(c.fix().contains("LimitNOFILE=1100000"), c.fix());
    }

    @Test
    void theServicesLimitNofileIsCheckedInsteadOfOursWhenGiven() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "20000 20000";
        Check ok = host.check(root, withNofile(client(333_334), 400_000, 400_000), "open files (hard)");
        assertEquals(Status.OK, ok.status(), ok.toString());
        assertTrue(ok.found().contains("--nofile"), ok.found());
        Check low = host.check(root, withNofile(client(333_334), 1024, 1024), "open files (hard)");
        assertEquals(Status.FAIL, low.status());
        assertTrue(low.fix().startsWith("LimitNOFILE=400000 in the service's systemd unit"), low.fix());
    }

    @Test
    void aLowSoftLimitWarnsWhenTheJvmRaisesItAndFailsWhenItDoesNot() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "1024 1100000";
        Check warn = host.check(root, server(5000), "open files (soft)");
        assertEquals(Status.WARN, warn.status(), warn.toString());
        assertEquals("1,024 (this process)", warn.found());
        assertTrue(warn.fix().contains("-XX:+MaxFDLimit"), warn.fix());
        assertTrue(warn.fix().contains("LimitNOFILE=6000"), warn.fix());
        Check fail = host.check(root, withoutMaxFdLimit(server(5000)), "open files (soft)");
        assertEquals(Status.FAIL, fail.status(), fail.toString());
        assertTrue(fail.fix().contains("ulimit -Sn 6000"), fail.fix());
    }

    @Test
    void forAUsersCommandTheSoftLimitIsTheWall() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "1024 1100000";
        HostShare command = server(5000).withImpl(ServerImpl.COMMAND);
        Check fail = host.check(root, command, "open files (soft)");
        assertEquals(Status.FAIL, fail.status(), "no JVM raises it: " + fail);
        assertTrue(fail.fix().startsWith("your server keeps the soft limit it is started with"), fail.fix());
        assertTrue(fail.fix().contains("LimitNOFILE=6000 in the unit (sets soft and hard)"), fail.fix());
        assertTrue(!fail.fix().contains("MaxFDLimit"), "no JVM flag for a server that is no JVM: " + fail.fix());
        assertTrue(fail.needed().endsWith("+ 256 reserve (your server's own files)"), fail.needed());
        // The service's LimitNOFILE as SOFT:HARD: its soft value is judged, its hard one is enough.
        assertEquals(Status.FAIL, host.check(root, withNofile(command, 1024, 1_100_000), "open files (soft)").status());
        assertEquals(Status.OK, host.check(root, withNofile(command, 6000, 6000), "open files (soft)").status());
        // The soft limit a shell handed the doctor (which, a JVM, raised its own) is the command's too.
        host.nofile = "20000 20000";
        host.parentNofile = "1024 20000";
        Check inherited = host.check(root, command, "open files (soft)");
        assertEquals(Status.FAIL, inherited.status(), inherited.toString());
        assertTrue(inherited.found().startsWith("1,024 (inherited: the parent process 'bash'"), inherited.found());
    }

    @Test
    void theCEpollServerRaisesItsSoftLimitAsAJvmDoes() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "1024 1100000";
        Check c = host.check(root, server(5000).withImpl(ServerImpl.C_EPOLL), "open files (soft)");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertTrue(c.fix().startsWith("the c-epoll server is not stopped by it: it raises its soft limit to the hard one"
            + " (1,100,000) at start"), c.fix());
        assertTrue(c.fix().endsWith("or start it with 'ulimit -Sn 6000'"), c.fix());
    }

    @Test
    void theSoftLimitAJvmRaisedIsReadFromItsParent() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "20000 20000";
        host.parentNofile = "1024 20000";
        Check c = host.check(root, client(5000), "open files (soft)");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertTrue(c.found().startsWith("1,024 (inherited: the parent process 'bash' has it; this JVM raised its own to 20,000)"),
            c.found());
        // A parent with another hard limit did not hand its limits down: ours stands.
        host.parentNofile = "1024 4096";
        assertEquals(Status.OK, host.check(root, client(5000), "open files (soft)").status());
    }

    @Test
    void aSoftLimitAsHighAsTheHardOneLeavesTheFindingToTheHardLimit() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "20000 20000";
        Check c = host.check(root, server(1_000_000), "open files (soft)");
        assertEquals(Status.OK, c.status(), c.toString());
        assertTrue(c.found().contains("as high as the hard limit allows"), c.found());
    }

    @Test
    void aContainerWithoutCapSysResourceIsCappedByItsInit() throws IOException {
        HostFixture host = new HostFixture().lxc("20000");
        host.nofile = "20000 20000";
        Check fail = host.check(root, client(333_334), "open files ceiling");
        assertEquals(Status.FAIL, fail.status(), fail.toString());
        assertTrue(fail.found().startsWith("20,000 (init's hard limit: no CAP_SYS_RESOURCE, lxc container)"), fail.found());
        assertTrue(fail.fix().contains("lxc.prlimit.nofile = 400000"), fail.fix());
        assertEquals(Status.OK, host.check(root, client(10_000), "open files ceiling").status());
    }

    @Test
    void anUnprivilegedContainersRootIsCappedDespiteItsCapabilities() throws IOException {
        HostFixture host = new HostFixture().lxc("65536");
        host.capEff = "000001ffffffffff";
        host.uidMap = "0 100000 65536";
        Check c = host.check(root, client(333_334), "open files ceiling");
        assertEquals(Status.FAIL, c.status(), c.toString());
        assertTrue(c.found().startsWith("65,536 (init's hard limit: no CAP_SYS_RESOURCE, lxc container)"), c.found());
    }

    @Test
    void aLimitNofileAboveTheCeilingWouldNotStartTheService() throws IOException {
        HostFixture host = new HostFixture().lxc("65536");
        Check c = host.check(root, withNofile(client(10_000), 1_048_576, 1_048_576), "open files ceiling");
        assertEquals(Status.FAIL, c.status(), c.toString());
        assertTrue(c.fix().startsWith("LimitNOFILE=1048576 cannot be granted here"), c.fix());
        assertTrue(c.fix().contains("use LimitNOFILE=20000"), c.fix());
    }

    @Test
    void aContainerWhoseInitCannotBeReadIsAWarning() throws IOException {
        HostFixture host = new HostFixture().lxc("20000");
        host.initNofile = null;
        Check c = host.check(root, client(10_000), "open files ceiling");
        assertEquals(Status.WARN, c.status(), c.toString());
        assertTrue(c.found().startsWith("unknown"), c.found());
    }

    @Test
    void nrOpenFailsBelowTheNeedAndBelowTheLimitNofileAsked() throws IOException {
        HostFixture host = new HostFixture();
        host.nrOpen = "1048576";
        assertEquals(Status.OK, host.check(root, server(1_000_000), "fs.nr_open").status());
        Check fail = host.check(root, server(1_500_000), "fs.nr_open");
        assertEquals(Status.FAIL, fail.status());
        assertTrue(fail.fix().startsWith("sysctl -w fs.nr_open=1600000"), fail.fix());
        Check asked = host.check(root, withNofile(client(10_000), 2_000_000, 2_000_000), "fs.nr_open");
        assertEquals(Status.FAIL, asked.status(), asked.toString());
        assertTrue(asked.fix().contains("would not start"), asked.fix());
        host.nrOpen = null;
        assertEquals(Status.WARN, host.check(root, server(1000), "fs.nr_open").status());
    }

    @Test
    void fileMaxCountsWhatTheHostHasOpenNow() throws IOException {
        HostFixture host = new HostFixture();
        host.fileNr = "50000\t0\t1100000";
        host.fileMax = "1100000";
        Check ok = host.check(root, client(333_334), "fs.file-max");
        assertEquals(Status.OK, ok.status(), ok.toString());
        assertEquals("1,100,000 (50,000 open on the host now)", ok.found());
        // 50,000 open + 1,010,000 sockets fit in 1,100,000, but not with 5% of the share on top (1,110,500).
        Check warn = host.check(root, client(1_010_000), "fs.file-max");
        assertEquals(Status.WARN, warn.status(), warn.toString());
        Check fail = host.check(root, client(1_060_000), "fs.file-max");
        assertEquals(Status.FAIL, fail.status(), fail.toString());
        assertTrue(fail.fix().contains("ENFILE"), fail.fix());
        // The margin is the rules' hostwide.margin_fraction (0.05), said as it is: never a literal of its own.
        assertEquals("+5%", Fmt.margin());
        assertTrue(ok.needed().contains("(+5% of the share)"), ok.needed());
    }

    @Test
    void listeningSocketsCountOnTheServerOnly() throws IOException {
        HostFixture host = new HostFixture();
        host.openFds = 0;
        HostShare many = new HostShare(HostShare.Role.SERVER, 1000, PortList.parse("9000-9099"), 1, 0, -1, -1, -1, true);
        assertTrue(host.check(root, many, "open files (hard)").needed().startsWith(">= 1,356 = 1,000 connections + 100 listening"));
        assertTrue(host.check(root, client(1000), "open files (hard)").needed().startsWith(">= 1,256 = 1,000 connections + 256 reserve"));
    }
}
