package lab.c1m.common.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedValuesInOrderWithEscapes() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("p99_ms", 1.25);
        inner.put("max_ms", null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "client");
        m.put("ports", List.of(9000, 9001));
        m.put("reached", true);
        m.put("rate", 3.0);
        m.put("nan", Double.NaN);
        m.put("reason", "a \"quoted\"\nline\\");
        m.put("heartbeat", inner);
        m.put("empty", Map.of());
        String expected = """
            {
              "role": "client",
              "ports": [9000, 9001],
              "reached": true,
              "rate": 3,
              "nan": null,
              "reason": "a \\"quoted\\"\\nline\\\\",
              "heartbeat": {
                "p99_ms": 1.250,
                "max_ms": null
              },
              "empty": {}
            }
            """;
        assertEquals(expected, Json.write(m));
    }
}
