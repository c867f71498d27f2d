"""The data behind each chart of report.html, aligned on one time grid (see series.py).

Output is plain JSON for the page's script: x values, then one list per series, with the labels,
colours and axes the script hands to uPlot. Nothing here knows about HTML.
"""

from . import series
from .parsers import parse_time

SERVER_COLOR = "#1f3a93"
CLIENT_COLORS = ["#e67e22", "#16a085", "#8e44ad", "#c0392b", "#2980b9", "#7f8c8d", "#d35400", "#27ae60"]
FAIL_COLOR = "#c0392b"
TARGET_COLOR = "#95a5a6"
MIB = 2 ** 20
PERCENTILE_STEPS = [round(100.0 * (1 - 10 ** (-step / 10)), 6) for step in range(0, 51)]  # 0% .. 99.999%


def _round(values, digits=1):
    return [None if v is None else round(v, digits) for v in values]


def _line(label, values, color, axis="y", dash=None, width=2, points=False):
    spec = {"label": label, "values": values, "color": color, "axis": axis, "width": width}
    if dash:
        spec["dash"] = dash
    if points:
        spec["points"] = True
    return spec


def _client_color(index):
    return CLIENT_COLORS[index % len(CLIENT_COLORS)]


def open_chart(run, start, grid, target):
    lines = []
    if run.server and run.server.timeline:
        lines.append(_line("server open", _round(series.interpolate(run.server.timeline, "open", start, grid), 0),
                           SERVER_COLOR, width=3))
    for i, client in enumerate(run.clients):
        if client.timeline:
            lines.append(_line("%s open" % client.name,
                               _round(series.interpolate(client.timeline, "open", start, grid), 0), _client_color(i)))
    if target:
        lines.append(_line("target", [target] * len(grid), TARGET_COLOR, dash=[6, 4], width=1))
    return {"id": "chart-open", "title": "Open connections", "x": "elapsed", "y": "connections", "series": lines}


def rate_chart(run, start, grid):
    lines, established_all, failed_all = [], [], []
    for i, client in enumerate(run.clients):
        if not client.timeline:
            continue
        rows = series.counter_rows(client)
        established = series.interpolate(rows, "established", start, grid, after="hold")
        established_all.append(established)
        failed_all.append(series.interpolate(rows, "failed", start, grid, after="hold"))
        lines.append(_line("%s connects/s" % client.name, _round(series.per_second(established, grid), 0),
                           _client_color(i), width=1))
    if established_all:
        lines.insert(0, _line("all clients connects/s",
                              _round(series.per_second(series.add_series(established_all), grid), 0),
                              SERVER_COLOR, width=3))
        failed = series.per_second(series.add_series(failed_all), grid)
        if any(v for v in failed if v):
            lines.append(_line("failed for good /s", _round(failed, 0), FAIL_COLOR, width=2))
    return {"id": "chart-rate", "title": "Connect rate (new connections per second)", "x": "elapsed",
            "y": "per second", "series": lines}


def server_memory_chart(run, start, grid, summary):
    server = run.server
    lines = []
    if server and server.timeline:
        lines.append(_line("RSS", _round([None if v is None else v / MIB for v in
                                                series.interpolate(server.timeline, "rss_bytes", start, grid,
                                                                   before=None)]), SERVER_COLOR, width=2))
        lines.append(_line("heap used", _round([None if v is None else v / MIB for v in
                                                      series.interpolate(server.timeline, "heap_used_bytes", start,
                                                                         grid, before=None)]), "#27ae60"))
        cost = summary["cost"]["hosts"].get(server.name) or {}
        kernel = cost.get("kernel_bytes")
        peak_at = parse_time(summary["result"].get("server_peak_at"))
        if kernel and peak_at is not None and grid:
            # The kernel figure is one snapshot at peak: a single point at the peak's time.
            point = [None] * len(grid)
            nearest = min(range(len(grid)), key=lambda i: abs(grid[i] - (peak_at - start)))
            point[nearest] = round(kernel / MIB, 1)
            lines.append(_line("kernel at peak", point, "#c0392b", points=True))
        lines.append(_line("open connections", _round(series.interpolate(server.timeline, "open", start, grid), 0),
                           TARGET_COLOR, axis="y2", dash=[4, 3], width=1))
    return {"id": "chart-memory-server", "title": "Server memory against connections", "x": "elapsed",
            "y": "MiB", "y2": "connections", "series": lines}


def client_memory_chart(run, start, grid):
    lines = []
    for i, client in enumerate(run.clients):
        if client.timeline:
            rss = series.interpolate(client.timeline, "rss_bytes", start, grid, before=None)
            heap = series.interpolate(client.timeline, "heap_used_bytes", start, grid, before=None)
            lines.append(_line("%s RSS" % client.name, _round([None if v is None else v / MIB for v in rss]),
                               _client_color(i)))
            lines.append(_line("%s heap" % client.name, _round([None if v is None else v / MIB for v in heap]),
                               _client_color(i), dash=[5, 4], width=1))
    return {"id": "chart-memory-clients", "title": "Client memory", "x": "elapsed", "y": "MiB", "series": lines}


def heartbeat_chart(summary, curves):
    heartbeat = summary["result"]["heartbeat"]
    if not heartbeat["enabled"]:
        return None
    xs = [round(1 / (1 - p / 100.0), 3) for p in PERCENTILE_STEPS]
    lines = []
    names = [n for n in curves if n != "all clients"]
    if curves:
        for key in (["all clients"] if "all clients" in curves else []) + names:
            by_percentile = {round(p, 6): v / 1000.0 for p, v in curves[key] if p < 100.0}
            values = [by_percentile.get(p) for p in PERCENTILE_STEPS]
            is_merged = key == "all clients"
            color = SERVER_COLOR if is_merged else _client_color(sorted(heartbeat["per_client"]).index(key))
            lines.append(_line(key, values, color, width=3 if is_merged else 1))
    else:
        # No histograms: the clients' own percentile figures, as points.
        fixed = {50.0: "p50_ms", 90.0: "p90_ms", 99.0: "p99_ms", 99.9: "p999_ms"}
        xs = [round(1 / (1 - p / 100.0), 3) for p in fixed]
        for i, (name, figures) in enumerate(sorted(heartbeat["per_client"].items())):
            lines.append(_line(name, [figures.get(key) for key in fixed.values()], _client_color(i), points=True))
    return {"id": "chart-heartbeat", "title": "Heartbeat round trip by percentile", "x": "percentile",
            "y": "ms", "xs": xs, "series": lines, "log_y": True}


def _window_chart(run, summary, start, grid, chart_id, title, lines_of, note_lines=()):
    """A chart of the clients' 10 s heartbeat windows: one point per filled timeline row, on its own x values
    (the rows' times since the load start; each point covers the 10 s before it). The grid's first and last
    times are added, without values, so the time axis spans the same run as the other charts."""
    heartbeat = summary["result"]["heartbeat"]
    windows = heartbeat.get("windows") or {}
    if not heartbeat["enabled"] or not windows or start is None:
        return None
    order = [c.name for c in run.clients]
    names = [n for n in order if n in windows] + sorted(n for n in windows if n not in order)
    times = {name: [round(parse_time(w["time"]) - start, 1) for w in windows[name]] for name in names}
    xs = sorted(set(t for ts in times.values() for t in ts) | set(grid[:1] + grid[-1:]))
    lines = []
    for name in names:
        index = order.index(name) if name in order else len(order) + names.index(name)
        for label, column, dash, width in lines_of:
            by_time = dict(zip(times[name], (w.get(column) for w in windows[name])))
            values = [by_time.get(x) for x in xs]
            if any(v is not None for v in values):
                line = _line("%s %s" % (name, label), values, _client_color(index), dash=dash, width=width, points=True)
                line["span"] = True  # the clients' rows fall at different times: join each client's own points
                lines.append(line)
    if not lines:
        return None
    for label, value, color in note_lines:
        if value is not None:
            lines.append(_line(label, [value] * len(xs), color, dash=[6, 4], width=1))
    return {"id": chart_id, "title": title, "x": "elapsed", "y": "ms", "xs": xs, "series": lines}


def round_trip_over_time_chart(run, summary, start, grid):
    chart = _window_chart(run, summary, start, grid, "chart-heartbeat-time",
                          "Heartbeat round trip over time (p50 / p99 of each 10 s, from written and from due)",
                          [("p50 written", "rtt_p50_ms", None, 1), ("p99 written", "rtt_p99_ms", None, 2.5),
                           ("p50 from due", "rtt_due_p50_ms", [2, 3], 1),
                           ("p99 from due", "rtt_due_p99_ms", [6, 3], 2.5)])
    if chart:
        chart["log_y"] = True
        for line in chart["series"]:  # a log axis has no zero: 1 µs, the histograms' resolution, stands for it
            line["values"] = [None if v is None else max(v, 0.001) for v in line["values"]]
    return chart


def schedule_lag_chart(run, summary, start, grid):
    schedule = summary["result"]["heartbeat"].get("schedule") or {}
    late_after = schedule.get("late_after_ms")
    return _window_chart(run, summary, start, grid, "chart-heartbeat-lag",
                         "Heartbeat schedule lag over time (p50 / p99 of each 10 s): the client's own lag",
                         [("lag p50", "lag_p50_ms", None, 1), ("lag p99", "lag_p99_ms", None, 2.5)],
                         [("late after %g ms" % late_after if late_after else "late", late_after, FAIL_COLOR)])


def build_charts(run, summary, curves):
    start = series.load_start(run)
    grid = series.make_grid(run, start)
    target = summary["result"]["target"]
    charts = [open_chart(run, start, grid, target), rate_chart(run, start, grid),
              server_memory_chart(run, start, grid, summary), client_memory_chart(run, start, grid)]
    heartbeat = heartbeat_chart(summary, curves)
    if heartbeat:
        charts.append(heartbeat)
    for chart in (round_trip_over_time_chart(run, summary, start, grid), schedule_lag_chart(run, summary, start, grid)):
        if chart:
            charts.append(chart)
    for chart in charts:
        chart.setdefault("xs", grid)
    return [c for c in charts if c["series"]]
