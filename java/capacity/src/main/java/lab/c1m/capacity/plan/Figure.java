package lab.c1m.capacity.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import lab.c1m.capacity.doctor.Status;

/** One line of a plan: for which host, what, its value, the rule it comes from, and the doctor's verdict. */
public record Figure(String host, String name, String value, String rule, Status status) {
    static Figure of(String host, String name, String value, String rule) {
        return new Figure(host, name, value, rule, Status.OK);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("name", name);
        m.put("value", value);
        m.put("rule", rule);
        m.put("status", status.name());
        return m;
    }
}
