# -*- coding: utf-8 -*-
"""Small filters the c1m playbooks and roles share.

They parse the notations of docs/interfaces.md (port lists, durations, counts with k/m suffixes,
source address lists) so the playbooks can plan capacity and timeouts before starting anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys

try:
    from ansible.errors import AnsibleFilterError
    from ansible.utils.display import Display
except ImportError:  # the unit tests under a Python without Ansible: the same logic, plain errors
    AnsibleFilterError = ValueError
    Display = None

# The controller's logic lives in report/c1mlab, shared with the report generator.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "report"))
from c1mlab import failures, hdrhistogram, notation, plan  # noqa: E402

_display = Display() if Display else None


def _filter(function, name):
    """function as a filter: a notation error becomes an AnsibleFilterError naming the filter."""
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except notation.NotationError as error:
            raise AnsibleFilterError("%s: %s" % (name, error))
    run.__name__ = name
    run.__doc__ = function.__doc__
    return run


c1m_ports = _filter(notation.ports, "c1m_ports")
c1m_seconds = _filter(notation.seconds, "c1m_seconds")
c1m_count = _filter(notation.count, "c1m_count")
c1m_ip_count = _filter(notation.source_count, "c1m_ip_count")
c1m_port_range_size = _filter(notation.port_range_size, "c1m_port_range_size")
c1m_share = _filter(plan.share, "c1m_share")


def c1m_share_of(host, total, hosts):
    """host | c1m_share_of(total, hosts): the same as c1m_share, for map()."""
    return c1m_share(total, hosts, host)


FAILURE_KINDS = tuple(failures.KIND_ORDER)
RUNNING = ("active", "activating", "deactivating", "reloading")

# The words live in java/common/src/main/resources/lab/c1m/common/failure-kinds.properties, shared with
# the jars and the report; the report's reader of it is used here.
_FAILURE_TEXTS = failures.TEXTS
# The report's HdrHistogram decoder: the clients' round trips are merged count by count, never averaged.
_HDR = hdrhistogram
# Each failure kind the client counts: (the error people see, what it means, the fix in this lab's
# terms), for the playbook's progress lines and run.json.
FAILURE_HELP = {kind: (texts["title"], texts["meaning"], texts["fix.lab"])
                for kind, texts in _FAILURE_TEXTS.items() if kind.isupper()}
CONNTRACK_FULL = (_FAILURE_TEXTS["conntrack-full"]["meaning"], _FAILURE_TEXTS["conntrack-full"]["fix.lab"])
EPOLL_FULL = (_FAILURE_TEXTS["epoll-enospc"]["meaning"], _FAILURE_TEXTS["epoll-enospc"]["fix.lab"])
# A conntrack table at 98% of its max counts as full (other flows come and go).
CONNTRACK_FULL_FRACTION = 0.98


def _num(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _parse_status(status):
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


def _conntrack_full(entry):
    return bool(entry and entry.get("max") and entry.get("count", 0) >= entry["max"] * CONNTRACK_FULL_FRACTION)


# A heartbeat the client wrote late or never is the client behind its own schedule: its lag, not the
# server's. It never counts as dead and never fails the run; this is what to do about it.
CLIENT_LAG_FIX = "fewer connections per client (more clients), more CPUs for each client, or a longer c1m_heartbeat"
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
    merged = _HDR.Histogram(1, 60_000_000, 3)
    try:
        for _, f in figures:
            merged.add(_HDR.decode_base64(f["histogram"]))
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
    out.update(count=sum(_num(f.get("count")) for _, f in figures), source="worst client")
    return out


def c1m_heartbeats(client_summaries):
    """The clients' heartbeats together: counts summed, the schedule kept (sum of sent minus late over the
    sum of due), and both round trips (from written, from due) merged from the clients' histograms.

    client_summaries: {host: summary or None} or a list of summaries. A client jar older than the schedule
    has no due / late / missed / from_due: then `recorded` is false and those figures are None.
    """
    items = sorted(client_summaries.items()) if isinstance(client_summaries, dict) else \
        [((s or {}).get("hostname") or "client%d" % i, s) for i, s in enumerate(client_summaries or [])]
    beats = [(host, (summary or {}).get("heartbeat") or {}) for host, summary in items if summary]
    scheduled = [(host, b) for host, b in beats if b.get("due") is not None]
    interval = max([_num(b.get("interval_ms")) for _, b in beats] or [0])
    result = {"enabled": interval > 0, "interval_ms": interval or None, "recorded": bool(scheduled),
              "sent": sum(_num(b.get("sent")) for _, b in beats),
              "received": sum(_num(b.get("received")) for _, b in beats),
              "due": None, "late": None, "missed": None, "schedule_kept": None, "behind": [],
              "rtt": None, "rtt_due": None}
    if not interval:
        return result
    if scheduled:
        due = sum(_num(b.get("due")) for _, b in scheduled)
        kept = sum(max(0, _num(b.get("sent")) - _num(b.get("late"))) for _, b in scheduled)
        result.update(due=due, late=sum(_num(b.get("late")) for _, b in scheduled),
                      missed=sum(_num(b.get("missed")) for _, b in scheduled),
                      schedule_kept=round(kept / float(due), 6) if due else None,
                      behind=[h for h, b in scheduled if _num(b.get("late")) + _num(b.get("missed"))])
    result["rtt"] = _round_trips(beats, None)
    result["rtt_due"] = _round_trips(scheduled, "from_due") if scheduled else None
    return result


def _ms(value):
    if value is None:
        return "-"
    value = float(value)
    return "%.0f" % value if value >= 100 else ("%.1f" % value if value >= 10 else "%.2f" % value)


def _percent(fraction):
    value = float(fraction) * 100
    # Two decimals; a third where two would round a shortfall up to 100%.
    return ("%.3f%%" if value < 100 and round(value, 2) >= 100 else "%.2f%%") % value


def c1m_heartbeat_line(heartbeats):
    """'schedule kept 99.97% (12 late, 0 missed: the client's lag), round trip p50/p99/max 0.04/25.6/89.2 ms
    from written, 0.86/42.4/106 ms from due' from c1m_heartbeats; '' when heartbeats are off."""
    hb = heartbeats or {}
    if not hb.get("enabled"):
        return ""
    parts = []
    if hb.get("schedule_kept") is not None:
        lag = ""
        if _num(hb.get("late")) + _num(hb.get("missed")):
            lag = " (%s late, %s missed: the client's lag)" % (_fmt(_num(hb.get("late"))), _fmt(_num(hb.get("missed"))))
        parts.append("schedule kept %s%s" % (_percent(hb["schedule_kept"]), lag))
    elif hb.get("recorded"):
        parts.append("schedule kept - (none due yet)")
    trips = []
    for key, label in (("rtt", "from written"), ("rtt_due", "from due")):
        rtt = hb.get(key)
        if rtt:
            trips.append("%s/%s/%s ms %s%s" % (_ms(rtt.get("p50_ms")), _ms(rtt.get("p99_ms")), _ms(rtt.get("max_ms")),
                                               label, " (worst client)" if rtt.get("source") == "worst client" else ""))
    parts.append(("round trip p50/p99/max " + ", ".join(trips)) if trips else "no round trip yet")
    return ", ".join(parts)


def c1m_lag_line(heartbeats, behind_line=None):
    """The client's lag said once, with its fix: '' when every heartbeat due was sent on time."""
    hb = heartbeats or {}
    late, missed = _num(hb.get("late")), _num(hb.get("missed"))
    if not (late or missed):
        return ""
    line = ("client lag on %s: %s heartbeat(s) written late and %s missed of %s due (schedule kept %s): the client "
            "is behind its own heartbeat schedule. That is the client's lag, not the server's: it does not count as "
            "dead and does not fail the run. Fix: %s" % (
                ", ".join(hb.get("behind") or []) or "the clients", _fmt(late), _fmt(missed), _fmt(_num(hb.get("due"))),
                _percent(hb["schedule_kept"]) if hb.get("schedule_kept") is not None else "-", CLIENT_LAG_FIX))
    if behind_line:
        # The client's own line: when it first fell behind, and the heartbeat rate its share asks for.
        said = re.search(r"First heartbeat (.*?): this client is behind its own schedule \((.*?)\)\.", behind_line)
        line += (" [first heartbeat %s; %s]" % said.groups()) if said else \
            (" [%s]" % behind_line.split(" Fix: ", 1)[0].split(" - ", 1)[-1][:300])
    return line


def c1m_progress(client_statuses, server_status=None):
    """Fold `c1m-host status` objects of the clients (and the server) into one progress record.

    Besides the totals: per client its figures, which failure kinds were seen (the summary's counts,
    and the log's first failure of each kind, which is written even when the summary cannot be: a
    process at its open-files limit cannot create the summary's temporary file), whether its ramp
    ended short of its share, and each host's port range and conntrack count against its max.
    """
    progress = {
        "clients": 0, "established": 0, "open": 0, "target": 0, "failed": 0, "lost": 0, "dead": 0,
        "reached": 0, "running": 0, "finished": 0, "failed_clients": [], "states": {},
        "server_running": None, "server_open": None, "server_last_line": None,
        "hosts": {}, "kinds": {}, "short_ramps": [], "stale": [], "conntrack": {},
        "server_errors": {"count": 0, "lines": []}, "behind_line": None,
    }
    summaries = {}
    for status in client_statuses or []:
        status = _parse_status(status)
        host = status.get("inventory_hostname") or status.get("host") or "client%d" % (progress["clients"] + 1)
        progress["clients"] += 1
        summary = status.get("summary") or {}
        summaries[host] = summary
        unit = status.get("unit") or {}
        log = status.get("log") or {}
        kernel = status.get("kernel") or {}
        ramp = log.get("ramp_finished") or {}
        if log.get("behind") and not progress.get("behind_line"):
            progress["behind_line"] = log["behind"]
        figures = {}
        for key, field in (("established", "established"), ("open", "open"), ("target", "target"),
                           ("failed", "failed_total"), ("lost", "lost"), ("dead", "dead")):
            figures[key] = _num(summary.get(field))
        figures["target"] = figures["target"] or _num(log.get("target"))
        # The log's line at the end of the ramp, when the summary is older than it.
        for key in ("established", "failed"):
            figures[key] = max(figures[key], _num(ramp.get(key)))
        if ramp and not summary.get("reached"):
            figures["open"] = max(figures["open"], _num(ramp.get("open")))
        for key, value in figures.items():
            progress[key] += value
        if summary.get("reached"):
            progress["reached"] += 1
        reported_state = summary.get("state") or "starting"
        state = reported_state
        if ramp and state in ("ramping", "starting"):
            state = "holding" if _num(ramp.get("open")) > 0 else "done"
        progress["states"][state] = progress["states"].get(state, 0) + 1
        errors = summary.get("connect_errors") or {}
        for kind in set(errors) | set(summary.get("failed") or {}) | set(log.get("first_failures") or {}):
            attempts = _num(errors.get(kind))
            for_good = _num((summary.get("failed") or {}).get(kind))
            if ramp.get("mostly") == kind:
                # The log's count at the end of the ramp, when the summary is older: all of the
                # dominant kind (a lower bound of the attempts).
                for_good = max(for_good, _num(ramp.get("failed")))
            first = (log.get("first_failures") or {}).get(kind)
            if not (attempts or for_good or first):
                continue
            entry = progress["kinds"].setdefault(kind, {"attempts": 0, "for_good": 0, "hosts": [], "first": None})
            entry["attempts"] += attempts
            entry["for_good"] += for_good
            entry["hosts"].append(host)
            entry["first"] = entry["first"] or first
        if unit.get("active") in RUNNING:
            progress["running"] += 1
        else:
            progress["finished"] += 1
            exit_status = unit.get("exit_status")
            if exit_status not in (0, None) or unit.get("result") not in ("success", ""):
                progress["failed_clients"].append({
                    "host": host, "exit_status": exit_status, "line": status.get("last_line") or ""})
        target = figures["target"] or _num(summary.get("target"))
        figures["target"] = target
        # Short of its share when its ramp ended (the log's line, or the summary's own state) below it;
        # a summary older than the ramp's line says nothing either way.
        if ramp:
            short = target > 0 and _num(ramp.get("open")) < target and not summary.get("reached")
        else:
            short = reported_state in ("holding", "done") and bool(summary) and not summary.get("reached")
        if short:
            progress["short_ramps"].append({
                "host": host, "open": max(figures["open"], _num(ramp.get("open"))), "target": target,
                "failed": figures["failed"], "why": ramp.get("stopped_early") or ""})
        if log.get("reporting_failed"):
            progress["stale"].append({"host": host, "line": log["reporting_failed"]})
        if kernel.get("conntrack"):
            progress["conntrack"][host] = kernel["conntrack"]
        progress["hosts"][host] = dict(figures, state=state, reached=bool(summary.get("reached")),
                                       port_range=kernel.get("ip_local_port_range"),
                                       limit_nofile=unit.get("limit_nofile"))
    server_status = _parse_status(server_status) if server_status else None
    if server_status:
        unit = server_status.get("unit") or {}
        summary = server_status.get("summary") or {}
        kernel = server_status.get("kernel") or {}
        log = server_status.get("log") or {}
        host = server_status.get("inventory_hostname") or server_status.get("host") or "server"
        progress["server_running"] = unit.get("active") in RUNNING
        progress["server_open"] = summary.get("open")
        progress["server_limit_nofile"] = unit.get("limit_nofile")
        if not progress["server_running"]:
            progress["server_last_line"] = server_status.get("last_line")
        if kernel.get("conntrack"):
            progress["conntrack"][host] = kernel["conntrack"]
        progress["server_errors"] = {"count": _num(log.get("error_count")), "lines": log.get("errors") or []}
        if log.get("reporting_failed"):
            progress["stale"].append({"host": host, "line": log["reporting_failed"]})
    progress["conntrack_full"] = sorted(h for h, e in progress["conntrack"].items() if _conntrack_full(e))
    progress["heartbeat"] = c1m_heartbeats(summaries)
    return progress


def _fmt(number):
    return "{:,}".format(number) if isinstance(number, int) else str(number)


def c1m_failure_explained(kind, progress=None, shares=None, port_count=None):
    """One failure kind as {kind, title, meaning, fix, evidence[]}, with this run's evidence.

    progress: a c1m_progress record (port ranges, conntrack counts, LimitNOFILE); shares: {client:
    share}; port_count: the number of server ports.
    """
    title, meaning, fix = FAILURE_HELP.get(kind, FAILURE_HELP["OTHER"])
    progress = progress or {}
    entry = (progress.get("kinds") or {}).get(kind) or {}
    hosts = entry.get("hosts") or []
    evidence = []
    if kind == "ETIMEDOUT" and progress.get("conntrack_full"):
        meaning, fix = CONNTRACK_FULL
        for host in progress["conntrack_full"]:
            ct = progress["conntrack"][host]
            evidence.append("conntrack on %s at its max: %s of %s" % (host, _fmt(ct["count"]), _fmt(ct["max"])))
    elif kind == "OTHER" and "no space left on device" in (entry.get("first") or "").lower():
        meaning, fix = EPOLL_FULL
    elif kind == "EADDRNOTAVAIL":
        for host in hosts:
            port_range = ((progress.get("hosts") or {}).get(host) or {}).get("port_range")
            share = _num((shares or {}).get(host))
            if port_range and port_count:
                size = c1m_port_range_size(port_range)
                per = -(-share // int(port_count)) if share else None
                evidence.append(
                    "%s: ip_local_port_range %s = %s ports, about %s usable per (source, server, port); %s"
                    % (host, port_range, _fmt(size), _fmt(size // 2),
                       ("its share of %s over %s port(s) puts %s on each" % (_fmt(share), port_count, _fmt(per)))
                       if per else "share unknown"))
    elif kind == "EMFILE":
        for host in hosts:
            limit = ((progress.get("hosts") or {}).get(host) or {}).get("limit_nofile")
            if limit:
                evidence.append("%s: LimitNOFILE %s, share %s" % (
                    host, limit, _fmt(_num((shares or {}).get(host))) if shares else "?"))
    evidence = _group_hosts(evidence)
    if entry.get("first"):
        # The client's own line, without the fix it repeats: "First EMFILE connecting to ...: <error>".
        first = entry["first"].split(" - ", 1)[-1].split(" Fix: ", 1)[0]
        evidence.append("first seen: " + (first[:400] + "..." if len(first) > 400 else first))
    return {"kind": kind, "title": title, "meaning": meaning, "fix": fix, "hosts": hosts,
            "attempts": entry.get("attempts", 0), "for_good": entry.get("for_good", 0), "evidence": evidence}


def _group_hosts(lines):
    """'a: X', 'b: X' -> 'a, b: X' (the same evidence on several hosts, said once), order kept."""
    grouped = []
    for line in lines:
        host, sep, rest = line.partition(": ")
        match = next((g for g in grouped if sep and g[1] == rest), None)
        if match and " " not in host:
            match[0].append(host)
        else:
            grouped.append(([host] if sep and " " not in host else [line], rest if sep and " " not in host else None))
    return [(", ".join(hosts) + ": " + rest) if rest is not None else hosts[0] for hosts, rest in grouped]


def c1m_failure_lines(kinds, progress, shares=None, port_count=None):
    """Progress lines naming each failure kind of `kinds` with its meaning, its fix and the evidence."""
    lines = []
    for kind in _sorted_kinds(kinds):
        e = c1m_failure_explained(kind, progress, shares, port_count)
        lines.append("%s (%s) on %s: %s. Fix: %s%s" % (
            kind, e["title"], ", ".join(e["hosts"]) or "?", e["meaning"], e["fix"],
            "".join(" [%s]" % item for item in e["evidence"])))
    return lines


def _sorted_kinds(kinds):
    kinds = list(kinds or [])
    return [k for k in FAILURE_KINDS if k in kinds] + sorted(k for k in kinds if k not in FAILURE_KINDS)


def c1m_failure_counts(progress):
    """'EMFILE 12,000 (3,000 for good), ETIMEDOUT 5' for the progress line; '' when none."""
    kinds = progress.get("kinds") or {}
    parts = []
    for kind in _sorted_kinds(kinds):
        entry = kinds[kind]
        if not (entry["attempts"] or entry["for_good"]):
            parts.append("%s (seen in the log; no count yet)" % kind)
            continue
        parts.append("%s %s%s" % (kind, _fmt(max(entry["attempts"], entry["for_good"])),
                                  (" (%s for good)" % _fmt(entry["for_good"])) if entry["for_good"] else ""))
    return ", ".join(parts)


def c1m_follow_next(follow, progress, elapsed, hold, ramp_timeout, stall_timeout=0):
    """The follow loop's next state from its state and the latest progress.

    follow: {phase: ramping|holding|done, reached_after_s, outcome?, detail?, kinds_seen?,
    last_established?, last_change_s?}; elapsed: seconds since the clients started; hold: the hold
    (duration); ramp_timeout: seconds; stall_timeout: seconds without a new connection while ramping
    after which the run stops (0 = never). new_kinds: failure kinds seen for the first time.
    """
    follow = dict(follow or {})
    follow["snapshot"] = False
    elapsed = float(elapsed)
    hold_s = c1m_seconds(hold)
    clients = progress.get("clients", 0)
    failures = progress.get("failed_clients") or []
    seen = list(follow.get("kinds_seen") or [])
    follow["new_kinds"] = [k for k in _sorted_kinds(progress.get("kinds") or {}) if k not in seen]
    follow["kinds_seen"] = seen + follow["new_kinds"]
    heartbeat = progress.get("heartbeat") or {}
    lagging = bool(_num(heartbeat.get("late")) + _num(heartbeat.get("missed")))
    follow["lag_new"] = lagging and not follow.get("lag_said")
    follow["lag_said"] = bool(follow.get("lag_said")) or lagging
    established = progress.get("established", 0)
    if established != follow.get("last_established") or follow.get("last_change_s") is None:
        follow.update(last_established=established, last_change_s=round(elapsed, 1))
    if follow.get("phase") == "ramping":
        short = progress.get("short_ramps") or []
        stalled_for = elapsed - float(follow.get("last_change_s") or 0)
        if clients and progress.get("reached") == clients:
            follow.update(phase="holding", reached_after_s=round(elapsed, 1), snapshot=True)
        elif failures:
            exit3 = any(f.get("exit_status") == 3 for f in failures)
            follow.update(phase="done", outcome="failed_to_start" if exit3 else "not_reached",
                          detail=" | ".join("%s: exit %s - %s" % (f.get("host"), f.get("exit_status"), f.get("line"))
                                            for f in failures))
        elif progress.get("server_running") is False:
            follow.update(phase="done", outcome="not_reached",
                          detail="the server stopped: %s" % (progress.get("server_last_line") or "?"))
        elif short:
            # A client whose ramp ended short of its share cannot reach it any more: stop now rather
            # than wait for its hold or the ramp timeout.
            whys = sorted(set(r.get("why") or "" for r in short))
            follow.update(phase="done", outcome="not_reached", snapshot=True, detail=(
                "target out of reach: " + "; ".join(
                    "%s ended its ramp at %s of %s open, %s failed for good%s" % (
                        r["host"], _fmt(r["open"]), _fmt(r["target"]), _fmt(r["failed"]),
                        (" (" + r["why"] + ")") if r.get("why") and len(whys) > 1 else "")
                    for r in short)
                + (("; %s: %s" % ("its ramp stopped" if len(short) == 1 else "each ramp stopped", whys[0]))
                   if len(whys) == 1 and whys[0] else "")
                + ((" - failures: " + c1m_failure_counts(progress)) if progress.get("kinds") else "")))
        elif clients and progress.get("finished") == clients:
            follow.update(phase="done", outcome="not_reached",
                          detail="every client exited before the target was reached")
        elif float(stall_timeout or 0) > 0 and stalled_for > float(stall_timeout):
            follow.update(phase="done", outcome="not_reached", snapshot=True, detail=(
                "stalled: no new connection for %ds at %s of %s (c1m_stall_timeout)%s" % (
                    int(stalled_for), _fmt(established), _fmt(progress.get("target", 0)),
                    (" - failures: " + c1m_failure_counts(progress)) if progress.get("kinds") else "")))
        elif elapsed > float(ramp_timeout):
            follow.update(phase="done", outcome="not_reached",
                          detail="target not reached within c1m_ramp_timeout=%ss" % ramp_timeout)
    elif follow.get("phase") == "holding":
        grace = hold_s * 2 + 60
        if clients and progress.get("finished") == clients:
            follow.update(phase="done")
        elif progress.get("server_running") is False:
            follow.update(phase="done", outcome="not_reached",
                          detail="the server stopped during the hold: %s" % (progress.get("server_last_line") or "?"))
        elif elapsed - float(follow.get("reached_after_s") or 0) > grace:
            follow.update(phase="done",
                          detail="clients still running %ds after the target was reached; stopped" % grace)
    return follow


def c1m_run_summary(client_summaries, server_summary, target):
    """One-screen figures of a finished run from the fetched summaries.

    client_summaries: {host: summary or None}; server_summary: summary or None.
    """
    target = c1m_count(target)
    failures = dict((kind, 0) for kind in FAILURE_KINDS)
    attempts = dict((kind, 0) for kind in FAILURE_KINDS)
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
        result["established"] += _num(summary.get("established"))
        result["peak_open_clients"] += _num(summary.get("peak_open"))
        result["failed_total"] += _num(summary.get("failed_total"))
        result["lost"] += _num(summary.get("lost"))
        result["dead"] += _num(summary.get("dead"))
        for kind, count in (summary.get("failed") or {}).items():
            failures[kind] = failures.get(kind, 0) + _num(count)
        for kind, count in (summary.get("connect_errors") or {}).items():
            attempts[kind] = attempts.get(kind, 0) + _num(count)
        if summary.get("reached") and summary.get("ramp_seconds") is not None:
            ramp.append(float(summary["ramp_seconds"]))
        result["client_exit_codes"][host] = summary.get("exit_code")
    # Heartbeats: both round trips merged over the clients, the schedule kept, late and missed (the
    # client's lag: reported, never part of the outcome). dead stays the server-silent count.
    heartbeats = c1m_heartbeats(client_summaries or {})
    result["heartbeat"] = heartbeats
    for prefix, key in (("heartbeat_", "rtt"), ("heartbeat_due_", "rtt_due")):
        for field in ("p50_ms", "p99_ms", "max_ms"):
            result[prefix + field] = (heartbeats[key] or {}).get(field)
    for key in ("due", "late", "missed"):
        result["heartbeat_" + key] = heartbeats[key]
    result["schedule_kept"] = heartbeats["schedule_kept"]
    if ramp and result["clients_reached"] == len(client_summaries or {}):
        result["time_to_reach_s"] = round(max(ramp), 3)
    result["failures_by_kind"] = dict((k, v) for k, v in failures.items() if v)
    result["connect_errors_by_kind"] = dict((k, v) for k, v in attempts.items() if v)
    if server_summary:
        result["server_peak_open"] = server_summary.get("peak_open")
        result["server_open_at_end"] = server_summary.get("open")
    all_reached = (result["clients_reached"] == len(client_summaries or {})
                   and result["peak_open_clients"] >= target > 0)
    clean = all(code == 0 for code in result["client_exit_codes"].values())
    if all_reached and clean and result["lost"] == 0 and result["dead"] == 0:
        result["outcome"] = "reached"
    elif all_reached:
        result["outcome"] = "reached_with_losses"
    else:
        result["outcome"] = "not_reached"
    return result


def c1m_failures_seen(figures, progress=None, shares=None, port_count=None):
    """Every failure kind of a finished run, explained: the fetched summaries' counts (failed for good
    and every attempt), the last progress read's kinds (the log's first failures) and evidence."""
    figures = figures or {}
    progress = progress or {}
    for_good = figures.get("failures_by_kind") or {}
    attempts = figures.get("connect_errors_by_kind") or {}
    kinds = set(for_good) | set(attempts) | set(progress.get("kinds") or {})
    seen = []
    for kind in _sorted_kinds(kinds):
        entry = c1m_failure_explained(kind, progress, shares, port_count)
        entry["for_good"] = max(_num(for_good.get(kind)), entry["for_good"])
        entry["attempts"] = max(_num(attempts.get(kind)), entry["attempts"], entry["for_good"])
        seen.append(entry)
    return seen


def c1m_doctor_findings(reports, statuses=("FAIL", "WARN")):
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


def c1m_doctor_counts(reports):
    """{host: {role, ok, warn, fail}} of the doctor's reports (None where a host had none)."""
    return dict((host, ({"role": r.get("role"), "ok": r.get("ok"), "warn": r.get("warn"), "fail": r.get("fail")}
                        if r else None)) for host, r in sorted((reports or {}).items()))


def c1m_doctor_line(row):
    """One doctor finding as a line: 'host: check FAIL - found X, needs Y - fix: Z'."""
    return "%s: %s %s - found %s, needs %s%s" % (
        row.get("host"), row.get("name"), row.get("status"), row.get("found"), row.get("needed"),
        (" - fix: %s" % row["fix"]) if row.get("fix") else "")


def c1m_scenario_result(info, failures_seen, doctor_rows, outcome, detail=""):
    """Whether a scenario hit its wall, and the doctor's finding for it before the run.

    info: the scenario's c1m_scenario_info (expect: failure kinds; stall_counts: a stall is the wall
    too; doctor_checks: the doctor's check names that name the limit); failures_seen: from
    c1m_failures_seen; doctor_rows: from c1m_doctor_findings.
    """
    info = info or {}
    expect = list(info.get("expect") or [])
    seen = [f["kind"] for f in failures_seen or []]
    hit = [k for k in expect if k in seen]
    stalled = bool(info.get("stall_counts")) and str(detail or "").startswith("stalled")
    if info.get("stall_counts") and str(detail or "").startswith("stalled"):
        hit.append("stall")
    checks = list(info.get("doctor_checks") or [])
    doctor = [r for r in doctor_rows or [] if r.get("name") in checks and r.get("status") == "FAIL"]
    wall_hit = bool(hit) and outcome != "reached"
    explained = [f for f in failures_seen or [] if f["kind"] in hit]
    lines = []
    if not expect:
        text = "baseline: every limit tuned; no wall expected"
    elif wall_hit:
        text = "%s: hit its wall as expected: %s" % (info.get("name"), ", ".join(
            ("%s (%s)" % (k, FAILURE_HELP.get(k, FAILURE_HELP["OTHER"])[0])) if k != "stall" else
            "a stall (no new connection)" for k in hit))
    else:
        text = "%s: did NOT hit its wall (expected %s; seen: %s; outcome %s)" % (
            info.get("name"), " or ".join(expect + (["a stall"] if info.get("stall_counts") else [])),
            ", ".join(seen) or "no failure", outcome)
    for row in doctor:
        lines.append("doctor on %s before the run: %s %s - found %s, needs %s" % (
            row["host"], row["name"], row["status"], row["found"], row["needed"]))
    return {"name": info.get("name"), "wall_hit": wall_hit if expect else None, "expected": expect,
            "stall_counts": bool(info.get("stall_counts")), "stalled": stalled, "seen": seen, "hit": hit,
            "text": text, "doctor_findings": doctor, "doctor_lines": lines,
            "doctor_agrees": bool(doctor) if expect else None,
            "fix": info.get("fix"), "failures": explained}


def c1m_json(output, what="the helper"):
    """The JSON a helper script printed, past any lines sudo or the shell printed first.

    Scripts run with become share a terminal with sudo, so its warnings ("sudo: unable to resolve
    host ...") land in stdout ahead of the JSON. They are shown as a warning, not taken as data.
    """
    text = output or ""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if line.lstrip()[:1] in ("{", "["):
            try:
                value = json.loads("\n".join(lines[start:]))
            except ValueError:
                continue
            noise = [noise_line for noise_line in lines[:start] if noise_line.strip()]
            if noise and _display:
                _display.warning("%s printed this before its JSON (ignored): %s" % (what, " | ".join(noise)))
            return value
    raise AnsibleFilterError(
        "%s printed no JSON. Its output was: %r. If that is a sudo or shell warning, fix the host "
        "(e.g. add its hostname to /etc/hosts); if it is empty, run the helper by hand on the host."
        % (what, text[:500]))


class FilterModule(object):
    def filters(self):
        return {
            "c1m_ports": c1m_ports,
            "c1m_seconds": c1m_seconds,
            "c1m_count": c1m_count,
            "c1m_ip_count": c1m_ip_count,
            "c1m_share": c1m_share,
            "c1m_share_of": c1m_share_of,
            "c1m_port_range_size": c1m_port_range_size,
            "c1m_progress": c1m_progress,
            "c1m_follow_next": c1m_follow_next,
            "c1m_failure_lines": c1m_failure_lines,
            "c1m_failure_counts": c1m_failure_counts,
            "c1m_failure_explained": c1m_failure_explained,
            "c1m_failures_seen": c1m_failures_seen,
            "c1m_doctor_findings": c1m_doctor_findings,
            "c1m_doctor_counts": c1m_doctor_counts,
            "c1m_doctor_line": c1m_doctor_line,
            "c1m_scenario_result": c1m_scenario_result,
            "c1m_run_summary": c1m_run_summary,
            "c1m_heartbeats": c1m_heartbeats,
            "c1m_heartbeat_line": c1m_heartbeat_line,
            "c1m_lag_line": c1m_lag_line,
            "c1m_json": c1m_json,
        }
