package lab.c1m.common.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import lab.c1m.common.testing.JsonTree;
import org.junit.jupiter.api.Test;

/**
 * The jars read the lab's notations as the filters and the report do: tests/vectors/notation.json is the one
 * list of cases, also checked by report/tests/test_c1mlab_notation.py against report/c1mlab/notation.py.
 */
class NotationVectorsTest {
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases(String name) throws Exception {
        var all = (Map<String, Object>) JsonTree.read(JsonTree.repository().resolve("tests/vectors/notation.json"));
        var list = (List<Map<String, Object>>) all.get(name);
        if (list == null || list.isEmpty()) {
            throw new AssertionError("notation.json has no " + name + " cases");
        }
        return list;
    }

    private static boolean error(Map<String, Object> c) {
        return Boolean.TRUE.equals(c.get("error"));
    }

    @Test
    void counts() throws Exception {
        for (var c : cases("counts")) {
            String in = (String) c.get("in");
            if (error(c)) {
                assertThrows(IllegalArgumentException.class, () -> Quantities.parseCount(in), in);
            } else {
                assertEquals(((Number) c.get("out")).longValue(), Quantities.parseCount(in), in);
            }
        }
    }

    @Test
    void durations() throws Exception {
        for (var c : cases("durations")) {
            String in = (String) c.get("in");
            if (error(c)) {
                assertThrows(IllegalArgumentException.class, () -> Quantities.parseDuration(in), in);
            } else {
                assertEquals(((Number) c.get("out")).longValue(), Quantities.parseDuration(in).toMillis(), in);
            }
        }
    }

    @Test
    void ports() throws Exception {
        for (var c : cases("ports")) {
            String in = (String) c.get("in");
            if (error(c)) {
                assertThrows(IllegalArgumentException.class, () -> PortList.parse(in), in);
            } else {
                List<Integer> want = ((List<?>) c.get("out")).stream().map(o -> ((Number) o).intValue()).toList();
                assertEquals(want, PortList.parse(in).asList(), in);
            }
        }
    }

    @Test
    void sources() throws Exception {
        for (var c : cases("sources")) {
            String in = (String) c.get("in");
            if (error(c)) {
                assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse(in), in);
            } else {
                List<String> got = SourceAddresses.parse(in).stream().map(InetAddress::getHostAddress).toList();
                assertEquals(c.get("out"), got, in);
            }
        }
    }
}
