package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The command in-process on recorded hosts: options, table, JSON, exit codes. */
class DoctorCommandTest {
    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Stands in for c1m-client, whose doctor defaults to the client role. */
    @Command(name = "c1m-client", subcommands = DoctorCommand.class)
    static final class FakeClient implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    private int run(Object command, String... args) {
        CommandLine cl = Cli.commandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setOut(new PrintWriter(out, true));
            sub.setErr(new PrintWriter(err, true));
        }
        return cl.execute(args);
    }

    private List<String> withRoot(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--proc-root");
        all.add(root.toString());
        return all;
    }

    @Test
    void aTunedServerIsReadyAndTheJsonSaysSo() throws IOException {
        HostFixture host = new HostFixture();
        host.portRange = "32768\t60999";
        host.write(root);
        int code = run(new DoctorCommand(), withRoot("--json", "--connections", "1m", "--heap", "2g").toArray(String[]::new));
        String json = out.toString();
        assertEquals(ExitCodes.OK, code, json + err);
        assertTrue(json.startsWith("{\n  \"role\": \"server\",\n  \"impl\": \"netty\",\n  \"connections\": 1000000,\n  \"checks\": [\n"),
            json);
        assertTrue(json.contains("\"name\": \"open files (hard)\",\n      \"status\": \"OK\",\n      \"found\": \"1,100,000"
            + " (this process)\","), json);
        assertTrue(json.contains("\"name\": \"heap\",\n      \"status\": \"OK\",\n      \"found\": \"-Xmx2048m (2.0 GiB)\""), json);
        assertTrue(json.endsWith("  \"not_applicable\": [],\n  \"ok\": 15,\n  \"warn\": 0,\n  \"fail\": 0\n}\n"), json);
    }

    @Test
    void anyFailExitsThreeAndTheTableNamesIt() throws IOException {
        HostFixture host = new HostFixture();
        host.nofile = "20000 20000";
        host.write(root);
        int code = run(new DoctorCommand(), withRoot("--connections", "1m").toArray(String[]::new));
        String table = out.toString();
        assertEquals(ExitCodes.HOST_CANNOT_HOLD, code, table);
        assertTrue(table.startsWith("c1m doctor: server (netty), 1,000,000 connections (this host's share), ports 9000-9019\n"
            + "CHECK                   STATUS  FOUND"), table);
        assertTrue(table.contains("\nopen files (hard)       FAIL    20,000 (this process)"), table);
        assertTrue(table.endsWith("FAIL: this host cannot hold 1,000,000 connections as it is; fix each FAIL (exit 3)\n"), table);
    }

    @Test
    void underTheClientJarItIsTheClientsDoctor() throws IOException {
        new HostFixture().write(root);
        List<String> args = withRoot("--json", "--source-ips", "10.0.0.0/30");
        args.add(0, "doctor");
        int code = run(new FakeClient(), args.toArray(String[]::new));
        assertEquals(ExitCodes.OK, code, out + "" + err);
        assertTrue(out.toString().contains("\"role\": \"client\",\n  \"impl\": \"netty\",\n  \"connections\": 333334,"),
            out.toString());
        assertTrue(out.toString().contains("20 server port(s) x 2 source address(es)"), out.toString());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String[][] bad = {
            {"--role", "proxy"},
            {"--connections", "0"},
            {"--heap", "lots"},
            {"--nofile", "2000:1000"},
            {"--source-ips", "10.0.0.0/8"},
            {"--ports", "9019-9000"},
            {"--heartbeat", "1ms"},
            {"--heartbeat", "9999999999h"},
            {"--impl", "nginx"},
            {"--role", "client", "--impl", "c-epoll"},
        };
        for (String[] args : bad) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run(new DoctorCommand(), withRoot(args).toArray(String[]::new)), String.join(" ", args));
            assertTrue(err.toString().startsWith("doctor: "), err.toString());
            assertEquals(2, err.toString().lines().count(), err.toString());
        }
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run(new DoctorCommand(), withRoot("--impl", "nginx").toArray(String[]::new)));
        assertTrue(err.toString().startsWith("doctor: --impl: 'nginx' is not a server implementation: use netty, c-epoll,"
            + " command or external\n"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run(new FakeClient(), "doctor", "--role", "proxy"));
        assertTrue(err.toString().startsWith("c1m-client doctor: --role: 'proxy' is not a role"), err.toString());
    }

    @Test
    void anExternalServerIsRefusedInOneLine() throws IOException {
        // No host of the lab runs it: a table for this host would read as a server judged and passed.
        new HostFixture().write(root);
        assertEquals(ExitCodes.USAGE, run(new DoctorCommand(), withRoot("--impl", "external").toArray(String[]::new)), out.toString());
        assertEquals("doctor: --impl: the server is external (outside the lab): there is no server host to count or judge;"
            + " the doctor judges the clients only (--role client)", err.toString().lines().findFirst().orElse(""));
        assertEquals("", out.toString(), "no report for a refused command line");
    }

    @Test
    void theClientRefusesAServerImplementation() throws IOException {
        new HostFixture().write(root);
        List<String> args = withRoot("--impl", "c-epoll");
        args.add(0, "doctor");
        assertEquals(ExitCodes.USAGE, run(new FakeClient(), args.toArray(String[]::new)), out.toString());
        assertEquals("c1m-client doctor: --impl: 'c-epoll' names a server, and this is a client (always the lab's Java client):"
            + " leave --impl out, or use --role server", err.toString().lines().findFirst().orElse(""));
        assertEquals("", out.toString(), "no report for a refused command line");
        err.getBuffer().setLength(0);
        args.set(2, "netty");
        assertEquals(ExitCodes.OK, run(new FakeClient(), args.toArray(String[]::new)), err.toString());
    }

    @Test
    void aCEpollServerHasNoHeapRowAndTheReportSaysWhy() throws IOException {
        HostFixture host = new HostFixture();
        host.portRange = "32768\t60999";  // the ports outside it: no warning, as in aTunedServerIsReadyAndTheJsonSaysSo
        host.write(root);
        int code = run(new DoctorCommand(), withRoot("--json", "--impl", "c-epoll", "--connections", "1m", "--heap", "2g")
            .toArray(String[]::new));
        String json = out.toString();
        assertEquals(ExitCodes.OK, code, json + err);
        assertTrue(json.startsWith("{\n  \"role\": \"server\",\n  \"impl\": \"c-epoll\",\n"), json);
        assertTrue(!json.contains("\"name\": \"heap\",\n      \"status\""), "no heap row: " + json);
        assertTrue(json.contains("\"not_applicable\": [\n    {\n      \"name\": \"heap\",\n      \"why\": \"the server is"
            + " c-epoll (no JVM); --heap is not used\"\n    }\n  ],\n  \"ok\": 14,"), json);

        out.getBuffer().setLength(0);
        code = run(new DoctorCommand(), withRoot("--impl", "c-epoll", "--connections", "1m").toArray(String[]::new));
        String table = out.toString();
        assertEquals(ExitCodes.OK, code, table + err);
        assertTrue(table.startsWith("c1m doctor: server (c-epoll), 1,000,000 connections (this host's share), ports 9000-9019\n"
            + "heap: not checked, the server is c-epoll (no JVM)\nCHECK "), table);
        assertTrue(table.endsWith("14 checks: 14 OK, 0 WARN, 0 FAIL: nothing stops 1,000,000 connections here\n"), table);
    }

    @Test
    void aCommandServerSaysItsMemoryIsMeasuredAfterTheRun() throws IOException {
        new HostFixture().write(root);
        int code = run(new DoctorCommand(), withRoot("--json", "--impl", "command", "--connections", "1000")
            .toArray(String[]::new));
        String json = out.toString();
        assertEquals(ExitCodes.OK, code, json + err);
        assertTrue(json.contains("\"impl\": \"command\""), json);
        assertTrue(json.contains("\"name\": \"heap\",\n      \"why\": \"the server is command (no JVM the lab sized: its"
            + " memory is measured from outside after the run)\""), json);
    }

    @Test
    void ioUringIsTheJavaServersTransportSoAnotherServerSkipsItsLockedMemory() throws IOException {
        new HostFixture().write(root);
        int code = run(new DoctorCommand(), withRoot("--json", "--impl", "c-epoll", "--connections", "1000", "--cpus", "4",
            "--transport", "io_uring", "--memlock", "1m").toArray(String[]::new));
        String json = out.toString();
        assertEquals(ExitCodes.OK, code, "1 MiB would fail the Java server's rings, not c-epoll: " + json + err);
        assertTrue(!json.contains("\"status\": \"FAIL\""), json);
        assertTrue(json.contains("\"name\": \"locked memory (io_uring)\",\n      \"why\": \"the server is c-epoll (io_uring is a"
            + " transport of the lab's Java server; --transport is not used)\""), json);
    }

    @Test
    void anIoUringServiceIsCheckedForItsRingsInLockedMemory() throws IOException {
        new HostFixture().write(root);  // Max locked memory 8 MiB
        int code = run(new DoctorCommand(), withRoot("--connections", "1000", "--cpus", "2").toArray(String[]::new));
        assertEquals(ExitCodes.OK, code, out.toString() + err);
        assertTrue(!out.toString().contains(LockedMemoryCheck.NAME), "epoll has no rings to lock: " + out);

        out.getBuffer().setLength(0);
        code = run(new DoctorCommand(), withRoot("--connections", "1000", "--cpus", "2", "--transport", "io_uring")
            .toArray(String[]::new));
        assertEquals(ExitCodes.OK, code, out.toString() + err);
        assertTrue(out.toString().contains("\nlocked memory           OK      8.0 MiB                         >= 1.7 MiB = 3"
            + " event loop(s)"), out.toString());

        // The unit's LimitMEMLOCK, as --nofile is its LimitNOFILE: 1 MiB holds no 5 loops (4 CPUs + the acceptor).
        out.getBuffer().setLength(0);
        code = run(new DoctorCommand(), withRoot("--json", "--connections", "1000", "--cpus", "4", "--transport", "io_uring",
            "--memlock", "1m").toArray(String[]::new));
        assertEquals(ExitCodes.HOST_CANNOT_HOLD, code, out.toString() + err);
        assertTrue(out.toString().contains("\"name\": \"locked memory (io_uring)\",\n      \"status\": \"FAIL\",\n"
            + "      \"found\": \"1.0 MiB\",\n      \"needed\": \">= 2.8 MiB = 5 event loop(s) x 0.6 MiB of rings\""), out.toString());
        assertTrue(out.toString().contains("LimitMEMLOCK=infinity"), out.toString());

        assertEquals(ExitCodes.USAGE, run(new DoctorCommand(), withRoot("--transport", "io_uring", "--memlock", "lots")
            .toArray(String[]::new)));
        assertTrue(err.toString().contains("--memlock: 'lots' is not a size"), err.toString());
    }
}
