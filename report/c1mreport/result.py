"""summary.json's result: the run's figures from c1mlab.figures (the same the playbook printed) and what
only the timelines tell: when the open connections passed each milestone and the connect rates.
"""

from c1mlab import figures

from . import series
from .heartbeat import heartbeat_section
from .parsers import iso_time

MILESTONES = [100_000, 500_000, 1_000_000]


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return int(round(numerator / denominator))


def _open_rows(run):
    """Rows of concurrent open connections: the server's own count."""
    server = run.server
    if server and server.timeline:
        return server.timeline, "server timeline"
    return [], None


def milestones(run, start, target):
    rows, source = _open_rows(run)
    marks = [m for m in MILESTONES if target and m < target] + ([target] if target else [])
    result = []
    for mark in marks:
        seconds = series.first_time_at_least(rows, "open", mark, start) if rows and start else None
        result.append({"connections": mark, "label": "target" if mark == target else "%dk" % (mark // 1000),
                       "seconds": seconds})
    return result, source


def connect_rates(run, start):
    grid = series.make_grid(run, start)
    per_client, cumulative = {}, []
    for client in run.clients:
        if not client.timeline:
            continue
        established = series.interpolate(series.counter_rows(client), "established", start, grid, after="hold")
        rates = series.per_second(established, grid)
        cumulative.append(established)
        per_client[client.name] = max((r for r in rates if r is not None), default=None)
    if not cumulative:
        return {"mean_per_s": None, "peak_per_s": None, "ramp_seconds": None, "per_client_peak_per_s": {}}
    total = series.add_series(cumulative)
    final = sum(c.timeline[-1].get("established") or 0 for c in run.clients if c.timeline)
    # The ramp ends at the row where the last client reached its final count (row time, not grid step).
    done_at = max(next(r["t"] for r in c.timeline if (r.get("established") or 0) >= (c.timeline[-1].get("established") or 0))
                  for c in run.clients if c.timeline) - start
    peak = max((r for r in series.per_second(total, grid) if r is not None), default=None)
    return {"mean_per_s": _ratio(final, done_at) if done_at > 0 else None,
            "peak_per_s": int(round(peak)) if peak is not None else None,
            "ramp_seconds": round(done_at, 1),
            "per_client_peak_per_s": {k: int(round(v)) if v is not None else None for k, v in per_client.items()}}


def started_clients(run):
    """{client: its summary or None}: every client the run started (run.json) and every client folder."""
    started = {c["host"]: None for c in run.settings.get("clients", []) if c["host"]}
    started.update((c.name, c.summary) for c in run.clients)
    return started


def result_section(run, start):
    target = run.settings.get("target_connections")
    server_summary = (run.server.summary if run.server else None) or {}
    server_peak = server_summary.get("peak_open")
    if server_peak is None and run.server and run.server.timeline:
        server_peak = max((r.get("open") or 0) for r in run.server.timeline)
    shared = figures.run_figures(started_clients(run), server_summary, target, server_peak)
    marks, marks_source = milestones(run, start, target)
    return {
        "reached": shared["reached"], "reached_unknown": shared["reached_unknown"], "target": target,
        "outcome": run.settings.get("outcome"),
        "established_total": shared["established_total"], "established": shared["established"],
        "client_peak_open": shared["peak_open"], "client_peak_open_total": shared["peak_open_total"],
        "reached_per_client": shared["reached_per_client"],
        "server_peak_open": shared["server_peak_open"], "server_peak_at": shared["server_peak_at"],
        "server_accepted": shared["server_accepted"],
        "load_started_at": iso_time(start), "time_to": marks, "time_to_source": marks_source,
        "connect_rate": connect_rates(run, start),
        "failures": shared["failures"],
        "lost_total": shared["lost_total"], "lost": shared["lost"],
        "dead_total": shared["dead_total"], "dead": shared["dead"],
        "reaped_total": shared["reaped_total"], "server_keepalive": shared["server_keepalive"],
        "heartbeat": heartbeat_section(run, shared["heartbeat"]),
        "exit_codes": shared["exit_codes"], "exit_reasons": shared["exit_reasons"],
    }
