package lab.c1m.common.record;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The summary a run leaves when it stops before its reporter started (a host that cannot hold the target,
 * exit 3): who, when, and why, so that no exit path leaves a summary without an exit code and a reason.
 */
public final class ExitSummary {
    private ExitSummary() {
    }

    /** Writes it, or says on the log why it could not (the refusal itself is already on stderr). */
    public static void write(Path file, String role, int exitCode, String reason) {
        if (file == null) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("state", "stopped");
        m.put("exit_code", exitCode);
        m.put("exit_reason", reason);
        m.put("started_at", Times.now());
        m.put("updated_at", Times.now());
        m.put("updated_at_ms", System.currentTimeMillis());
        m.put("hostname", RuntimeFacts.hostname());
        try {
            ReportFiles.writeSummary(file, m);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ExitSummary.class).warn("Summary not written: {}", e.getMessage());
        }
    }
}
