"""Reading what the jars wrote: `c1m-host status` records, the summaries, the doctor's JSON reports, and
the run's figures from the fetched summaries (the playbook's one-screen summary; the verdict reads them).
"""

import json

from . import hdrhistogram, notation, verdict
from .failures import KIND_ORDER



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


_ROUND_TRIP_KEYS = (("p50_ms", 50.0), ("p99_ms", 99.0), ("max_ms", 100.0))


def _round_trips(beats, part):
    """p50 / p99 / max of one round trip over the clients: merged from their HdrHistograms ("merged"), else
    the worst client's figure as a bound ("worst client"); None when no client reports it.

    beats: [(host, the summary's heartbeat)]; part: None (from written) or "from_due".
    """
    figures = [(host, (beat.get(part) if part else beat) or {}) for host, beat in beats]
    figures = [(host, f) for host, f in figures if f.get("p50_ms") is not None or f.get("histogram")]
    if not figures:
        return None
    merged = hdrhistogram.Histogram(1, 60_000_000, 3)
    try:
        for _, f in figures:
            merged.add(hdrhistogram.decode_base64(f["histogram"]))
    except (KeyError, TypeError, ValueError):
        merged = None
    if merged is not None and merged.total_count:
        out = {key: merged.value_at_percentile(p) / 1000.0 for key, p in _ROUND_TRIP_KEYS}
        out.update(max_ms=merged.max_value / 1000.0, count=merged.total_count, source="merged")
        return out
    out = {}
    for key, _ in _ROUND_TRIP_KEYS:
        values = [f[key] for _, f in figures if f.get(key) is not None]
        out[key] = max(values) if values else None
    out.update(count=sum(number(f.get("count")) for _, f in figures), source="worst client")
    return out


def heartbeats(client_summaries):
    """The clients' heartbeats together: counts summed, the schedule kept (sum of sent minus late over the
    sum of due), and both round trips (from written, from due) merged from the clients' histograms.

    client_summaries: {host: summary or None} or a list of summaries. A client jar older than the schedule
    has no due / late / missed / from_due: then `recorded` is false and those figures are None.
    """
    items = sorted(client_summaries.items()) if isinstance(client_summaries, dict) else \
        [((s or {}).get("hostname") or "client%d" % i, s) for i, s in enumerate(client_summaries or [])]
    beats = [(host, (summary or {}).get("heartbeat") or {}) for host, summary in items if summary]
    scheduled = [(host, b) for host, b in beats if b.get("due") is not None]
    interval = max([number(b.get("interval_ms")) for _, b in beats] or [0])
    result = {"enabled": interval > 0, "interval_ms": interval or None, "recorded": bool(scheduled),
              "sent": sum(number(b.get("sent")) for _, b in beats),
              "received": sum(number(b.get("received")) for _, b in beats),
              "due": None, "late": None, "missed": None, "schedule_kept": None, "behind": [],
              "rtt": None, "rtt_due": None}
    if not interval:
        return result
    if scheduled:
        due = sum(number(b.get("due")) for _, b in scheduled)
        kept = sum(max(0, number(b.get("sent")) - number(b.get("late"))) for _, b in scheduled)
        result.update(due=due, late=sum(number(b.get("late")) for _, b in scheduled),
                      missed=sum(number(b.get("missed")) for _, b in scheduled),
                      schedule_kept=round(kept / float(due), 6) if due else None,
                      behind=[h for h, b in scheduled if number(b.get("late")) + number(b.get("missed"))])
    result["rtt"] = _round_trips(beats, None)
    result["rtt_due"] = _round_trips(scheduled, "from_due") if scheduled else None
    return result


def run_summary(client_summaries, server_summary, target):
    """One-screen figures of a finished run from the fetched summaries.

    client_summaries: {host: summary or None}; server_summary: summary or None.
    """
    target = notation.count(target)
    failures = dict((kind, 0) for kind in KIND_ORDER)
    attempts = dict((kind, 0) for kind in KIND_ORDER)
    result = {
        "target": target, "clients_reporting": 0, "clients_reached": 0, "established": 0,
        "peak_open_clients": 0, "failed_total": 0, "lost": 0, "dead": 0, "time_to_reach_s": None,
        "heartbeat_p99_ms": None, "heartbeat_max_ms": None, "client_exit_codes": {},
        "server_peak_open": None, "server_open_at_end": None,
    }
    ramp = []
    for host, summary in sorted((client_summaries or {}).items()):
        if not summary:
            result["client_exit_codes"][host] = None
            continue
        result["clients_reporting"] += 1
        result["clients_reached"] += 1 if summary.get("reached") else 0
        result["established"] += number(summary.get("established"))
        result["peak_open_clients"] += number(summary.get("peak_open"))
        result["failed_total"] += number(summary.get("failed_total"))
        result["lost"] += number(summary.get("lost"))
        result["dead"] += number(summary.get("dead"))
        for kind, count in (summary.get("failed") or {}).items():
            failures[kind] = failures.get(kind, 0) + number(count)
        for kind, count in (summary.get("connect_errors") or {}).items():
            attempts[kind] = attempts.get(kind, 0) + number(count)
        if summary.get("reached") and summary.get("ramp_seconds") is not None:
            ramp.append(float(summary["ramp_seconds"]))
        result["client_exit_codes"][host] = summary.get("exit_code")
    # Heartbeats: both round trips merged over the clients, the schedule kept, late and missed (the
    # client's lag: reported, never part of the outcome). dead stays the server-silent count.
    beats = heartbeats(client_summaries or {})
    result["heartbeat"] = beats
    for prefix, key in (("heartbeat_", "rtt"), ("heartbeat_due_", "rtt_due")):
        for field in ("p50_ms", "p99_ms", "max_ms"):
            result[prefix + field] = (beats[key] or {}).get(field)
    for key in ("due", "late", "missed"):
        result["heartbeat_" + key] = beats[key]
    result["schedule_kept"] = beats["schedule_kept"]
    if ramp and result["clients_reached"] == len(client_summaries or {}):
        result["time_to_reach_s"] = round(max(ramp), 3)
    result["failures_by_kind"] = dict((k, v) for k, v in failures.items() if v)
    result["connect_errors_by_kind"] = dict((k, v) for k, v in attempts.items() if v)
    if server_summary:
        result["server_peak_open"] = server_summary.get("peak_open")
        result["server_open_at_end"] = server_summary.get("open")
    result["outcome"] = verdict.outcome(verdict.reached(client_summaries, target, result["server_peak_open"]),
                                        result["client_exit_codes"], result["lost"], result["dead"])
    return result


def doctor_findings(reports, statuses=("FAIL", "WARN")):
    """The doctor's rows of these statuses on every host: [{host, role, name, status, found, needed, fix}].

    reports: {host: the doctor's JSON report (or None when the jar has none)}.
    """
    rows = []
    for host in sorted(reports or {}):
        report = reports[host] or {}
        for check in report.get("checks") or []:
            if check.get("status") in statuses:
                rows.append({"host": host, "role": report.get("role"), "name": check.get("name"),
                             "status": check.get("status"), "found": check.get("found"),
                             "needed": check.get("needed"), "fix": check.get("fix")})
    return rows


def doctor_counts(reports):
    """{host: {role, ok, warn, fail}} of the doctor's reports (None where a host had none)."""
    return dict((host, ({"role": r.get("role"), "ok": r.get("ok"), "warn": r.get("warn"), "fail": r.get("fail")}
                        if r else None)) for host, r in sorted((reports or {}).items()))


