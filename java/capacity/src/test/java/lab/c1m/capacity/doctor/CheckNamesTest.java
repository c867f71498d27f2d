package lab.c1m.capacity.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.c1m.common.notation.PortList;
import lab.c1m.common.testing.JsonTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One vocabulary of check names: every name the failure table (failure-kinds.properties, `doctor`) and the
 * scenarios (ansible/scenarios/*.yml, `doctor_checks`) point at is a check the doctor runs, so a renamed
 * check cannot leave a scenario or a failure's evidence pointing at nothing.
 */
class CheckNamesTest {
    private static final Pattern SCENARIO_CHECKS = Pattern.compile("(?m)^\\s*doctor_checks:\\s*\\[(.*)]\\s*$");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

    @TempDir
    Path root;

    /** Every check the doctor runs for a server and for a client with heartbeats, on a host with conntrack. */
    private Set<String> namesTheDoctorRuns() throws IOException {
        Set<String> names = new TreeSet<>();
        HostFixture host = new HostFixture();
        PortList ports = PortList.parse("9000-9019");
        for (HostShare share : List.of(new HostShare(HostShare.Role.SERVER, 1000, ports, 1, 100, 1L << 30, -1, -1, true, 0, 2),
                                 new HostShare(HostShare.Role.CLIENT, 1000, ports, 1, 100, 1L << 30, -1, -1, true, 1_000_000_000L, 2))) {
            host.examine(root, share).forEach(c -> names.add(c.name()));
        }
        return names;
    }

    private static List<String> referenced() throws IOException {
        List<String> names = new ArrayList<>();
        Path repo = JsonTree.repository();
        Properties table = new Properties();
        try (InputStream in = CheckNamesTest.class.getResourceAsStream("/lab/c1m/common/failure-kinds.properties")) {
            table.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        for (String key : table.stringPropertyNames()) {
            if (key.endsWith(".doctor")) {
                for (String name : table.getProperty(key).split(",")) {
                    names.add(name.trim());
                }
            }
        }
        try (Stream<Path> files = Files.list(repo.resolve("ansible/scenarios"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                Matcher s = SCENARIO_CHECKS.matcher(Files.readString(file));
                while (s.find()) {
                    Matcher q = QUOTED.matcher(s.group(1));
                    while (q.find()) {
                        names.add(q.group(1));
                    }
                }
            }
        }
        return names;
    }

    @Test
    void everyNameTheTableAndTheScenariosUseIsACheckTheDoctorRuns() throws IOException {
        Set<String> runs = namesTheDoctorRuns();
        List<String> used = referenced();
        assertFalse(used.isEmpty(), "no doctor check names found in the table or the scenarios");
        List<String> unknown = used.stream().filter(n -> !runs.contains(n)).distinct().toList();
        assertEquals(List.of(), unknown, "names the doctor does not run (it runs " + runs + ")");
    }
}
