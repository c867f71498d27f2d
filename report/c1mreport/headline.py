"""The headline numbers of a run, in one list shared by the page, the Markdown and the comparison."""

from . import formatting as fmt


def _time_to(summary, label):
    for mark in summary["result"]["time_to"]:
        if mark["label"] == label:
            return mark["seconds"]
    return None


def _heartbeat(summary, key):
    heartbeat = summary["result"]["heartbeat"]
    if heartbeat.get("merged"):
        return heartbeat["merged"].get(key)
    return (heartbeat.get("upper_bound") or {}).get(key)


def _heartbeat_from_due(summary, key):
    from_due = summary["result"]["heartbeat"].get("from_due") or {}
    if from_due.get("merged"):
        return from_due["merged"].get(key)
    return (from_due.get("upper_bound") or {}).get(key)


def _schedule(summary, key):
    return (summary["result"]["heartbeat"].get("schedule") or {}).get(key)


def _server_cost(summary, key):
    server = summary["cost"].get("server") or {}
    return server.get(key)


def _max_client_cost(summary, key):
    values = [c.get(key) for c in summary["cost"]["hosts"].values() if c.get("role") == "client"]
    values = [v for v in values if v is not None]
    return max(values) if values else None


# key, label, how to read it from summary.json, formatter, which direction is better
ROWS = [
    ("reached", "Target reached", lambda s: s["result"]["reached"], lambda v: "unknown" if v is None else ("yes" if v else "NO"), "higher"),
    ("target", "Target", lambda s: s["result"]["target"], fmt.count, None),
    ("server_peak_open", "Peak open on the server", lambda s: s["result"]["server_peak_open"], fmt.count, "higher"),
    ("established_total", "Established by the clients", lambda s: s["result"]["established_total"], fmt.count, "higher"),
    ("time_to_100k", "Time to 100k", lambda s: _time_to(s, "100k"), fmt.seconds, "lower"),
    ("time_to_500k", "Time to 500k", lambda s: _time_to(s, "500k"), fmt.seconds, "lower"),
    ("time_to_target", "Time to target", lambda s: _time_to(s, "target"), fmt.seconds, "lower"),
    ("connect_rate_mean", "Mean connect rate /s", lambda s: s["result"]["connect_rate"]["mean_per_s"], fmt.count, "higher"),
    ("connect_rate_peak", "Peak connect rate /s", lambda s: s["result"]["connect_rate"]["peak_per_s"], fmt.count, "higher"),
    ("failed_total", "Failed connections", lambda s: s["result"]["failures"]["total"], fmt.count, "lower"),
    ("lost_total", "Lost while held", lambda s: s["result"]["lost_total"], fmt.count, "lower"),
    ("dead_total", "Dead (heartbeat unanswered)", lambda s: s["result"]["dead_total"], fmt.count, "lower"),
    # The server's: connections its keepalive closed (None: a server jar from before it said, left out).
    ("reaped_total", "Reaped by the server's keepalive", lambda s: s["result"].get("reaped_total"), fmt.count, "lower"),
    ("heartbeat_p50", "Heartbeat p50 from written", lambda s: _heartbeat(s, "p50_ms"), fmt.ms, "lower"),
    ("heartbeat_p99", "Heartbeat p99 from written", lambda s: _heartbeat(s, "p99_ms"), fmt.ms, "lower"),
    ("heartbeat_p999", "Heartbeat p99.9 from written", lambda s: _heartbeat(s, "p999_ms"), fmt.ms, "lower"),
    ("heartbeat_max", "Heartbeat max from written", lambda s: _heartbeat(s, "max_ms"), fmt.ms, "lower"),
    ("heartbeat_due_p50", "Heartbeat p50 from due", lambda s: _heartbeat_from_due(s, "p50_ms"), fmt.ms, "lower"),
    ("heartbeat_due_p99", "Heartbeat p99 from due", lambda s: _heartbeat_from_due(s, "p99_ms"), fmt.ms, "lower"),
    ("heartbeat_due_max", "Heartbeat max from due", lambda s: _heartbeat_from_due(s, "max_ms"), fmt.ms, "lower"),
    ("schedule_kept", "Heartbeat schedule kept", lambda s: _schedule(s, "schedule_kept"), fmt.percent, "higher"),
    ("heartbeat_late", "Late heartbeats (client's lag)", lambda s: _schedule(s, "late"), fmt.count, "lower"),
    ("heartbeat_missed", "Missed heartbeats (client's lag)", lambda s: _schedule(s, "missed"), fmt.count, "lower"),
    ("server_rss_at_peak", "Server RSS at peak", lambda s: _server_cost(s, "rss_bytes_at_peak"), fmt.bytes_, "lower"),
    ("server_heap_at_peak", "Server heap at peak", lambda s: _server_cost(s, "heap_used_bytes_at_peak"), fmt.bytes_, "lower"),
    ("server_process_per_conn", "Server process bytes / connection",
     lambda s: _server_cost(s, "process_bytes_per_connection"), fmt.per_connection, "lower"),
    ("server_kernel_per_conn", "Server kernel bytes / connection",
     lambda s: _server_cost(s, "kernel_bytes_per_connection"), fmt.per_connection, "lower"),
    ("client_process_per_conn", "Client process bytes / connection (worst)",
     lambda s: _max_client_cost(s, "process_bytes_per_connection"), fmt.per_connection, "lower"),
]


# Figures the client jar reports since its heartbeat schedule (due, late, missed, from due time).
SCHEDULE_KEYS = ("heartbeat_due_p50", "heartbeat_due_p99", "heartbeat_due_max", "schedule_kept", "heartbeat_late",
                 "heartbeat_missed")
# The client's own lag: shown apart from the server's failures, never red, never in the verdict.
CLIENT_LAG_KEYS = ("heartbeat_late", "heartbeat_missed")


def headline(summary):
    rows = []
    for key, label, read, formatter, better in ROWS:
        value = read(summary)
        if key.startswith("time_to_") and key != "time_to_target" and not any(
                m["label"] == key[len("time_to_"):] for m in summary["result"]["time_to"]):
            continue  # milestone above the target: not a question this run asked
        heartbeat = summary["result"]["heartbeat"]
        if key.startswith(("heartbeat_", "schedule_")) and not heartbeat["enabled"]:
            continue
        if key in SCHEDULE_KEYS and not (heartbeat.get("schedule") or {}).get("recorded"):
            continue  # a client jar older than the heartbeat schedule: these figures do not exist
        text = formatter(value)
        if key == "reaped_total":
            if value is None:
                continue  # a server jar that does not count reaped connections
            keepalive = summary["result"].get("server_keepalive")
            text += " (%s)" % keepalive if keepalive else ""
        rows.append({"key": key, "label": label, "value": value, "text": text, "better": better})
    return rows


def verdict(summary):
    """One line: the answer to 'did we reach it?'. Late or missed heartbeats (the client's lag) play no part."""
    result = summary["result"]
    target = fmt.count(result["target"]) if result["target"] is not None else "an unknown number of"
    faults = summary.get("faults") or {}
    reaped = result.get("reaped_total") or 0
    if result["reached"] and (result["lost_total"] is None or result["dead_total"] is None):
        return "REACHED, HOLD NOT KNOWN", "Reached %s connections; how many were lost or went dead while held " \
            "cannot be told (a summary's count is unreadable: see the notes below)" % target
    if result["reached"] and result["lost_total"] == 0 and result["dead_total"] == 0 and not reaped:
        if faults.get("outage_count"):
            return "REACHED, WITH AN OUTAGE", "Reached %s connections and held them, but %s outage(s) silenced some" % (
                target, fmt.count(faults["outage_count"]))
        return "REACHED", "Reached %s connections and held them" % target
    if result["reached"]:
        back = ""
        if faults.get("reconnected"):
            back = ", %s reconnected%s" % (fmt.count(faults["reconnected"]), (
                " (every one, %.1f s after the first loss)" % faults["recovery_seconds"])
                if faults.get("recovery_seconds") is not None else "")
        return "REACHED, LOST SOME", "Reached %s, then lost %s%s and %s went dead while held%s" % (
            target, fmt.count(result["lost_total"]), back, fmt.count(result["dead_total"]),
            "; the server's keepalive reaped %s" % fmt.count(reaped) if reaped else "")
    peak = result["server_peak_open"] or result["client_peak_open_total"]
    if result["reached"] is None:
        # No client said it fell short, but what would tell whether they all reached it did not read.
        why = result.get("reached_unknown") or ["a figure it needs did not read"]
        return "NOT KNOWN", "Whether the run reached %s cannot be told: %s; see the notes below" % (
            "its target" if result["target"] is None else target + " connections", "; ".join(why))
    if not peak:
        return "NO CONNECTIONS", "No connections were made (outcome: %s)" % (result.get("outcome") or "unknown")
    return "NOT REACHED", "Peaked at %s of %s connections" % (fmt.count(peak), target)
