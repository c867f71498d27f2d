package lab.c1m.capacity.doctor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finding of the doctor: what was checked, the verdict, the value found, the value needed (with the
 * formula it comes from) and the exact fix. The fix is empty when nothing needs fixing.
 */
public record Check(String name, Status status, String found, String needed, String fix) {
    public static Check ok(String name, String found, String needed) {
        return new Check(name, Status.OK, found, needed, "");
    }

    public static Check warn(String name, String found, String needed, String fix) {
        return new Check(name, Status.WARN, found, needed, fix);
    }

    public static Check fail(String name, String found, String needed, String fix) {
        return new Check(name, Status.FAIL, found, needed, fix);
    }

    /** A value this host does not show (a container or network namespace hides it, or an old kernel lacks it). */
    public static Check unreadable(String name, String what, String how) {
        return warn(name, "not readable here (" + what + ")", "-", "check it where it is visible: " + how);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("status", status.name());
        m.put("found", found);
        m.put("needed", needed);
        m.put("fix", fix);
        return m;
    }
}
