"""The follow loop's state machine: fold the hosts' `c1m-host status` records into one progress record,
then decide the loop's next state (ramping -> holding -> done, with the outcome when it stops early).
"""

import math

from . import capacity, notation
from .failures import sort_kinds
from .lines import failure_counts, fmt
from .rules import RULES
from .summaries import heartbeats, number, status_record

# systemd's active states of a unit that is still running.
RUNNING = ("active", "activating", "deactivating", "reloading")


def _conntrack_full(entry):
    return bool(entry and entry.get("max") and capacity.conntrack_full(entry.get("count", 0), entry["max"]))


def fold(client_statuses, server_status=None):
    """Fold `c1m-host status` objects of the clients (and the server) into one progress record.

    Besides the totals: per client its figures, which failure kinds were seen (the summary's counts,
    and the first failure of each kind from c1m-host status' events, read from the jar's summary: schema 2,
    docs/interfaces.md; DescriptorReserve keeps the summary writable at the open-files wall), whether its ramp
    ended short of its share, and each host's port range and conntrack count against its max.
    """
    progress = {
        "clients": 0, "established": 0, "open": 0, "target": 0, "failed": 0, "lost": 0, "dead": 0,
        "reached": 0, "running": 0, "finished": 0, "failed_clients": [], "states": {},
        "server_running": None, "server_open": None, "server_reaped": None, "server_last_line": None,
        "hosts": {}, "kinds": {}, "short_ramps": [], "stale": [], "conntrack": {},
        "server_errors": {"count": 0, "lines": []}, "behind": None,
    }
    summaries = {}
    for status in client_statuses or []:
        status = status_record(status)
        host = status.get("inventory_hostname") or status.get("host") or "client%d" % (progress["clients"] + 1)
        progress["clients"] += 1
        summary = status.get("summary") or {}
        summaries[host] = summary
        unit = status.get("unit") or {}
        events = status.get("events") or {}
        kernel = status.get("kernel") or {}
        ramp = events.get("ramp_finished") or {}
        if events.get("behind") and not progress.get("behind"):
            progress["behind"] = events["behind"]
        figures = {}
        for key, field in (("established", "established"), ("open", "open"), ("target", "target"),
                           ("failed", "failed_total"), ("lost", "lost"), ("dead", "dead")):
            figures[key] = number(summary.get(field))
        figures["target"] = figures["target"] or number(events.get("target"))
        # The summary's figures at the end of the ramp (ramp_end), when its live counts differ.
        for key in ("established", "failed"):
            figures[key] = max(figures[key], number(ramp.get(key)))
        if ramp and not summary.get("reached"):
            figures["open"] = max(figures["open"], number(ramp.get("open")))
        for key, value in figures.items():
            progress[key] += value
        if summary.get("reached"):
            progress["reached"] += 1
            # The last client's own moment of reaching its share (ISO, UTC, ms: strings compare in time order).
            if summary.get("reached_at") and summary["reached_at"] > (progress.get("reached_at") or ""):
                progress["reached_at"] = summary["reached_at"]
        reported_state = summary.get("state") or "starting"
        state = reported_state
        if ramp and state in ("ramping", "starting"):
            state = "holding" if number(ramp.get("open")) > 0 else "done"
        progress["states"][state] = progress["states"].get(state, 0) + 1
        errors = summary.get("connect_errors") or {}
        for kind in set(errors) | set(summary.get("failed") or {}) | set(events.get("first_failures") or {}):
            attempts = number(errors.get(kind))
            for_good = number((summary.get("failed") or {}).get(kind))
            if ramp.get("mostly") == kind:
                # The count at the end of the ramp (ramp_end), when the live count is lower: all of the
                # dominant kind (a lower bound of the attempts).
                for_good = max(for_good, number(ramp.get("failed")))
            first = (events.get("first_failures") or {}).get(kind)
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
        target = figures["target"] or number(summary.get("target"))
        figures["target"] = target
        # Short of its share when its ramp ended (its ramp_end, or the summary's own state) below it;
        # a summary older than the ramp's line says nothing either way.
        if ramp:
            short = target > 0 and number(ramp.get("open")) < target and not summary.get("reached")
        else:
            short = reported_state in ("holding", "done") and bool(summary) and not summary.get("reached")
        if short:
            progress["short_ramps"].append({
                "host": host, "open": max(figures["open"], number(ramp.get("open"))), "target": target,
                "failed": figures["failed"], "why": ramp.get("stopped_early") or ""})
        if events.get("reporting_failed"):
            progress["stale"].append({"host": host, "line": events["reporting_failed"]})
        if kernel.get("conntrack"):
            progress["conntrack"][host] = kernel["conntrack"]
        progress["hosts"][host] = dict(figures, state=state, reached=bool(summary.get("reached")),
                                       port_range=kernel.get("ip_local_port_range"),
                                       limit_nofile=unit.get("limit_nofile"))
    server_status = status_record(server_status) if server_status else None
    if server_status:
        unit = server_status.get("unit") or {}
        summary = server_status.get("summary") or {}
        kernel = server_status.get("kernel") or {}
        events = server_status.get("events") or {}
        host = server_status.get("inventory_hostname") or server_status.get("host") or "server"
        progress["server_running"] = unit.get("active") in RUNNING
        progress["server_open"] = summary.get("open")
        # Connections the server's keepalive closed (None: a server jar that does not count them).
        progress["server_reaped"] = summary.get("reaped")
        progress["server_limit_nofile"] = unit.get("limit_nofile")
        if not progress["server_running"]:
            progress["server_last_line"] = server_status.get("last_line")
        if kernel.get("conntrack"):
            progress["conntrack"][host] = kernel["conntrack"]
        progress["server_errors"] = {"count": number(events.get("error_count")), "lines": events.get("errors") or []}
        if events.get("reporting_failed"):
            progress["stale"].append({"host": host, "line": events["reporting_failed"]})
    progress["conntrack_full"] = sorted(h for h, e in progress["conntrack"].items() if _conntrack_full(e))
    progress["heartbeat"] = heartbeats(summaries)
    return progress


def follow_next(follow, progress, elapsed, hold, ramp_timeout, stall_timeout=0):
    """The follow loop's next state from its state and the latest progress.

    follow: {phase: ramping|holding|done, reached_after_s, outcome?, detail?, kinds_seen?,
    last_established?, last_change_s?}; elapsed: seconds since the clients started; hold: the hold
    (duration); ramp_timeout: seconds; stall_timeout: seconds without a new connection while ramping
    after which the run stops (0 = never). new_kinds: failure kinds seen for the first time.
    """
    follow = dict(follow or {})
    follow["snapshot"] = False
    elapsed = float(elapsed)
    hold_s = notation.seconds(hold)
    clients = progress.get("clients", 0)
    failures = progress.get("failed_clients") or []
    seen = list(follow.get("kinds_seen") or [])
    follow["new_kinds"] = [k for k in sort_kinds(progress.get("kinds") or {}) if k not in seen]
    follow["kinds_seen"] = seen + follow["new_kinds"]
    heartbeat = progress.get("heartbeat") or {}
    lagging = bool(number(heartbeat.get("late")) + number(heartbeat.get("missed")))
    follow["lag_new"] = lagging and not follow.get("lag_said")
    follow["lag_said"] = bool(follow.get("lag_said")) or lagging
    established = progress.get("established", 0)
    if established != follow.get("last_established") or follow.get("last_change_s") is None:
        follow.update(last_established=established, last_change_s=round(elapsed, 1))
    if follow.get("phase") == "ramping":
        short = progress.get("short_ramps") or []
        stalled_for = elapsed - float(follow.get("last_change_s") or 0)
        if clients and progress.get("reached") == clients:
            follow.update(phase="holding", reached_after_s=round(elapsed, 1), snapshot=True,
                          reached_at=progress.get("reached_at"))
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
                        r["host"], fmt(r["open"]), fmt(r["target"]), fmt(r["failed"]),
                        (" (" + r["why"] + ")") if r.get("why") and len(whys) > 1 else "")
                    for r in short)
                + (("; %s: %s" % ("its ramp stopped" if len(short) == 1 else "each ramp stopped", whys[0]))
                   if len(whys) == 1 and whys[0] else "")
                + ((" - failures: " + failure_counts(progress)) if progress.get("kinds") else "")))
        elif clients and progress.get("finished") == clients:
            follow.update(phase="done", outcome="not_reached",
                          detail="every client exited before the target was reached")
        elif float(stall_timeout or 0) > 0 and stalled_for > float(stall_timeout):
            follow.update(phase="done", outcome="not_reached", snapshot=True, detail=(
                "stalled: no new connection for %ds at %s of %s (c1m_stall_timeout)%s" % (
                    int(stalled_for), fmt(established), fmt(progress.get("target", 0)),
                    (" - failures: " + failure_counts(progress)) if progress.get("kinds") else "")))
        elif elapsed > float(ramp_timeout):
            follow.update(phase="done", outcome="not_reached",
                          detail="target not reached within c1m_ramp_timeout=%ss" % ramp_timeout)
    elif follow.get("phase") == "holding":
        # The hold twice, a minute, and the time to close each client's share (a million takes minutes
        # in an emulated guest): a client still closing is never stopped as if it hung.
        share = number(progress.get("target")) / max(clients, 1)
        grace = int(hold_s * 2 + 60 + math.ceil(share / RULES.integer("close.min_per_second")))
        if clients and progress.get("finished") == clients:
            follow.update(phase="done")
        elif progress.get("server_running") is False:
            follow.update(phase="done", outcome="not_reached",
                          detail="the server stopped during the hold: %s" % (progress.get("server_last_line") or "?"))
        elif elapsed - float(follow.get("reached_after_s") or 0) > grace:
            follow.update(phase="done",
                          detail="clients still running %ds after the target was reached; stopped" % grace)
    return follow

