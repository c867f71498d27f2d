"""Writes report.html (Jinja2 template, uPlot inlined) and report.md from a summary."""

import json
import os
import sys

from c1mlab import failures

from . import faults_view, formatting as fmt
from .errors import ReportInputError
from .headline import CLIENT_LAG_KEYS, headline, verdict
from .summarize import SETTINGS_KEYS

HERE = os.path.dirname(os.path.abspath(__file__))
VENDOR = os.path.join(os.path.dirname(HERE), "vendor")
UPLOT_VERSION = "1.6.32"


def process_per_connection(cost):
    """A host's process bytes per connection: the slope from its timeline, else (a server measured from
    outside) the average RSS per socket, marked as such."""
    if cost.get("process_bytes_per_connection") is not None:
        return fmt.per_connection(cost["process_bytes_per_connection"])
    if cost.get("process_bytes_per_connection_average") is not None:
        return "≈ %s (average)" % fmt.per_connection(cost["process_bytes_per_connection_average"])
    return fmt.per_connection(None)


def jinja_environment():
    try:
        import jinja2
    except ImportError:
        from .errors import ReportInputError
        raise ReportInputError(
            "the report generator needs Jinja2, which this Python (%s) cannot import" % sys.executable,
            "apt-get install python3-jinja2 (Debian/Ubuntu; it comes with Ansible) or pip install jinja2; "
            "install-deps.sh does the apt part") from None
    return jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
                              autoescape=jinja2.select_autoescape(["html", "j2"]),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _vendored(name):
    with open(os.path.join(VENDOR, name), encoding="utf-8") as handle:
        return handle.read()


def run_settings_rows(summary):
    s = summary["settings"]
    clients = ", ".join("%s: %s" % (c["host"], fmt.count(c["share"])) for c in s.get("clients") or [])
    server = s.get("server") or {}
    scenario = summary.get("scenario") or {}
    return [("scenario", "%s%s" % (s.get("scenario") or "–",
                                   (" (%s)" % scenario["label"]) if scenario.get("label") else "")),
            ("target connections", fmt.count(s.get("target_connections"))),
            ("server ports", "%s (%d ports)" % (s.get("ports"), s.get("port_count") or 0)),
            ("connect rate", s.get("connect_rate") if s.get("connect_rate") not in (None, 0, "0") else "as fast as allowed (0)"),
            ("hold", s.get("hold")), ("heartbeat", s.get("heartbeat")),
            ("clients (share)", clients or "–"),
            ("server", ("external server at %s" % (server.get("address") or "–")) if s.get("server_impl") == "external"
             else "%s (%s): %s" % (server.get("host") or "–", server.get("address") or "–", s.get("server_impl"))),
            ("protocol", s.get("protocol")),
            ("started / finished", "%s / %s" % (summary["run"].get("started_at"), summary["run"].get("finished_at")))]


# "Settings in force": the values collected on each host, facts only; the doctor's table says whether
# they are enough for the host's share.
NOFILE_ROWS = (("open files, soft limit (LimitNOFILE / ulimit -n)", "nofile_soft"), ("open files, hard limit", "nofile_hard"))
SETTINGS_NOTE = ("The values collected on each host (`hosts/<host>/sysctl.txt`, `limits.txt`). Whether they are "
                 "enough for a host's share is the doctor's call: see *The doctor before the run*.")


def settings_in_force(summary):
    """(hosts [(name, role)], rows [(setting, [value on each host, "–" where not collected])])."""
    per_host = summary["settings"]["per_host"]
    roles = {h["name"]: h["role"] for h in summary["inventory"]["hosts"]}
    hosts = [(name, roles.get(name)) for name in per_host]

    def shown(value):
        return "–" if value is None else value
    rows = [(label, [shown(per_host[name][key]) for name, _ in hosts]) for label, key in NOFILE_ROWS]
    rows += [(key, [shown(per_host[name]["sysctl"].get(key)) for name, _ in hosts]) for key in SETTINGS_KEYS]
    return hosts, rows


def _log_tails(run, summary):
    if verdict(summary)[0] == "REACHED":
        return []
    return [(h.name, h.log_file, h.log_tail) for h in run.hosts if h.log_tail]


def render_html(run, summary, charts):
    env = jinja_environment()
    settings_hosts, settings_rows = settings_in_force(summary)
    template = env.get_template("report.html.j2")
    schedule = summary["result"]["heartbeat"].get("schedule") or {}
    return template.render(
        s=summary, verdict=verdict(summary), headline=headline(summary), charts=charts, fmt=fmt,
        fault_facts=faults_view.facts(summary), outage_rows=faults_view.outage_rows(summary),
        outage_headers=faults_view.OUTAGE_HEADERS,
        schedule=schedule, client_lag=schedule.get("client_lag"), client_lag_keys=CLIENT_LAG_KEYS,
        failure_kinds=failures.FAILURE_KINDS, lost_kind=failures.LOST, dead_kind=failures.DEAD,
        reaped_kind=failures.REAPED,
        client_names=[h.name for h in run.clients], settings_hosts=settings_hosts, settings_rows=settings_rows,
        run_settings=run_settings_rows(summary), log_tails=_log_tails(run, summary),
        uplot_js=_vendored("uPlot.iife.min.js"), uplot_css=_vendored("uPlot.min.css"), uplot_version=UPLOT_VERSION)


# --- Markdown -----------------------------------------------------------------------------------

def md_cell(value):
    return str(value).replace("|", "\\|").replace("\n", " ")


def md_table(header, rows):
    lines = ["| " + " | ".join(md_cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(run, summary):
    word, sentence = verdict(summary)
    out = ["# c1m run `%s`: %s" % (summary["run"]["run_id"], word), "", sentence + ".", ""]
    out.append(md_table(["", ""], [(row["label"], row["text"]) for row in headline(summary)]))
    scenario = summary["scenario"]
    if scenario["expected"]:
        out += ["## Scenario: %s" % scenario["name"], "",
                "- **%s**" % (scenario["text"] or scenario["name"]),
                "- Left at: %s" % (scenario["left_at"] or "–"),
                "- Wall: %s (expected: %s)" % (scenario["wall"] or "–", ", ".join(scenario["expected"])),
                "- Fix: %s" % (scenario["fix"] or "–"), ""]
    if scenario.get("restart"):
        out += ["", "## Scenario: %s" % scenario["name"], "", "- **%s**" % (scenario["text"] or scenario["name"]),
                "- What happens: %s" % (scenario["description"] or "–"), "- Fix: %s" % (scenario["fix"] or "–"), ""]
    fault_facts = faults_view.facts(summary)
    if fault_facts:
        out += ["", "## Faults: outages, lost and reconnected connections", ""]
        out.append(md_table(["", ""], fault_facts))
        outages = faults_view.outage_rows(summary)
        out += ["", md_table(faults_view.OUTAGE_HEADERS, outages) if outages else "No outage was recorded.", ""]
    heartbeat = summary["result"]["heartbeat"]
    if heartbeat.get("note"):
        out += ["", "Heartbeat: %s." % heartbeat["note"]]
    schedule = heartbeat.get("schedule") or {}
    if schedule.get("note"):
        out += ["", "Heartbeat schedule: %s." % schedule["note"]]
    if schedule.get("recorded"):
        out += ["", "Round trips from written: from when the client wrote the frame to its echo; from due: from "
                "when the schedule asked for it (includes the client's own lag). Schedule kept: heartbeats sent "
                "on time / heartbeats due."]
    lag = schedule.get("client_lag")
    if lag:
        out += ["", "## The client's lag (not the server's failure)", "",
                "- **%s** (%s late, %s missed, schedule kept %s on %s): %s **Fix:** %s" % (
                    lag["title"], fmt.count(schedule["late"]), fmt.count(schedule["missed"]),
                    fmt.percent(schedule["schedule_kept"]), ", ".join(lag["hosts"]), lag["meaning"], lag["fix"])]
        out += ["  - %s" % d for d in lag["detail"]]
    if summary["findings"]:
        out += ["", "## What went wrong", ""]
        for f in summary["findings"]:
            out.append("- **%s** (%s on %s): %s **Fix:** %s" % (
                f["kind"], fmt.count(f["count"]), ", ".join(f["hosts"]), f["meaning"], f["fix"]))
            out += ["  - %s" % d for d in f["detail"]]
    doctor = summary["doctor"]
    out += ["", "## The doctor before the run", ""]
    if doctor["hosts"]:
        rows = [[host, c["name"], c["status"], c["found"], c["needed"], c["fix"] or "–"]
                for host, d in doctor["hosts"].items() for c in d["findings"]]
        if rows:
            out.append(md_table(["host", "check", "status", "found", "needed", "fix"], rows))
            out.append("")
        out.append("; ".join("%s (%s, %s connections): %d OK, %d WARN, %d FAIL" % (
            host, d["role"], fmt.count(d["connections"]), d["ok"], d["warn"], d["fail"])
            for host, d in doctor["hosts"].items()) + ". Every check: `hosts/<host>/doctor.json`.")
    else:
        out.append("No doctor.json was collected.")
    after = summary["doctor_after"]
    if after["hosts"]:
        out += ["", "## The doctor after the run", ""]
        if after["changes"]:
            out.append(md_table(["host", "check", "before", "after", "found now", "needed", "fix"], [
                [c["host"], c["name"], c["before"] or "–", c["after"] or "–", c["found"] or "–", c["needed"] or "–",
                 c["fix"] or "–"] for c in after["changes"]]))
            out.append("")
        else:
            out.append("Every check as before the run.")
        out.append("; ".join("%s: %d OK, %d WARN, %d FAIL" % (host, d["ok"], d["warn"], d["fail"])
                             for host, d in after["hosts"].items()) + ". Every check: `hosts/<host>/doctor-after.json`.")
    if summary["problems"]:
        out += ["", "## Missing or unreadable data", ""] + ["- %s" % p for p in summary["problems"]]

    fails = summary["result"]["failures"]
    clients = [h.name for h in run.clients]
    rows = []
    for kind in failures.sort_kinds(set(fails["by_kind"]) | set(fails["connect_errors_by_kind"])):
        entry = failures.describe(kind)
        rows.append([kind, fmt.count(fails["by_kind"].get(kind, 0))]
                    + [fmt.count(fails["by_host"][c].get(kind, 0)) if c in fails["by_host"] else "–" for c in clients]
                    + [fmt.count(fails["connect_errors_by_kind"].get(kind, 0)), entry.meaning, entry.fix])
    for entry, total, per_host in ((failures.LOST, summary["result"]["lost_total"], summary["result"]["lost"]),
                                   (failures.DEAD, summary["result"]["dead_total"], summary["result"]["dead"])):
        if total or total is None:  # unknown is said as such (–), never left out as if none
            rows.append([entry.kind, fmt.count(total)] + [fmt.count(per_host.get(c, 0)) for c in clients]
                        + ["–", entry.meaning, entry.fix])
    reaped = summary["result"].get("reaped_total")
    if reaped:
        # The server's count: no client column has it.
        rows.append([failures.REAPED.kind, fmt.count(reaped)] + ["–" for _ in clients]
                    + ["–", failures.REAPED.meaning, failures.REAPED.fix])
    out += ["", "## Failures by kind", ""]
    if fails["total"] is None:  # a client wrote no summary, or its failures did not read: see the notes
        out.append("How many connections failed for good is not known: a client's summary is missing or did not "
                   "read (see Missing or unreadable data).")
        out.append("")
    out.append(md_table(["kind", "failed for good"] + clients + ["attempts (incl. retried)", "meaning", "fix"], rows)
               if rows else "No connection failed." if fails["total"] is not None else "")

    out += ["", "## Cost", ""]
    out.append(md_table(
        ["host", "role", "peak open", "RSS at peak", "heap at peak", "process B/conn", "kernel B/conn",
         "available at peak"],
        [[name, c["role"] + (" (%s)" % c["impl"] if c.get("impl") else ""), fmt.count(c.get("peak_open")),
          fmt.bytes_(c.get("rss_bytes_at_peak")), "n/a" if c.get("heap_na") else fmt.bytes_(c.get("heap_used_bytes_at_peak")),
          process_per_connection(c), fmt.per_connection(c.get("kernel_bytes_per_connection")),
          fmt.bytes_(c.get("mem_available_bytes_at_peak"))]
         for name, c in summary["cost"]["hosts"].items()]))
    notes = ["- %s: %s" % (name, note) for name, c in summary["cost"]["hosts"].items() for note in c.get("notes") or []]
    if summary["cost"].get("server_not_measured"):
        notes.insert(0, "- server: %s" % summary["cost"]["server_not_measured"])
    out += [""] + notes if notes else []
    conntrack = [[name, fmt.count(ct["count"]), fmt.count(ct["max"]), "%.1f%%" % (ct["used_fraction"] * 100)]
                 for name, ct in summary["cost"]["conntrack"].items() if ct]
    if conntrack:
        out += ["", md_table(["conntrack on", "count", "max", "used"], conntrack)]

    hosts, settings = settings_in_force(summary)
    out += ["", "## Settings in force", ""]
    out.append(md_table(["setting"] + ["%s (%s)" % host for host in hosts], [[name] + values for name, values in settings]))
    out += ["", SETTINGS_NOTE]

    out += ["", "## Hosts", ""]
    out.append(md_table(["host", "role", "process", "memory MB", "CPUs", "kernel", "Java", "Netty / transport"],
                        [[h["name"], h["role"], (h.get("process") or {}).get("text", "–"), fmt.count(h["memory_mb"]),
                          h["cpus"] or "–", h["kernel"] or "–",
                          h["java"] or "–", "%s / %s" % (h["netty_version"] or "–", h["transport"] or "–")]
                         for h in summary["inventory"]["hosts"]]))
    out += ["", md_table(["run setting", "value"], run_settings_rows(summary)), ""]
    return "\n".join(out)


def write_outputs(folder, run, summary, charts):
    """Write summary.json, report.html and report.md into the run folder; return their paths.

    Each file is written whole or not at all (a temporary file renamed); a folder that cannot take them is
    a ReportInputError naming it and the fix, with nothing half-written left behind."""
    paths = {name: os.path.join(folder, name) for name in ("summary.json", "report.html", "report.md")}
    texts = {"summary.json": json.dumps(summary, indent=2) + "\n",
             "report.html": render_html(run, summary, charts), "report.md": render_markdown(run, summary)}
    temporary = None
    try:
        os.makedirs(folder, exist_ok=True)
        for name, text in texts.items():
            temporary = paths[name] + ".tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, paths[name])
            temporary = None
    except OSError as error:
        if temporary and os.path.exists(temporary):
            os.remove(temporary)
        raise ReportInputError("cannot write the report into %s: %s" % (folder, error.strerror or error),
                               "pass --out a folder you can write, e.g. --out /tmp/report") from None
    return paths
