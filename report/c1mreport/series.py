"""Timelines on one clock: load start, a shared grid, and the per-second series the charts draw.

Hosts sample their timelines once a second but not in step, so the cumulative counters are linearly
interpolated onto one grid before they are added up or differenced; otherwise a row landing just
either side of a second boundary would show as a zero followed by a double rate.
"""

import math

from .parsers import parse_time

MAX_POINTS = 3000  # keeps a long soak's page small and its charts fast


def load_start(run):
    """When the load began: the earliest client start, else the first sign of a connection."""
    starts = [parse_time(c.summary.get("started_at")) for c in run.clients if c.summary]
    starts = [s for s in starts if s is not None]
    if starts:
        return min(starts)
    first_rows = [c.timeline[0]["t"] for c in run.clients if c.timeline]
    if first_rows:
        return min(first_rows) - 1.0
    server = run.server
    if server and server.summary and parse_time(server.summary.get("first_connection_at")):
        return parse_time(server.summary.get("first_connection_at"))
    if server and server.timeline:
        connected = [r["t"] for r in server.timeline if (r.get("open") or 0) > 0]
        return connected[0] - 1.0 if connected else server.timeline[0]["t"]
    return None


def counter_rows(host):
    """The host's timeline with a zero row at its process start prepended.

    A client's first row already counts the connections of its first second; without the anchor the
    interpolation would put all of them into one grid step and show a rate spike at the start.
    """
    started = parse_time((host.summary or {}).get("started_at"))
    rows = host.timeline
    if started is None or not rows or started >= rows[0]["t"]:
        return rows
    zero = {column: 0 for column in rows[0] if column != "t"}
    zero["t"] = started
    return [zero] + rows


def make_grid(run, start, lead_seconds=5):
    """Seconds since `start`, from a few seconds before it to the last row of any timeline."""
    ends = [h.timeline[-1]["t"] for h in run.hosts if h.timeline]
    if start is None or not ends:
        return []
    span = max(ends) - start
    step = max(1, math.ceil((span + lead_seconds) / MAX_POINTS))
    return [float(x) for x in range(-lead_seconds, int(math.ceil(span)) + step, step)]


def interpolate(rows, column, start, grid, before=0, after=None):
    """Column values at each grid time, linear between rows.

    before: value ahead of the host's first row (0 for counters: nothing had happened yet; None for
    memory: unknown). after: value past its last row (None: no data, e.g. the process had exited;
    "hold": keep the last value, for cumulative counters).
    """
    points = [(r["t"] - start, r[column]) for r in rows if r.get(column) is not None]
    values = []
    i = 0
    for x in grid:
        if not points or x < points[0][0]:
            values.append(before if points else None)
        elif x > points[-1][0]:
            values.append(points[-1][1] if after == "hold" else None)
        else:
            while i + 1 < len(points) and points[i + 1][0] < x:
                i += 1
            (x0, y0), (x1, y1) = points[i], points[min(i + 1, len(points) - 1)]
            values.append(y0 if x1 == x0 or x <= x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return values


def per_second(cumulative, grid):
    """Rates from a cumulative series on the grid (first point: 0)."""
    rates = [0.0]
    for i in range(1, len(grid)):
        a, b = cumulative[i - 1], cumulative[i]
        rates.append(max(0.0, (b - a) / (grid[i] - grid[i - 1])) if a is not None and b is not None else None)
    return rates


def add_series(series_list):
    """Element-wise sum; a point is None only if it is None in every series."""
    total = []
    for values in zip(*series_list):
        known = [v for v in values if v is not None]
        total.append(sum(known) if known else None)
    return total


def first_time_at_least(rows, column, threshold, start):
    """Seconds from start to the first row whose column reaches threshold, or None."""
    for row in rows:
        if (row.get(column) or 0) >= threshold:
            return round(row["t"] - start, 1)
    return None
