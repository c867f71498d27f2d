package lab.c1m.common.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one check out of the doctor's --json output (the Json writer's fixed layout: one field a line). */
public final class DoctorOutput {
    private static final Pattern FIELD = Pattern.compile("\"(name|status|found|needed|fix)\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    private DoctorOutput() {
    }

    /** name, status, found, needed, fix of the check with that name; fails the test when there is none. */
    public static Map<String, String> check(String json, String name) {
        int at = json.indexOf("\"name\": \"" + name + "\"");
        if (at < 0) {
            throw new AssertionError("no check '" + name + "' in:\n" + json);
        }
        int end = json.indexOf('}', at);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(json.substring(at, end));
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return fields;
    }

    /** A top-level number: "ok", "warn", "fail", "connections". */
    public static long number(String json, String key) {
        Matcher m = Pattern.compile("\n  \"" + key + "\": (\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no '" + key + "' in:\n" + json);
        }
        return Long.parseLong(m.group(1));
    }
}
