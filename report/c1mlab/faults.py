"""Faults during the hold, as the clients recorded them (docs/interfaces.md, client summary): connections
lost and reconnected (--reconnect), outages (connections silent or down, then back), the reconnect storm's
connect rate and failures, the server's listen queue overflows, and the restart scenario's verdict. One
reading for the follow loop's progress line, run.json's scenario result and the report.
"""

from .failures import KIND_ORDER
from .lines import fmt
from .notation import iso_seconds
from .notation import seconds as duration_seconds
from .summaries import status_record


def _number(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _items(client_summaries):
    if isinstance(client_summaries, dict):
        return sorted((h, s) for h, s in client_summaries.items() if s)
    return [((s or {}).get("hostname") or "client%d" % i, s) for i, s in enumerate(client_summaries or []) if s]


def from_statuses(client_statuses):
    """fold() of the clients' `c1m-host status` records (the follow loop's registered results)."""
    summaries = {}
    for i, status in enumerate(client_statuses or []):
        record = status_record(status)
        host = record.get("inventory_hostname") or record.get("host") or "client%d" % (i + 1)
        summaries[host] = record.get("summary") or None
    return fold(summaries)


def fold(client_summaries):
    """The clients' faults together: lost, reconnected, unrecovered, down now, outages (count, ongoing,
    each with its host), failed reconnect attempts by kind, the slowest recovery, holds cut short."""
    items = _items(client_summaries)
    errors = dict((k, 0) for k in KIND_ORDER)
    outages = []
    recoveries = []
    result = {"lost": 0, "reconnected": 0, "unrecovered": 0, "down": 0, "outage_count": 0, "reconnect": None,
              "holds_cut": []}
    for host, summary in items:
        for key in ("lost", "reconnected", "unrecovered", "down", "outage_count"):
            result[key] += _number(summary.get(key))
        if "unrecovered" not in summary:  # a client jar from before --reconnect
            result["unrecovered"] += _number(summary.get("lost")) - _number(summary.get("reconnected"))
        if summary.get("reconnect") is not None:
            result["reconnect"] = bool(result["reconnect"]) or bool(summary.get("reconnect"))
        for kind, count in (summary.get("reconnect_errors") or {}).items():
            errors[kind] = errors.get(kind, 0) + _number(count)
        for outage in summary.get("outages") or []:
            outages.append(dict(outage, host=host))
        if summary.get("recovery_seconds") is not None:
            recoveries.append(float(summary["recovery_seconds"]))
        if summary.get("hold_completed") is False:
            result["holds_cut"].append({"host": host, "held_seconds": summary.get("held_seconds"),
                                        "why": summary.get("hold_ended_early")})
    outages.sort(key=lambda o: (o.get("start") or "", o["host"]))
    result.update(
        outages=outages, ongoing=sum(1 for o in outages if o.get("ongoing")),
        reconnect_errors=dict((k, v) for k, v in errors.items() if v),
        reconnect_errors_total=sum(errors.values()),
        # The run's time to recover: the slowest client's (their first losses are the same instant).
        recovery_seconds=max(recoveries) if recoveries and not result["unrecovered"] else None,
        any=bool(result["lost"] or result["outage_count"] or result["down"]))
    return result


def line(faults):
    """The follow loop's line once anything was lost or went silent, else ''.

    "faults lost 15,000, reconnected 14,200, down 800 (failed reconnects: ECONNREFUSED 3,400); outages 1 (going on)"
    """
    faults = faults or {}
    if not faults.get("any"):
        return ""
    text = "faults lost %s, reconnected %s, down %s" % (
        fmt(faults.get("lost", 0)), fmt(faults.get("reconnected", 0)), fmt(faults.get("down", 0)))
    errors = faults.get("reconnect_errors") or {}
    if errors:
        text += " (failed reconnects: %s)" % ", ".join("%s %s" % (k, fmt(v)) for k, v in errors.items())
    if faults.get("reconnect") is False and faults.get("lost"):
        text += ", no --reconnect: lost for good"
    text += "; outages %s%s" % (fmt(faults.get("outage_count", 0)), " (going on)" if faults.get("ongoing") else "")
    if faults.get("recovery_seconds") is not None:
        text += "; every lost connection back after %.1f s" % faults["recovery_seconds"]
    return text


def restart_next(follow, info, elapsed, started_epoch=None):
    """Whether the follow loop restarts the server now (the restart scenario): once, during the hold,
    c1m_scenario_restart_after after the target was reached. The clock starts when the last client says it
    reached its share (its summary's reached_at), not when a progress read first saw it: reads come 5-15 s
    apart, and a restart that late may leave the hold too short for the recovery it measures.
    restart_in_s: seconds until it is due, so the loop's next wait ends then."""
    follow = dict(follow or {})
    restart = (info or {}).get("restart")
    reached_s = float(follow.get("reached_after_s") or 0)
    reached_at = iso_seconds(follow.get("reached_at"))
    if reached_at is not None and started_epoch:
        reached_s = min(reached_s, reached_at - float(started_epoch))
    pending = bool(restart and follow.get("phase") == "holding" and not follow.get("restarted"))
    wait = reached_s + duration_seconds((restart or {}).get("after") or 0) - float(elapsed)
    follow["restart_due"] = pending and wait <= 0
    follow["restart_in_s"] = round(max(wait, 0), 1) if pending else None
    return follow


def _recovery_window(client_summaries, listening_at):
    """Seconds from the restarted server listening again to the first client's end of hold (reached_at +
    hold_ms), negative when the hold ended first; None when either is unknown."""
    ends = [iso_seconds(s.get("reached_at")) + float(s["hold_ms"]) / 1000 for _, s in _items(client_summaries)
            if iso_seconds(s.get("reached_at")) is not None and s.get("hold_ms")]
    if not ends or not listening_at:
        return None
    return min(ends) - float(listening_at)


def parse_netstat(text):
    """/proc/net/netstat as {"TcpExt": {"ListenOverflows": n, ...}, ...} (pairs of header and value lines)."""
    out = {}
    lines = [l.split() for l in (text or "").splitlines() if ":" in l]
    for names, values in zip(lines[0::2], lines[1::2]):
        if names and values and names[0] == values[0]:
            out[names[0].rstrip(":")] = dict(zip(names[1:], (_number(v) for v in values[1:])))
    return out


def listen_queue(after_text, before_text=None):
    """The server's ListenOverflows and ListenDrops: since the restart when the counters before it were kept,
    else the namespace's totals (null when /proc/net/netstat was not collected)."""
    after = parse_netstat(after_text).get("TcpExt")
    if not after:
        return None
    before = parse_netstat(before_text).get("TcpExt") if before_text else None
    out = {"since": "restart" if before else "boot"}
    for key in ("ListenOverflows", "ListenDrops"):
        out[key] = after.get(key, 0) - ((before or {}).get(key, 0))
    return out


def storm(timelines):
    """The reconnect storm from the clients' timelines: the peak reconnects a second (all clients together,
    by the second of the timeline) and the seconds in which any came back. timelines: {host: [rows]}, rows as
    c1mreport.parsers.parse_timeline gives them ("t") or as the CSV has them ("time")."""
    per_second = {}
    for rows in (timelines or {}).values():
        previous = None
        for row in rows or []:
            value = row.get("reconnected")
            if value is None or value == "":
                continue
            value = _number(value)
            if previous is not None and value > previous:
                # The report's rows carry "t" (POSIX seconds); a raw CSV row its ISO "time".
                second = int(row["t"]) if row.get("t") is not None else str(row.get("time") or "")[:19]
                per_second[second] = per_second.get(second, 0) + value - previous
            previous = value
    if not per_second:
        return {"peak_per_s": None, "seconds": 0}
    return {"peak_per_s": max(per_second.values()), "seconds": len(per_second)}


def restart_result(info, client_summaries, outcome, restart=None):
    """The restart scenario's verdict, in the shape of the other scenarios' (verdict.scenario_result): it
    succeeds (wall_hit) when the restart lost connections and every lost one came back."""
    info = info or {}
    faults = fold(client_summaries)
    lost, back = faults["lost"], faults["reconnected"]
    recovered = lost > 0 and faults["unrecovered"] == 0 and not faults["down"]
    # A client that wrote no readable summary, or a count of its that did not read (summaries.checked: None),
    # may hold connections not back: then recovery cannot be told, and a run that cannot show it does not pass.
    unknown = ["%s wrote no readable client-summary.json" % host for host, summary in sorted(
        (client_summaries or {}).items() if isinstance(client_summaries, dict) else []) if not summary]
    unknown += ["%s/client-summary.json: %s did not read" % (host, key) for host, summary in _items(client_summaries)
                for key in ("lost", "reconnected", "unrecovered", "down") if key in summary and summary[key] is None]
    if unknown:
        recovered = False
        text = "restart: whether every lost connection came back cannot be told: %s" % "; ".join(unknown)
    elif not lost:
        text = "restart: the server restart lost no connection (was it restarted during the hold?)"
    elif recovered:
        text = "restart: every lost connection came back: %s lost, %s reconnected, the target open again %s" % (
            fmt(lost), fmt(back), ("%.1f s after the first loss" % faults["recovery_seconds"])
            if faults["recovery_seconds"] is not None else "before the hold ended")
    else:
        text = "restart: NOT every lost connection came back: %s lost, %s reconnected, %s still down%s" % (
            fmt(lost), fmt(back), fmt(faults["unrecovered"]),
            "" if faults.get("reconnect") else " (the clients ran without --reconnect)")
        left = _recovery_window(client_summaries, (restart or {}).get("listening_at"))
        if left is not None and left <= 0:
            text += ("; the hold ended %.1f s before the restarted server listened again, so the clients had no time "
                     "to reconnect: the hold was too short for this restart (fix: a longer c1m_hold)" % -left)
        elif left is not None:
            text += " in the %.1f s between the restarted server listening again and the hold's end" % left
    return {"name": info.get("name"), "restart": restart or {}, "wall_hit": recovered, "recovered": recovered,
            "expected": [], "stall_counts": False, "stalled": False, "seen": sorted(faults["reconnect_errors"]),
            "hit": [], "text": text, "doctor_findings": [], "doctor_lines": [], "doctor_agrees": None,
            "fix": info.get("fix"), "failures": [], "outcome": outcome,
            "lost": lost, "reconnected": back, "unrecovered": faults["unrecovered"],
            "recovery_seconds": faults["recovery_seconds"], "reconnect_errors": faults["reconnect_errors"]}
