"""The report's "Faults" section: outages, lost and reconnected connections, the reconnect storm and the
server's listen queue, from summary["faults"] (c1mlab.faults). One set of lines for report.md and
report.html."""

from . import formatting as fmt


def _seconds(value):
    return "–" if value is None else "%.1f s" % float(value)


def facts(summary):
    """[(label, text)] of the run's faults; [] when nothing was lost and no connection went silent."""
    f = summary.get("faults") or {}
    if not f.get("any") and not f.get("restart"):
        return []
    rows = []
    restart = f.get("restart")
    if restart:
        text = "the server killed (SIG%s) %s into the hold, down %s" % (
            restart.get("signal") or "?", restart.get("after") or "?", restart.get("down") or "?")
        if restart.get("killed_at") and restart.get("listening_at"):
            text += "; listening again %.1f s after the kill" % (float(restart["listening_at"]) - float(restart["killed_at"]))
        rows.append(("restart", text))
    rows.append(("lost", "%s connection(s) closed by the peer, %s reconnected, %s not back%s" % (
        fmt.count(f.get("lost", 0)), fmt.count(f.get("reconnected", 0)), fmt.count(f.get("unrecovered", 0)),
        "" if f.get("reconnect") or not f.get("lost") else " (the clients ran without --reconnect)")))
    rows.append(("time to recover", (_seconds(f.get("recovery_seconds")) + " from the first loss to every lost connection open again")
                 if f.get("recovery_seconds") is not None else ("–" if not f.get("lost") else "not recovered")))
    storm = f.get("storm") or {}
    if storm.get("peak_per_s"):
        rows.append(("reconnect rate", "peak %s/s (all clients), reconnects in %s second(s)" % (
            fmt.count(storm["peak_per_s"]), fmt.count(storm["seconds"]))))
    errors = f.get("reconnect_errors") or {}
    rows.append(("failed reconnects", ", ".join("%s %s" % (k, fmt.count(v)) for k, v in errors.items())
                 if errors else "none"))
    queue = f.get("listen_queue")
    if queue:
        rows.append(("server listen queue", "ListenOverflows %s, ListenDrops %s (since the %s)" % (
            fmt.count(queue.get("ListenOverflows", 0)), fmt.count(queue.get("ListenDrops", 0)),
            "restart" if queue.get("since") == "restart" else "network namespace began")))
    for cut in f.get("holds_cut") or []:
        rows.append(("hold cut short", "%s held %s: %s" % (cut["host"], _seconds(cut.get("held_seconds")), cut.get("why") or "?")))
    return rows


def outage_rows(summary):
    """One row per outage: host, start, seconds, connections (most down at once), dead, lost, reconnected."""
    return [[o.get("host"), o.get("start") or "–", _seconds(o.get("seconds")) + (" (going on)" if o.get("ongoing") else ""),
             fmt.count(o.get("connections") or 0), fmt.count(o.get("dead") or 0), fmt.count(o.get("lost") or 0),
             fmt.count(o.get("reconnected") or 0)]
            for o in (summary.get("faults") or {}).get("outages") or []]


OUTAGE_HEADERS = ["client", "start", "lasted", "connections", "dead (silent)", "lost (closed)", "reconnected"]
