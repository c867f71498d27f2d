"""summary.json's result.heartbeat: the round trips and the schedule computed by c1mlab.figures, with
what only the report shows: each client's schedule, the client's lag explained, and the 10 s windows of
the clients' timelines.
"""

from c1mlab import figures, lines as lab_lines
from c1mlab.failures import TEXTS

from . import formatting as fmt
from .parsers import iso_time

# The client timeline's 10 s heartbeat windows (docs/interfaces.md): filled on every 10th row only.
WINDOW_COLUMNS = ("rtt_p50_ms", "rtt_p99_ms", "rtt_due_p50_ms", "rtt_due_p99_ms", "lag_p50_ms", "lag_p99_ms")


def _late_in_ramp(client):
    """Late and missed heartbeats counted by the end of the ramp (the first timeline row at the share)."""
    target = (client.summary or {}).get("target") if client else None
    rows = [r for r in (client.timeline if client else []) if r.get("hb_late") is not None]
    reached = next((r for r in rows if target and (r.get("open") or 0) >= target), None)
    if not reached:
        return {"late_in_ramp": None, "missed_in_ramp": None}
    return {"late_in_ramp": reached["hb_late"], "missed_in_ramp": reached.get("hb_missed") or 0}


def _client_schedule(beat, client):
    lag = beat.get("lag") or {}
    entry = {key: beat.get(key) for key in ("due", "sent", "late", "missed", "received", "schedule_kept",
                                            "recovered", "phase")}
    entry["lag"] = {key: lag.get(key) for key in ["count"] + [k for k, _ in figures.PERCENTILES]}
    entry.update(_late_in_ramp(client))
    return entry


def _client_lag(run, totals, per_client):
    """The card for clients behind their own schedule: what it means, per client, and the fix."""
    g = fmt.grouped
    detail = []
    for name in totals["behind"]:
        c = per_client[name]
        ramp = ""
        if c.get("late_in_ramp") is not None:
            ramp = " (%s late and %s missed while the ramp was still opening connections)" % (
                g(c["late_in_ramp"]), g(c["missed_in_ramp"]))
        detail.append("%s: %s of %s due heartbeats late, %s missed%s, schedule kept %s; schedule lag%s p99 %s, "
                      "max %s" % (name, g(c["late"] or 0), g(c["due"] or 0), g(c["missed"] or 0), ramp,
                                  fmt.percent(c["schedule_kept"]),
                                  " during the hold" if c.get("phase") == "hold" else "",
                                  fmt.ms(c["lag"].get("p99_ms")), fmt.ms(c["lag"].get("max_ms"))))
    said = [client for client in run.clients if client.name in totals["behind"] and client.behind_line]
    for client in said:
        detail.append("%s: %s" % (client.name, client.behind_line))
    # The fix of the first lag a client said (ramp or hold, failure-kinds.properties); the hold's when none did.
    texts = TEXTS[lab_lines.lag_kind(said[0].behind if said else None)]
    return {
        "title": "The client's lag: heartbeats sent late or not at all",
        "meaning": ("%s of %s heartbeats the clients' schedule asked for were written more than %s ms after "
                    "they were due (late) and %s were skipped a whole interval behind (missed): the client "
                    "could not keep its own schedule. That is the client's lag, not the server's: the server "
                    "answered what was written, these heartbeats do not count as dead and do not change the "
                    "verdict. The round trip from due time includes this lag."
                    % (g(totals["late"]), g(totals["due"] or 0), fmt.count(totals["late_after_ms"]),
                       g(totals["missed"]))),
        "fix": texts["fix.lab"][0].upper() + texts["fix.lab"][1:] + ".", "hosts": totals["behind"], "detail": detail}


def schedule_section(run, totals, beats):
    """The clients' own lag: heartbeats due, sent late or never sent, and the share of the schedule kept.

    A late or missed heartbeat is the client behind its schedule, not the server: it never counts as
    dead and never changes the verdict (docs/report.md).
    """
    if not totals["recorded"]:
        return {"recorded": False, "due": None, "late": None, "missed": None, "schedule_kept": None,
                "late_after_ms": None, "dead_after_ms": None, "recovered": None, "per_client": {},
                "client_lag": None,
                "note": "these client summaries predate the heartbeat schedule (no due, late or missed "
                        "counts, no round trip from due time): those figures are n/a"}
    clients = {c.name: c for c in run.clients}
    per_client = {name: _client_schedule(beat, clients.get(name))
                  for name, beat in beats.items() if beat.get("due") is not None}
    lag_max = [c["lag"].get("max_ms") for c in per_client.values() if c["lag"].get("max_ms") is not None]
    section = {key: totals[key] for key in ("recorded", "due", "late", "missed", "schedule_kept",
                                            "late_after_ms", "dead_after_ms", "recovered")}
    section.update(lag_max_ms=max(lag_max) if lag_max else None, per_client=per_client, client_lag=None,
                   note=None)
    if totals["late"] or totals["missed"]:
        section["client_lag"] = _client_lag(run, totals, per_client)
    return section


def heartbeat_windows(run):
    """Each client's timeline rows that carry the 10 s percentile window (the other rows' cells are empty)."""
    windows = {}
    for client in run.clients:
        rows = []
        for row in client.timeline:
            values = {column: row.get(column) for column in WINDOW_COLUMNS}
            if any(v is not None for v in values.values()):
                values["time"] = iso_time(row["t"])
                rows.append(values)
        if rows:
            windows[client.name] = rows
    return windows


def heartbeat_section(run, heartbeat):
    """Round trips merged from the clients' HdrHistograms (from written and from due time), the schedule
    kept; per-client figures if a histogram is missing. heartbeat: c1mlab.figures.heartbeat of the run."""
    section = {key: heartbeat[key] for key in ("enabled", "interval_ms", "sent", "received", "stalls")}
    section.update(source=None, merged=None, per_client={}, note=None, curves={}, from_due=None, schedule=None,
                   windows={})
    if not heartbeat["enabled"]:
        section["note"] = "heartbeats were off for this run (heartbeat 0): no round-trip times"
        return section
    beats = {c.name: (c.summary.get("heartbeat") or {}) for c in run.clients if c.summary}
    section.update(heartbeat["written"])
    section["curves"] = heartbeat["curves"]
    section["schedule"] = schedule_section(run, heartbeat["schedule"], beats)
    section["from_due"] = heartbeat["from_due"]
    section["windows"] = heartbeat_windows(run)
    return section
