package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.c1m.common.cli.ExitCodes;
import org.junit.jupiter.api.Test;

class DoctorReportTest {
    private static final HostShare PLAN = HostFixture.client(1000);

    @Test
    void countsAndExitCodes() {
        DoctorReport clean = new DoctorReport(PLAN, List.of(Check.ok("a", "1", ">= 1"), Check.warn("b", "1", ">= 2", "raise b")));
        assertEquals(ExitCodes.OK, clean.exitCode());
        assertEquals("2 checks: 1 OK, 1 WARN, 0 FAIL: nothing stops 1,000 connections here; read the warnings", clean.summary());
        DoctorReport failed = new DoctorReport(PLAN, List.of(Check.fail("c", "1", ">= 2", "raise c")));
        assertEquals(ExitCodes.HOST_CANNOT_HOLD, failed.exitCode());
        assertEquals(1, failed.count(Status.FAIL));
    }

    @Test
    void longCellsWrapAtSpacesWithinTheirColumn() {
        assertEquals(List.of("one two", "three"), DoctorReport.wrap("one two three", 8));
        assertEquals(List.of("abcdefgh", "ij k"), DoctorReport.wrap("abcdefghij k", 8));
        assertEquals(List.of(""), DoctorReport.wrap("", 8));
        String table = new DoctorReport(PLAN, List.of(Check.fail("open files (hard)", "20,000 (this process)",
            ">= 1,074 = 1,000 connections + 10 open now + 64 reserve (JVM, epoll, logs)", "ulimit -Hn 2000"))).table();
        assertTrue(table.contains("\nopen files (hard)       FAIL    20,000 (this process)           >= 1,074 = 1,000 connections"
            + " + 10 open now  ulimit -Hn 2000\n" + " ".repeat(22 + 2 + 6 + 2 + 30 + 2) + "+ 64 reserve (JVM, epoll, logs)\n"),
            table);
        assertTrue(table.lines().allMatch(l -> l.length() <= 22 + 6 + 30 + 42 + 58 + 8), table);
    }
}
