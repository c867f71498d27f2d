package lab.c1m.capacity.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.c1m.common.cli.ExitCodes;
import lab.c1m.common.record.Json;

/** The doctor's findings as a table for people or a JSON object for the playbook and the report. */
public final class DoctorReport {
    private static final String[] HEADERS = {"CHECK", "STATUS", "FOUND", "NEEDED", "FIX"};
    /** Column widths; longer cells wrap at spaces. The fix column takes what is left of a wide terminal. */
    private static final int[] WIDTHS = {22, 6, 30, 42, 58};

    private final HostShare share;
    private final List<Check> checks;
    private final List<NotApplicable> notApplicable;

    public DoctorReport(HostShare share, List<Check> checks) {
        this(share, checks, List.of());
    }

    /** notApplicable: the checks not run for this server, each said in the table's header and the JSON. */
    public DoctorReport(HostShare share, List<Check> checks, List<NotApplicable> notApplicable) {
        this.share = share;
        this.checks = List.copyOf(checks);
        this.notApplicable = List.copyOf(notApplicable);
    }

    public List<Check> checks() {
        return checks;
    }

    public long count(Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    /** 0 when no check failed, 3 (this host cannot hold the target) when any did. */
    public int exitCode() {
        return count(Status.FAIL) > 0 ? ExitCodes.HOST_CANNOT_HOLD : ExitCodes.OK;
    }

    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", share.role().label());
        m.put("impl", share.impl().label());
        m.put("connections", share.connections());
        List<Object> list = new ArrayList<>();
        checks.forEach(c -> list.add(c.toJson()));
        m.put("checks", list);
        List<Object> skipped = new ArrayList<>();
        notApplicable.forEach(n -> skipped.add(n.toJson()));
        m.put("not_applicable", skipped);
        m.put("ok", count(Status.OK));
        m.put("warn", count(Status.WARN));
        m.put("fail", count(Status.FAIL));
        return Json.write(m);
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("c1m doctor: ").append(share.role().label()).append(share.server() ? " (" + share.impl().label() + ")" : "")
            .append(", ").append(Fmt.count(share.connections()))
            .append(" connections (this host's share), ports ").append(share.ports());
        if (!share.server()) {
            sb.append(", ").append(share.sourceAddresses()).append(" source address(es)");
        }
        sb.append('\n');
        // Before the rows, so a check that is missing is never read as one that passed.
        notApplicable.forEach(n -> sb.append(n.line()).append('\n'));
        row(sb, HEADERS);
        for (Check c : checks) {
            row(sb, new String[] {c.name(), c.status().name(), c.found(), c.needed(), c.fix().isEmpty() ? "-" : c.fix()});
        }
        sb.append('\n').append(summary()).append('\n');
        return sb.toString();
    }

    public String summary() {
        long fail = count(Status.FAIL);
        String counts = checks.size() + " checks: " + count(Status.OK) + " OK, " + count(Status.WARN) + " WARN, " + fail + " FAIL";
        return fail > 0
            ? counts + ": this host cannot hold " + Fmt.count(share.connections()) + " connections as it is; fix each FAIL (exit "
                + ExitCodes.HOST_CANNOT_HOLD + ")"
            : counts + ": nothing stops " + Fmt.count(share.connections()) + " connections here"
                + (count(Status.WARN) > 0 ? "; read the warnings" : "");
    }

    private static void row(StringBuilder sb, String[] cells) {
        if (appendRow(sb, cells, WIDTHS) > 1) {
            sb.append('\n');
        }
    }

    /** One table row, each cell wrapped to its column's width (the doctor's and the plan's tables); its lines. */
    public static int appendRow(StringBuilder sb, String[] cells, int[] widths) {
        List<List<String>> wrapped = new ArrayList<>();
        int lines = 1;
        for (int i = 0; i < cells.length; i++) {
            List<String> w = wrap(cells[i], widths[i]);
            wrapped.add(w);
            lines = Math.max(lines, w.size());
        }
        for (int line = 0; line < lines; line++) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                String part = line < wrapped.get(i).size() ? wrapped.get(i).get(line) : "";
                l.append(part);
                if (i < cells.length - 1) {
                    l.append(" ".repeat(widths[i] - part.length() + 2));
                }
            }
            sb.append(l.toString().stripTrailing()).append('\n');
        }
        return lines;
    }

    /** Splits at spaces into lines of at most {@code width}; a longer word is cut. */
    public static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            while (word.length() > width) {
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
