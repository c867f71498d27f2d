"""The run's figures from the jars' summaries, computed once: the clients' counts and failures, the
heartbeat round trips merged from the clients' HdrHistograms and the schedule kept, and the verdict.

The playbook's one-screen summary (summaries.run_summary, summaries.heartbeats) and the report's result
(c1mreport.result, c1mreport.heartbeat) are both views of these.
"""

from . import failures, hdrhistogram, verdict

# The round trip's percentiles the jars write and the report shows (docs/interfaces.md).
PERCENTILES = [("p50_ms", 50.0), ("p90_ms", 90.0), ("p99_ms", 99.0), ("p999_ms", 99.9), ("max_ms", 100.0)]


def add(values):
    """The sum of the values that are there, None when none is (an unknown total is not 0)."""
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def every(values):
    """The sum of all the values, None when any is unknown (a total with an unknown part is unknown)."""
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _written(client_summaries):
    """[(host, summary)] of the clients that wrote a summary, in the order given."""
    return [(host, summary) for host, summary in (client_summaries or {}).items() if summary]


def failure_counts(client_summaries):
    """Failures for good (`failed`) and failed attempts (`connect_errors`) by kind, per client and in all,
    the kinds in the failure table's order. total: None (unknown, not 0) when a client wrote no summary or its
    `failed` did not read; the kinds still show what the others counted."""
    by_host, errors_by_host = {}, {}
    unknown = any(not summary or summary.get("failed", {}) is None
                  for summary in (client_summaries or {}).values())
    for host, summary in _written(client_summaries):
        by_host[host] = {k: v for k, v in (summary.get("failed") or {}).items() if v}
        errors_by_host[host] = {k: v for k, v in (summary.get("connect_errors") or {}).items() if v}
    totals, error_totals = {}, {}
    for counts, into in ((by_host, totals), (errors_by_host, error_totals)):
        for host_counts in counts.values():
            for kind, count in host_counts.items():
                into[kind] = into.get(kind, 0) + count
    order = failures.sort_kinds(set(totals) | set(error_totals))
    return {"total": None if unknown else sum(totals.values()),
            "by_kind": {k: totals.get(k, 0) for k in order if totals.get(k)},
            "by_host": by_host, "connect_errors_by_kind": {k: error_totals[k] for k in order if k in error_totals},
            "connect_errors_by_host": errors_by_host}


def round_trips(beats, part=None):
    """One round trip (written: part None; from due: part "from_due") over the clients, merged from their
    HdrHistograms. Returns ({"source", "merged", "per_client", "note", "upper_bound"?}, percentile curves).

    beats: {host: the summary's heartbeat}. Percentiles cannot be averaged: when a client's histogram is
    missing or unreadable, the run's percentile lies between the clients' figures and the highest one is
    given as its bound (upper_bound).
    """
    merged = hdrhistogram.Histogram(1, 60_000_000, 3)
    section = {"source": None, "merged": None, "per_client": {}, "note": None}
    curves, unusable = {}, []
    for name, beat in beats.items():
        figures_from = (beat.get(part) or {}) if part else beat
        figures = {key: figures_from.get(key) for key, _ in PERCENTILES}
        # Round trips recorded; a client jar older than `count` states the echoes received.
        figures["count"] = figures_from.get("count") if part or "count" in beat else beat.get("received")
        encoded = figures_from.get("histogram")
        if not encoded:
            unusable.append("%s: no histogram in its summary" % name)
        else:
            try:
                histogram = hdrhistogram.decode_base64(encoded)
            except hdrhistogram.HistogramFormatError as error:
                unusable.append("%s: histogram unreadable (%s)" % (name, error))
            else:
                merged.add(histogram)
                figures["count"] = histogram.total_count
                figures["mean_ms"] = round(histogram.mean / 1000, 3)
                curves[name] = histogram.percentile_curve()
        section["per_client"][name] = figures
    if not unusable and merged.total_count:
        section["source"] = "merged histograms"
        section["merged"] = {key: merged.value_at_percentile(p) / 1000 for key, p in PERCENTILES}
        section["merged"]["max_ms"] = merged.max_value / 1000
        section["merged"]["mean_ms"] = round(merged.mean / 1000, 3)
        section["merged"]["count"] = merged.total_count
        curves["all clients"] = merged.percentile_curve()
    elif unusable:
        section["source"] = "per-client percentiles"
        section["note"] = ("merged percentiles unavailable (%s); the run's percentile lies between the "
                           "clients' lowest and highest figure, the highest is shown as the bound"
                           % "; ".join(unusable))
        section["upper_bound"] = {}
        for key, _ in PERCENTILES:
            values = [f.get(key) for f in section["per_client"].values() if f.get(key) is not None]
            section["upper_bound"][key] = max(values) if values else None
    else:
        section["source"] = "merged histograms"
        section["note"] = "no heartbeat round trips were recorded"
    return section, curves


def schedule(beats):
    """The clients' schedule together: due, late and missed summed, the schedule kept (the sum of sent
    minus late over the sum of due) and the clients behind it. recorded: false for client jars older than
    the schedule (no due / late / missed), and then every other figure is None."""
    recorded = {name: b for name, b in beats.items() if b.get("due") is not None}
    if not recorded:
        return {"recorded": False, "due": None, "late": None, "missed": None, "schedule_kept": None,
                "late_after_ms": None, "dead_after_ms": None, "recovered": None, "behind": []}
    due = add(b.get("due") for b in recorded.values())
    kept = add(max(0, (b.get("sent") or 0) - (b.get("late") or 0)) for b in recorded.values())
    return {
        "recorded": True, "due": due,
        "late": add(b.get("late") for b in recorded.values()) or 0,
        "missed": add(b.get("missed") for b in recorded.values()) or 0,
        "schedule_kept": round(kept / float(due), 6) if due else None,
        "late_after_ms": max((b.get("late_after_ms") or 0 for b in recorded.values()), default=0) or None,
        "dead_after_ms": max((b.get("dead_after_ms") or 0 for b in recorded.values()), default=0) or None,
        "recovered": add(b.get("recovered") for b in recorded.values()),
        "behind": [name for name, b in recorded.items() if (b.get("late") or 0) + (b.get("missed") or 0)]}


def heartbeat(client_summaries):
    """The clients' heartbeats together: interval, sent and received, stalls, both round trips (from
    written; from due, when the schedule is recorded) and the schedule. curves: the percentile curves."""
    written = _written(client_summaries)
    beats = dict((host, summary.get("heartbeat") or {}) for host, summary in written)
    interval = max((b.get("interval_ms") or 0 for b in beats.values()), default=0)
    result = {"enabled": bool(interval), "interval_ms": interval or None,
              "sent": add(b.get("sent") for b in beats.values()),
              "received": add(b.get("received") for b in beats.values()),
              "stalls": add(summary.get("heartbeat_stalls") for _, summary in written),
              "written": None, "from_due": None, "schedule": schedule(beats), "curves": {}}
    if interval:
        result["written"], result["curves"] = round_trips(beats)
        if result["schedule"]["recorded"]:
            result["from_due"], _ = round_trips(beats, "from_due")
    return result


def server_keepalive(server_summary):
    """The server's keepalive as its summary states it (the server jar words it: `keepalive.text`):
    'server keepalive: 10m idle, 10 probes 1m apart, sized from heartbeat 30s', 'server keepalive: off';
    None from a server jar older than the summary's `keepalive`."""
    keepalive = (server_summary or {}).get("keepalive")
    if not isinstance(keepalive, dict) or not keepalive.get("text"):
        return None
    sized_from = keepalive.get("sized_from") or ""
    origin = {"off": "", "explicit": "explicit --keepalive",
              "minimum": "the rules' minimum: no heartbeat given"}.get(sized_from, "sized from " + sized_from)
    return "server keepalive: %s%s" % (keepalive["text"], (", %s" % origin) if sized_from and origin else "")


def run_figures(client_summaries, server_summary, target, server_peak=None):
    """Every figure of a run the playbook and the report share, from the summaries the jars wrote.

    client_summaries: {client the run started: its summary, or None when it wrote none}; server_summary:
    the server's summary or None; server_peak: the server's peak open connections when its summary does
    not say (the report reads it from the timeline).
    """
    written = _written(client_summaries)
    server_summary = server_summary or {}
    if server_peak is None:
        server_peak = server_summary.get("peak_open")
    per_client = lambda key: {host: summary.get(key) for host, summary in written}  # noqa: E731
    # A count the summary lacks is 0 (a jar older than it); one it holds as None is unknown (summaries.checked),
    # and so is every count of a client that wrote no summary: its losses are not 0, they are not known.
    lost = {host: summary.get("lost", 0) if summary else None for host, summary in (client_summaries or {}).items()}
    dead = {host: summary.get("dead", 0) if summary else None for host, summary in (client_summaries or {}).items()}
    exit_codes = {host: (summary or {}).get("exit_code") for host, summary in (client_summaries or {}).items()}
    # The server's count of connections its keepalive closed: None from a server jar that does not say.
    reaped = server_summary.get("reaped")
    was_reached, unknown_why = verdict.reached_and_why(client_summaries, target, server_peak)
    return {
        "target": target, "reached": was_reached, "reached_unknown": unknown_why,
        "outcome": verdict.outcome(was_reached, exit_codes, every(lost.values()), every(dead.values()), reaped or 0),
        "established": per_client("established"), "established_total": add(per_client("established").values()),
        "peak_open": per_client("peak_open"), "peak_open_total": add(per_client("peak_open").values()),
        "reached_per_client": {host: summary.get("reached") if summary else None
                               for host, summary in (client_summaries or {}).items()},
        "ramp_seconds": per_client("ramp_seconds"),
        "server_peak_open": server_peak, "server_peak_at": server_summary.get("peak_at"),
        "server_accepted": server_summary.get("accepted"), "server_open_at_end": server_summary.get("open"),
        "failures": failure_counts(client_summaries),
        "lost": lost, "lost_total": every(lost.values()), "dead": dead, "dead_total": every(dead.values()),
        "reaped_total": reaped, "server_keepalive": server_keepalive(server_summary),
        "heartbeat": heartbeat(client_summaries),
        "exit_codes": exit_codes,
        "exit_reasons": {host: (summary or {}).get("exit_reason") for host, summary in (client_summaries or {}).items()},
    }
