"""Finishing a run on the controller, in one call: what the playbook knew (the settings, the hosts, how
following the run ended, the doctor's reports) and what the fetched summaries say become run.json, the
run's figures, the scenario's result, whether the playbook passes, and the lines it prints.

`python3 report/c1m_report.py finish RUN_DIR` reads the playbook's JSON on stdin (ansible/tasks/report.yml
builds it from its variables, no computation), runs this, builds the report and prints the lines.
"""

import json
import os
import time

from . import evidence, faults, lines, notation, summaries, verdict

# What `given` must hold: the playbook's variables, named as in run.json where they land there.
GIVEN = ("run_id", "started_at", "scenario", "label", "scenario_info", "target", "ports", "connect_rate",
         "max_inflight", "hold", "heartbeat", "transport", "clients", "server", "result", "follow", "progress",
         "doctor_reports", "preflight_problems", "preflight_enforced", "controller")


def read_summaries(run_dir, clients, server):
    """({client: summary or None}, server summary or None, notes) from RUN_DIR/hosts/<host>/, each read and
    checked by summaries.read (as the report reads them): a missing file is None (that host wrote none); a
    file that is not a summary this checkout reads is None with a note, a figure that does not read None."""
    notes = []

    def read(host, name):
        summary, problems = summaries.read(os.path.join(run_dir, "hosts", host, name), "%s/%s" % (host, name))
        notes.extend(problems)
        return summary

    client_summaries = dict((host, read(host, "client-summary.json")) for host in clients)
    # No server host when it is external (run.json's server.impl): nothing of it was collected.
    return client_summaries, (read(server, "server-summary.json") if server else None), notes


def finish(run_dir, given):
    """Everything the run's end needs, from the playbook's `given` and the fetched summaries:
    {run (run.json's content), figures, doctor_rows, failures_seen, scenario_result, faults, kind, passed,
    notes}. Writes nothing."""
    missing = [key for key in GIVEN if key not in given]
    if missing:
        raise ValueError("the playbook's input lacks %s" % ", ".join(missing))
    info = given["scenario_info"] or {}
    clients = [c["hostname"] for c in given["clients"]]
    # No host runs an external server: its hostname comes as "" (or null) and is kept as null.
    server = given["server"].get("hostname") or None
    target = notation.count(given["target"])
    ports = notation.ports(str(given["ports"]))
    shares = dict((c["hostname"], int(c["share"])) for c in given["clients"])
    sources = dict((c["hostname"], c["source_ips"]) for c in given["clients"])
    follow = given["follow"] or {}
    progress = given["progress"] or {}

    client_summaries, server_summary, notes = read_summaries(run_dir, clients, server)
    figures = summaries.run_summary(client_summaries, server_summary, target)
    result = given["result"] or {}
    outcome = result.get("outcome") or figures["outcome"]
    detail = result.get("detail") or ""
    doctor_rows = summaries.doctor_findings(given["doctor_reports"])
    failures_seen = evidence.failures_seen(figures, progress, shares, len(ports), sources)
    run_kind = verdict.kind(info)
    if run_kind == verdict.RESTART:
        scenario = faults.restart_result(info, client_summaries, outcome, follow.get("restart") or {})
    else:
        scenario = verdict.scenario_result(info, failures_seen, doctor_rows, outcome, detail)
    run = {
        # Text stays text: a templating that reads "20261205" as a number must not change run.json's types.
        "run_id": str(given["run_id"]), "started_at": str(given["started_at"]),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scenario": str(given["scenario"]), "label": str(given["label"] or ""), "scenario_info": info,
        "scenario_result": scenario, "target_connections": target, "ports": ports, "ports_spec": str(given["ports"]),
        "connect_rate": int(given["connect_rate"]), "max_inflight": int(given["max_inflight"]),
        "hold": str(given["hold"]), "hold_seconds": notation.seconds(given["hold"]),
        "heartbeat": str(given["heartbeat"]), "heartbeat_seconds": notation.seconds(given["heartbeat"]),
        "transport": str(given["transport"]),
        # What the clients spoke; runs recorded before it was a setting spoke raw.
        "protocol": str(given.get("protocol") or "raw"),
        "clients": [dict(c, share=int(c["share"])) for c in given["clients"]], "server": dict(given["server"], hostname=server),
        "outcome": outcome, "outcome_detail": detail, "time_to_reach_s": figures["time_to_reach_s"],
        "reached_after_s_seen_by_playbook": follow.get("reached_after_s"),
        "preflight_problems": given["preflight_problems"] or [],
        "preflight_enforced": bool(given["preflight_enforced"]), "controller": given["controller"],
    }
    return {"run": run, "figures": figures, "doctor_rows": doctor_rows, "failures_seen": failures_seen,
            "scenario_result": scenario, "faults": faults.fold(client_summaries), "kind": run_kind,
            "passed": verdict.passed(run_kind, outcome, scenario), "notes": notes,
            "behind": progress.get("behind"), "run_dir": run_dir}


def write_run_json(run_dir, run):
    """run.json, whole or not at all (written beside it, then renamed)."""
    path = os.path.join(run_dir, "run.json")
    part = path + ".part"
    with open(part, "w", encoding="utf-8") as handle:
        json.dump(run, handle, indent=4, sort_keys=True)
        handle.write("\n")
    os.replace(part, path)
    return path


def _known(count):
    """A count for the lines; one that did not read (or of a client that wrote no summary) is unknown, never 0."""
    return "unknown" if count is None else count


def _joined(mapping):
    return ", ".join("%s %s" % (key, value) for key, value in (mapping or {}).items())


def summary_lines(done, report):
    """The one-screen summary, then each failure with its meaning and fix, the doctor's FAILs and the
    scenario's lines, then the last line: the verdict. report: the report's path, or 'not built: why'."""
    run, f, info = done["run"], done["figures"], done["run"]["scenario_info"]
    clients = len(run["clients"])
    label = (", " + run["label"]) if run["label"] else ""
    outcome = run["outcome"] + ((" - " + run["outcome_detail"]) if run["outcome_detail"] else "")
    hb = f["heartbeat"]
    lag = lines.lag_line(hb, done["behind"])
    if not lag:
        lag = ("client lag none: every heartbeat due was sent on time" if hb.get("recorded") else
               "client lag n/a (heartbeats off, or a client jar that does not report its schedule)")
    failures = _joined(f["failures_by_kind"])
    out = [
        "run        %s (scenario %s%s)  ->  %s" % (run["run_id"], run["scenario"], label, done["run_dir"]),
        "outcome    " + outcome,
        "target     %s over %s clients, ports %s" % (f["target"], clients, run["ports_spec"]),
        "reached    clients' peak open %s, server peak open %s, clients reached %s/%s" % (
            f["peak_open_clients"], f["server_peak_open"] if f["server_peak_open"] is not None else "-",
            f["clients_reached"], clients),
        "time       %s, then held %s" % (("%s s to reach the target" % f["time_to_reach_s"])
                                         if f["time_to_reach_s"] is not None else "target not reached", run["hold"]),
        "failures   %s connections failed for good%s" % (_known(f["failed_total"]),
                                                         (": " + failures) if failures else ""),
        "lost       %s closed by the peer while held, %s dead (a written heartbeat unanswered: the server silent), "
        "%s reaped (%s)" % (_known(f["lost"]), _known(f["dead"]), f["reaped"] if f["reaped"] is not None else "-",
                            f["server_keepalive"] or "server keepalive: not stated by the server"),
        faults.line(done["faults"]) or "faults     none: nothing lost, no outage",
        "heartbeat  " + (lines.heartbeat_line(hb) or "off"),
        lag,
        "exit codes " + ", ".join("%s=%s" % (host, code if code is not None else "-")
                                  for host, code in f["client_exit_codes"].items()),
        "report     " + report,
    ]
    out.extend("note       " + note for note in done["notes"])
    scenario = done["scenario_result"]
    fails = [row for row in done["doctor_rows"] if row.get("status") == "FAIL"]
    reaped = lines.reaped_line(f)
    if done["failures_seen"] or fails or done["kind"] != verdict.BASELINE or reaped:
        out.append("scenario   %s%s" % (scenario["text"], (" (left at: %s)" % info["left_at"]) if info.get("left_at") else ""))
        # failures_seen holds each kind explained already: said as it is, not worked out again.
        out.extend("failure    " + lines.failure_line(entry) for entry in done["failures_seen"])
        if reaped:
            out.append("failure    " + reaped)
        out.extend("doctor     " + lines.doctor_line(row) for row in fails)
        if info.get("fix"):
            out.append("fix        " + info["fix"])
    out.append(verdict_line(done))
    return out


def verdict_line(done):
    """The last line: the scenario's success, or why the run failed."""
    run, scenario = done["run"], done["scenario_result"]
    report = os.path.join(done["run_dir"], "report.html")
    outcome = run["outcome"] + ((" - " + run["outcome_detail"]) if run["outcome_detail"] else "")
    if not done["passed"]:
        return "Run %s: %s%s (see %s)" % (run["run_id"], outcome,
                                          (" - " + scenario["text"]) if done["kind"] != verdict.BASELINE else "",
                                          done["run_dir"])
    if done["kind"] == verdict.WALL:
        return "Scenario %s reproduced its wall (%s: %s); report: %s" % (
            run["scenario"], run["outcome"], run["outcome_detail"], report)
    if done["kind"] == verdict.RESTART:
        return "Scenario restart: %s; report: %s" % (scenario["text"], report)
    return "Run %s passed: %s; report: %s" % (run["run_id"], outcome, report)
