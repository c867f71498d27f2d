"""Reading what the jars wrote: `c1m-host status` records, the summaries, the doctor's JSON reports, and
the run's figures from the fetched summaries (the playbook's one-screen summary; the verdict reads them).
"""

import json

from . import figures, notation



# The summaries' versions this checkout reads (docs/interfaces.md, `schema`); a summary without one is 1.
SCHEMAS = (1, 2, 3)
# A summary's counts: whole numbers, never negative. `failed`, `connect_errors` and `reconnect_errors`
# hold one count a failure kind.
COUNTS = ("target", "established", "open", "peak_open", "accepted", "closed", "reaped", "failed_total",
          "lost", "dead", "heartbeat_stalls", "reconnected", "unrecovered", "reconnect_errors_total", "down",
          "outage_count")
COUNTS_BY_KIND = ("failed", "connect_errors", "reconnect_errors")


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def checked(summary, where):
    """(summary, problems): a summary as the jars write it, checked before a figure is read from it.

    Not a JSON object, or a schema this checkout does not read: (None, [why]), its figures left out. A count
    that is negative or not a whole number: named (where, field, value) and made None, shown as unknown.
    where: what to call it in a problem, e.g. "c1m-client1/client-summary.json".
    """
    if not isinstance(summary, dict):
        kind = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(summary), "value")
        return None, ["%s is a JSON %s, not a summary object: its figures are left out" % (where, kind)]
    schema = summary.get("schema", 1)
    if schema not in SCHEMAS:
        return None, ["%s has schema %r; this checkout reads schema %s: its figures are left out (fix: the report "
                      "generator of the checkout that built the jars)" % (where, schema, " and ".join(map(str, SCHEMAS)))]
    summary, problems = dict(summary), []
    for key in COUNTS:
        if key in summary and summary[key] is not None and not _is_count(summary[key]):
            problems.append("%s: %s is %r, not a count: shown as unknown" % (where, key, summary[key]))
            summary[key] = None
    for key in COUNTS_BY_KIND:
        if key in summary and summary[key] is not None:
            by_kind = summary[key]
            if not isinstance(by_kind, dict) or not all(_is_count(v) for v in by_kind.values()):
                problems.append("%s: %s is %r, not a count by failure kind: shown as unknown" % (where, key, by_kind))
                summary[key] = {}
    return summary, problems


# The states a summary ends in: the client's "done", the server's (or any jar's exit 3) "stopped".
FINAL_STATES = ("done", "stopped")


def stale(summary, where):
    """A line when a summary never reached a final state: its process ended without writing its last one
    (killed, crashed, or its disk full), so its figures are those of its last write. None when final."""
    if not isinstance(summary, dict) or summary.get("state") in FINAL_STATES:
        return None
    return ("%s says %s (last written %s): its process ended without a final summary (killed, crashed or out of "
            "disk; see its log): its figures are those of that moment" % (
                where, summary.get("state") or "no state", summary.get("updated_at") or "at an unknown time"))


def legacy_behind(text):
    """The one reader of a sentence the jars wrote: a schema-2 client summary's `behind` was the client's own
    line (schema 3 made it data). Shown as written, without its fix (the table's fix is shown beside it)."""
    if not text:
        return ""
    return str(text).split(" Fix: ", 1)[0].strip()[:500]


class NoJson(ValueError):
    """A helper printed no JSON (the message says what it printed and what to do)."""


def number(value):
    """A summary's count, 0 when absent or unreadable (a summary cut short must not stop the playbook)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def json_after_noise(output, what="the helper"):
    """(value, noise): the JSON a helper script printed, past any lines sudo or the shell printed first.

    Scripts run with become share a terminal with sudo, so its warnings ("sudo: unable to resolve
    host ...") land in stdout ahead of the JSON: they are returned as noise, not taken as data.
    """
    text = output or ""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if line.lstrip()[:1] in ("{", "["):
            try:
                value = json.loads("\n".join(lines[start:]))
            except ValueError:
                continue
            return value, [noise_line for noise_line in lines[:start] if noise_line.strip()]
    raise NoJson(
        "%s printed no JSON. Its output was: %r. If that is a sudo or shell warning, fix the host "
        "(e.g. add its hostname to /etc/hosts); if it is empty, run the helper by hand on the host."
        % (what, text[:500]))


def status_record(status):
    """A `c1m-host status` object, or a registered loop result holding one (keeps the inventory name)."""
    if isinstance(status, dict) and "stdout" in status:
        host = status.get("item")
        try:
            parsed = json.loads(status.get("stdout") or "{}")
        except ValueError:
            parsed = {}
        parsed["inventory_hostname"] = host
        return parsed
    return status or {}


def _bounds(section):
    """p50 / p99 / max of one round trip (figures.round_trips) for the one-screen summary: merged from the
    clients' HdrHistograms ("merged"), else the worst client's figure as a bound ("worst client"); None
    when no client reports it."""
    if not section:
        return None
    if section.get("merged"):
        out = dict((key, section["merged"][key]) for key in ("p50_ms", "p99_ms", "max_ms"))
        out.update(count=section["merged"]["count"], source="merged")
        return out
    bound = section.get("upper_bound") or {}
    if all(bound.get(key) is None for key in ("p50_ms", "p99_ms", "max_ms")):
        return None
    out = dict((key, bound.get(key)) for key in ("p50_ms", "p99_ms", "max_ms"))
    out.update(count=sum(number(f.get("count")) for f in section["per_client"].values()), source="worst client")
    return out


def _by_host(client_summaries):
    """{host: summary}, sorted by host; a list of summaries is keyed by their hostname (made unique: loopback
    clients share one)."""
    if isinstance(client_summaries, dict):
        return dict(sorted(client_summaries.items()))
    out = {}
    for i, summary in enumerate(client_summaries or []):
        name = (summary or {}).get("hostname") or "client%d" % i
        out[name if name not in out else "%s#%d" % (name, i)] = summary
    return out


def heartbeats(client_summaries):
    """The clients' heartbeats for the playbook's lines (figures.heartbeat): counts summed, the schedule kept
    and both round trips (from written, from due) as p50 / p99 / max.

    client_summaries: {host: summary or None} or a list of summaries. A client jar older than the schedule
    has no due / late / missed / from_due: then `recorded` is false and those figures are None.
    """
    beats = figures.heartbeat(_by_host(client_summaries))
    plan = beats["schedule"]
    result = {"enabled": beats["enabled"], "interval_ms": beats["interval_ms"], "recorded": plan["recorded"],
              "sent": beats["sent"] or 0, "received": beats["received"] or 0,
              "due": None, "late": None, "missed": None, "schedule_kept": None, "behind": [],
              "rtt": None, "rtt_due": None}
    if not beats["enabled"]:
        return result
    if plan["recorded"]:
        result.update((key, plan[key]) for key in ("due", "late", "missed", "schedule_kept", "behind"))
    result["rtt"] = _bounds(beats["written"])
    result["rtt_due"] = _bounds(beats["from_due"])
    return result


def run_summary(client_summaries, server_summary, target):
    """One-screen figures of a finished run (figures.run_figures, flattened for the playbook's lines).

    client_summaries: {host: summary or None}; server_summary: summary or None.
    """
    clients = _by_host(client_summaries)
    run = figures.run_figures(clients, server_summary, notation.count(target))
    written = [s for s in clients.values() if s]
    result = {
        "target": run["target"], "clients_reporting": len(written),
        "clients_reached": sum(1 for reached in run["reached_per_client"].values() if reached),
        "established": run["established_total"] or 0, "peak_open_clients": run["peak_open_total"] or 0,
        "failed_total": run["failures"]["total"], "lost": run["lost_total"], "dead": run["dead_total"],
        # The server's: connections its keepalive closed (None: a server jar that does not say), and its setting.
        "reaped": run["reaped_total"], "server_keepalive": run["server_keepalive"],
        "time_to_reach_s": None, "heartbeat_p99_ms": None, "heartbeat_max_ms": None,
        "client_exit_codes": run["exit_codes"],
        "server_peak_open": run["server_peak_open"], "server_open_at_end": run["server_open_at_end"],
    }
    # Heartbeats: both round trips merged over the clients, the schedule kept, late and missed (the
    # client's lag: reported, never part of the outcome). dead stays the server-silent count.
    beats = heartbeats(clients)
    result["heartbeat"] = beats
    for prefix, key in (("heartbeat_", "rtt"), ("heartbeat_due_", "rtt_due")):
        for field in ("p50_ms", "p99_ms", "max_ms"):
            result[prefix + field] = (beats[key] or {}).get(field)
    for key in ("due", "late", "missed"):
        result["heartbeat_" + key] = beats[key]
    result["schedule_kept"] = beats["schedule_kept"]
    # The clients' own ramp time: the slowest client's, once every client reached its share.
    ramp = [float(seconds) for host, seconds in run["ramp_seconds"].items()
            if seconds is not None and run["reached_per_client"][host]]
    if ramp and result["clients_reached"] == len(clients):
        result["time_to_reach_s"] = round(max(ramp), 3)
    result["failures_by_kind"] = run["failures"]["by_kind"]
    result["connect_errors_by_kind"] = run["failures"]["connect_errors_by_kind"]
    result["outcome"] = run["outcome"]
    return result


STATUS_ORDER = {"FAIL": 0, "WARN": 1, "OK": 2}


def doctor(reports, roles=None):
    """What each host's doctor found before the run, for the playbook and the report:
    {host: {role, connections, ok, warn, fail, findings}} of the hosts with a report, where findings are
    its FAIL and WARN rows ({name, status, found, needed, fix}), FAILs first. The counts are the ones the
    doctor's report states, counted from its checks when it states none.

    reports: {host: the doctor's JSON report, or None when the jar wrote none}; roles: {host: role} for a
    report that does not name its role.
    """
    hosts = {}
    for host, report in (reports or {}).items():
        if not report:
            continue
        checks = [c for c in report.get("checks") or [] if isinstance(c, dict)]
        entry = {"role": report.get("role") or (roles or {}).get(host), "connections": report.get("connections")}
        for status in ("OK", "WARN", "FAIL"):
            stated = report.get(status.lower())
            entry[status.lower()] = stated if isinstance(stated, int) else sum(
                1 for c in checks if c.get("status") == status)
        findings = sorted((c for c in checks if c.get("status") in ("FAIL", "WARN")),
                          key=lambda c: STATUS_ORDER.get(c.get("status"), 3))
        entry["findings"] = [{key: c.get(key) for key in ("name", "status", "found", "needed", "fix")}
                             for c in findings]
        hosts[host] = entry
    return hosts


def doctor_findings(reports, statuses=("FAIL", "WARN")):
    """The doctor's rows of these statuses on every host, hosts in name order, FAILs first:
    [{host, role, name, status, found, needed, fix}] (from doctor())."""
    rows = []
    for host, entry in sorted(doctor(reports).items()):
        for check in entry["findings"]:
            if check["status"] in statuses:
                rows.append(dict({"host": host, "role": entry["role"]}, **check))
    return rows


def doctor_counts(reports):
    """{host: {role, ok, warn, fail}} of the doctor's reports (None where a host had none)."""
    hosts = doctor(reports)
    return dict((host, dict((key, hosts[host][key]) for key in ("role", "ok", "warn", "fail")) if host in hosts
                 else None) for host in sorted(reports or {}))
