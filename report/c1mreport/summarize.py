"""Merges one run's hosts into summary.json: inventory, settings, result, cost, findings.

Every figure names where it came from in docs/report.md; when a source is missing the figure is None
and `problems` says why, rather than a guess.
"""

import re
from datetime import datetime, timezone

from c1mlab import failures, verdict

from . import SUMMARY_SCHEMA, formatting as fmt, series
from .checks import all_checks, port_capacity, connections_needed
from c1mlab.hdrhistogram import HistogramFormatError, decode_base64, Histogram
from .parsers import PAGE_SIZE, parse_time

MILESTONES = [100_000, 500_000, 1_000_000]
PERCENTILES = [("p50_ms", 50.0), ("p90_ms", 90.0), ("p99_ms", 99.0), ("p999_ms", 99.9), ("max_ms", 100.0)]
# The client timeline's 10 s heartbeat windows (docs/interfaces.md): filled on every 10th row only.
WINDOW_COLUMNS = ("rtt_p50_ms", "rtt_p99_ms", "rtt_due_p50_ms", "rtt_due_p99_ms", "lag_p50_ms", "lag_p99_ms")
CONNECTION_SLAB_CACHES = ("TCP", "TCPv6", "sock_inode_cache", "filp", "dentry", "eventpoll_epi", "eventpoll_pwq")


def _sum(values):
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _ratio(numerator, denominator, digits=0):
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits) if digits else int(round(numerator / denominator))


# --- inventory and settings ---------------------------------------------------------------------

def inventory(run):
    hosts = []
    for host in run.hosts:
        summary = host.summary or {}
        jvm = summary.get("jvm") or {}
        hosts.append({
            "name": host.name, "role": host.role,
            "memory_mb": host.facts.get("memory_mb"), "cpus": host.facts.get("cpus"),
            "kernel": host.facts.get("kernel"), "distribution": host.facts.get("distribution"),
            "virtualization": host.facts.get("virtualization"),
            "java": jvm.get("version"), "gc": jvm.get("gc"), "jvm_args": jvm.get("args"),
            "max_heap_bytes": jvm.get("max_heap_bytes"),
            "netty_version": summary.get("netty_version"), "transport": summary.get("transport"),
        })
    return {"hosts": hosts}


SETTINGS_KEYS = ["fs.file-max", "fs.nr_open", "fs.epoll.max_user_watches", "net.core.somaxconn",
                 "net.ipv4.tcp_max_syn_backlog", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_mem",
                 "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.netfilter.nf_conntrack_max",
                 "net.netfilter.nf_conntrack_buckets", "net.core.netdev_max_backlog"]


def settings_section(run):
    s = run.settings
    per_host = {}
    for host in run.hosts:
        per_host[host.name] = {
            "nofile_soft": host.limits.get("nofile_soft") if host.limits else None,
            "nofile_hard": host.limits.get("nofile_hard") if host.limits else None,
            "sysctl": {key: host.sysctl.get(key) for key in SETTINGS_KEYS if key in host.sysctl},
        }
    return {
        "target_connections": s.get("target_connections"), "ports": s.get("ports"),
        "port_count": len(s.get("ports_list") or []), "connect_rate": s.get("connect_rate"),
        "hold": s.get("hold"), "heartbeat": s.get("heartbeat"), "scenario": s.get("scenario"),
        "clients": s.get("clients"), "server": s.get("server"), "per_host": per_host,
    }


# --- result ---------------------------------------------------------------------------------------

def _open_rows(run):
    """Rows of concurrent open connections: the server's own count, else the clients' sum."""
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


def failures_section(run):
    by_host, errors_by_host = {}, {}
    for client in run.clients:
        summary = client.summary or {}
        by_host[client.name] = {k: v for k, v in (summary.get("failed") or {}).items() if v}
        errors_by_host[client.name] = {k: v for k, v in (summary.get("connect_errors") or {}).items() if v}
    totals, error_totals = {}, {}
    for counts, into in ((by_host, totals), (errors_by_host, error_totals)):
        for host_counts in counts.values():
            for kind, count in host_counts.items():
                into[kind] = into.get(kind, 0) + count
    order = failures.sort_kinds(set(totals) | set(error_totals))
    return {"total": sum(totals.values()), "by_kind": {k: totals.get(k, 0) for k in order if totals.get(k)},
            "by_host": by_host, "connect_errors_by_kind": {k: error_totals[k] for k in order if k in error_totals},
            "connect_errors_by_host": errors_by_host}


def _client_heartbeat_figures(heartbeat):
    return {key: heartbeat.get(key) for key, _ in PERCENTILES}


def _merge_round_trips(beats, part, count_field):
    """One round trip (written: part None; from due: part "from_due") merged from the clients' HdrHistograms.

    Returns {"source", "merged", "per_client", "note", "upper_bound"?} and the percentile curves.
    """
    merged = Histogram(1, 60_000_000, 3)
    section = {"source": None, "merged": None, "per_client": {}, "note": None}
    curves, unusable = {}, []
    for name, beat in beats.items():
        figures_from = (beat.get(part) or {}) if part else beat
        figures = _client_heartbeat_figures(figures_from)
        figures["count"] = figures_from.get("count") if part else beat.get(count_field)
        encoded = figures_from.get("histogram")
        if not encoded:
            unusable.append("%s: no histogram in its summary" % name)
        else:
            try:
                histogram = decode_base64(encoded)
            except HistogramFormatError as error:
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
        # Percentiles cannot be averaged; the merged value lies between the clients' lowest and highest.
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


LAG_FIX = ("Fewer connections per client (more clients), more CPUs for each client, or a longer heartbeat "
           "(c1m_heartbeat / --heartbeat).")


def _schedule(run, beats):
    """The clients' own lag: heartbeats due, sent late or never sent, and the share of the schedule kept.

    A late or missed heartbeat is the client behind its schedule, not the server: it never counts as
    dead and never changes the verdict (docs/report.md).
    """
    recorded = {name: b for name, b in beats.items() if b.get("due") is not None}
    if not recorded:
        return {"recorded": False, "due": None, "late": None, "missed": None, "schedule_kept": None,
                "late_after_ms": None, "dead_after_ms": None, "recovered": None, "per_client": {},
                "client_lag": None,
                "note": "these client summaries predate the heartbeat schedule (no due, late or missed "
                        "counts, no round trip from due time): those figures are n/a"}
    per_client = {}
    timelines = {c.name: c for c in run.clients}
    for name, beat in recorded.items():
        lag = beat.get("lag") or {}
        per_client[name] = {
            "due": beat.get("due"), "sent": beat.get("sent"), "late": beat.get("late"),
            "missed": beat.get("missed"), "received": beat.get("received"),
            "schedule_kept": beat.get("schedule_kept"), "recovered": beat.get("recovered"),
            "phase": beat.get("phase"),
            "lag": {key: lag.get(key) for key in ["count"] + [k for k, _ in PERCENTILES]}}
        per_client[name].update(_late_in_ramp(timelines.get(name)))
    due = _sum(b.get("due") for b in recorded.values())
    kept_beats = _sum(max(0, (b.get("sent") or 0) - (b.get("late") or 0)) for b in recorded.values())
    late = _sum(b.get("late") for b in recorded.values()) or 0
    missed = _sum(b.get("missed") for b in recorded.values()) or 0
    lag_max = [c["lag"].get("max_ms") for c in per_client.values() if c["lag"].get("max_ms") is not None]
    section = {
        "recorded": True, "due": due, "late": late, "missed": missed,
        "schedule_kept": round(kept_beats / due, 6) if due else None,
        "late_after_ms": max((b.get("late_after_ms") or 0 for b in recorded.values()), default=0) or None,
        "dead_after_ms": max((b.get("dead_after_ms") or 0 for b in recorded.values()), default=0) or None,
        "recovered": _sum(b.get("recovered") for b in recorded.values()),
        "lag_max_ms": max(lag_max) if lag_max else None,
        "per_client": per_client, "client_lag": None, "note": None,
    }
    if late or missed:
        behind = [name for name, c in per_client.items() if (c["late"] or 0) + (c["missed"] or 0)]
        detail = []
        for name in behind:
            c = per_client[name]
            ramp = ""
            if c.get("late_in_ramp") is not None:
                ramp = " (%s late and %s missed while the ramp was still opening connections)" % (
                    _fmt(c["late_in_ramp"]), _fmt(c["missed_in_ramp"]))
            detail.append("%s: %s of %s due heartbeats late, %s missed%s, schedule kept %s; schedule lag%s p99 %s, "
                          "max %s" % (name, _fmt(c["late"] or 0), _fmt(c["due"] or 0), _fmt(c["missed"] or 0), ramp,
                                      fmt.percent(c["schedule_kept"]),
                                      " during the hold" if c.get("phase") == "hold" else "",
                                      fmt.ms(c["lag"].get("p99_ms")), fmt.ms(c["lag"].get("max_ms"))))
        for client in run.clients:
            if client.name in behind and client.behind_line:
                detail.append("%s log: %s" % (client.name, client.behind_line))
        section["client_lag"] = {
            "title": "The client's lag: heartbeats sent late or not at all",
            "meaning": ("%s of %s heartbeats the clients' schedule asked for were written more than %s ms after "
                        "they were due (late) and %s were skipped a whole interval behind (missed): the client "
                        "could not keep its own schedule. That is the client's lag, not the server's: the server "
                        "answered what was written, these heartbeats do not count as dead and do not change the "
                        "verdict. The round trip from due time includes this lag."
                        % (_fmt(late), _fmt(due or 0), fmt.count(section["late_after_ms"]), _fmt(missed))),
            "fix": LAG_FIX,
            "hosts": behind, "detail": detail}
    return section


def _late_in_ramp(client):
    """Late and missed heartbeats counted by the end of the ramp (the first timeline row at the share)."""
    target = (client.summary or {}).get("target") if client else None
    rows = [r for r in (client.timeline if client else []) if r.get("hb_late") is not None]
    reached = next((r for r in rows if target and (r.get("open") or 0) >= target), None)
    if not reached:
        return {"late_in_ramp": None, "missed_in_ramp": None}
    return {"late_in_ramp": reached["hb_late"], "missed_in_ramp": reached.get("hb_missed") or 0}


def heartbeat_windows(run):
    """Each client's timeline rows that carry the 10 s percentile window (the other rows' cells are empty)."""
    windows = {}
    for client in run.clients:
        rows = []
        for row in client.timeline:
            values = {column: row.get(column) for column in WINDOW_COLUMNS}
            if any(v is not None for v in values.values()):
                values["time"] = _iso(row["t"])
                rows.append(values)
        if rows:
            windows[client.name] = rows
    return windows


def heartbeat_section(run):
    """Round trips merged from the clients' HdrHistograms (from written and from due time), the schedule
    kept; per-client figures if a histogram is missing."""
    clients = [c for c in run.clients if c.summary]
    beats = {c.name: (c.summary.get("heartbeat") or {}) for c in clients}
    interval = max((b.get("interval_ms") or 0 for b in beats.values()), default=0)
    section = {"enabled": bool(interval), "interval_ms": interval or None,
               "sent": _sum(b.get("sent") for b in beats.values()),
               "received": _sum(b.get("received") for b in beats.values()),
               "stalls": _sum(c.summary.get("heartbeat_stalls") for c in clients),
               "source": None, "merged": None, "per_client": {}, "note": None, "curves": {},
               "from_due": None, "schedule": None, "windows": {}}
    if not interval:
        section["note"] = "heartbeats were off for this run (heartbeat 0): no round-trip times"
        return section
    written, curves = _merge_round_trips(beats, None, "received")
    section.update(written)
    section["curves"] = curves
    section["schedule"] = _schedule(run, beats)
    if section["schedule"]["recorded"]:
        from_due, _ = _merge_round_trips(beats, "from_due", None)
        section["from_due"] = from_due
    section["windows"] = heartbeat_windows(run)
    return section


def result_section(run, start):
    target = run.settings.get("target_connections")
    clients = [c for c in run.clients if c.summary]
    server_summary = (run.server.summary if run.server else None) or {}
    established = {c.name: c.summary.get("established") for c in clients}
    peak_open = {c.name: c.summary.get("peak_open") for c in clients}
    reached_each = {c.name: bool(c.summary.get("reached")) for c in clients}
    server_peak = server_summary.get("peak_open")
    if server_peak is None and run.server and run.server.timeline:
        server_peak = max((r.get("open") or 0) for r in run.server.timeline)
    # Every client the run started (run.json), None where it wrote no summary: c1mlab.verdict decides.
    started = {c["host"]: None for c in run.settings.get("clients", []) if c["host"]}
    started.update((c.name, c.summary) for c in clients)
    reached = verdict.reached(started, target, server_peak)
    marks, marks_source = milestones(run, start, target)
    lost = {c.name: c.summary.get("lost") or 0 for c in clients}
    dead = {c.name: c.summary.get("dead") or 0 for c in clients}
    return {
        "reached": reached, "target": target,
        "outcome": run.settings.get("outcome"),
        "established_total": _sum(established.values()), "established": established,
        "client_peak_open": peak_open, "client_peak_open_total": _sum(peak_open.values()),
        "reached_per_client": reached_each,
        "server_peak_open": server_peak, "server_peak_at": server_summary.get("peak_at"),
        "server_accepted": server_summary.get("accepted"),
        "load_started_at": _iso(start), "time_to": marks, "time_to_source": marks_source,
        "connect_rate": connect_rates(run, start),
        "failures": failures_section(run),
        "lost_total": sum(lost.values()), "lost": lost,
        "dead_total": sum(dead.values()), "dead": dead,
        "heartbeat": heartbeat_section(run),
        "exit_codes": {h.name: (h.summary or {}).get("exit_code") for h in run.clients},
        "exit_reasons": {h.name: (h.summary or {}).get("exit_reason") for h in run.clients},
    }


# --- cost -----------------------------------------------------------------------------------------

def _tcp_sockets(host):
    sockstat = host.sockstat or {}
    inuse = [(sockstat.get(k) or {}).get("inuse") for k in ("TCP", "TCP6")]
    return _sum(inuse)


def kernel_cost(host, connections):
    """Kernel memory for this host's connections at peak: slab objects plus TCP buffers.

    Each connection holds one object in each cache of CONNECTION_SLAB_CACHES (socket, inode, file,
    dentry, epoll item); objects beyond the socket count belong to the rest of the system and are
    not charged to connections.
    """
    sockets = _tcp_sockets(host) or connections
    tcp_pages = ((host.sockstat or {}).get("TCP") or {}).get("mem")
    buffers = tcp_pages * PAGE_SIZE if tcp_pages is not None else None
    if not sockets:
        return {"kernel_bytes": None, "kernel_bytes_per_connection": None, "kernel_source": None}
    slab = None
    if host.slab:
        slab = sum(info["objsize"] * min(info["active_objs"], sockets)
                   for name, info in host.slab.items() if name in CONNECTION_SLAB_CACHES)
    if slab is not None:
        total = slab + (buffers or 0)
        source = "slabinfo (%s) + sockstat TCP mem" % ", ".join(
            n for n in CONNECTION_SLAB_CACHES if n in host.slab)
    elif buffers is not None:
        total = buffers
        source = "sockstat TCP mem only: socket structures not counted (slabinfo.txt missing or unreadable)"
    else:
        return {"kernel_bytes": None, "kernel_bytes_per_connection": None,
                "kernel_source": "no sockstat.txt or slabinfo.txt"}
    return {"kernel_bytes": total, "kernel_bytes_per_connection": _ratio(total, sockets),
            "kernel_tcp_buffer_bytes": buffers, "kernel_sockets": sockets, "kernel_source": source}


def process_cost(host):
    """RSS and heap at peak, and their growth per connection (slope from the quietest row to the peak)."""
    summary = host.summary or {}
    rows = [r for r in host.timeline if r.get("open") is not None]
    known = lambda value: value if value is None or value >= 0 else None  # noqa: E731 (-1: unreadable)
    cost = {"rss_bytes_at_peak": known(summary.get("rss_bytes_at_peak")),
            "heap_used_bytes_at_peak": known(summary.get("heap_used_bytes_at_peak")),
            "peak_open": summary.get("peak_open")}
    if rows:
        peak_row = max(rows, key=lambda r: r["open"])
        base_row = min(rows[:rows.index(peak_row) + 1], key=lambda r: r["open"])
        cost["peak_open"] = cost["peak_open"] or peak_row["open"]
        if cost["rss_bytes_at_peak"] is None:
            cost["rss_bytes_at_peak"] = peak_row.get("rss_bytes")
        if cost["heap_used_bytes_at_peak"] is None:
            cost["heap_used_bytes_at_peak"] = peak_row.get("heap_used_bytes")
        grown = peak_row["open"] - base_row["open"]
        if grown > 0 and base_row.get("rss_bytes") is not None and cost["rss_bytes_at_peak"] is not None:
            cost["rss_bytes_baseline"] = base_row["rss_bytes"]
            cost["process_bytes_per_connection"] = _ratio(cost["rss_bytes_at_peak"] - base_row["rss_bytes"], grown)
        if grown > 0 and base_row.get("heap_used_bytes") is not None and cost["heap_used_bytes_at_peak"] is not None:
            cost["heap_bytes_per_connection"] = _ratio(
                cost["heap_used_bytes_at_peak"] - base_row["heap_used_bytes"], grown)
    cost.setdefault("process_bytes_per_connection", None)
    cost.setdefault("heap_bytes_per_connection", None)
    return cost


def cost_section(run):
    hosts = {}
    for host in run.hosts:
        cost = {"role": host.role}
        cost.update(process_cost(host))
        cost.update(kernel_cost(host, cost.get("peak_open")))
        available = (host.meminfo or {}).get("MemAvailable")
        cost["mem_available_bytes_at_peak"] = available
        cost["mem_total_bytes"] = (host.meminfo or {}).get("MemTotal")
        hosts[host.name] = cost
    conntrack = {}
    for host in run.hosts:
        if host.conntrack:
            entry = dict(host.conntrack)
            entry["used_fraction"] = round(entry["count"] / entry["max"], 4) if entry["max"] else None
            entry["full"] = bool(entry["max"] and entry["count"] >= entry["max"] * 0.98)
            conntrack[host.name] = entry
        elif "conntrack" in host.has:
            conntrack[host.name] = None  # "unavailable": conntrack not loaded there
    server = hosts.get(run.server.name) if run.server else None
    return {"server": dict(server, host=run.server.name) if server else None,
            "hosts": hosts, "conntrack": conntrack}


# --- the doctor and the scenario ------------------------------------------------------------------

STATUS_ORDER = {"FAIL": 0, "WARN": 1, "OK": 2}


def doctor_section(run):
    """What each host's doctor found before the run (hosts/<name>/doctor.json): FAIL and WARN rows."""
    hosts = {}
    for host in run.hosts:
        if not host.doctor:
            continue
        checks = [c for c in host.doctor.get("checks") or [] if isinstance(c, dict)]
        counts = {status: sum(1 for c in checks if c.get("status") == status) for status in ("OK", "WARN", "FAIL")}
        findings = sorted((c for c in checks if c.get("status") in ("FAIL", "WARN")),
                          key=lambda c: STATUS_ORDER.get(c.get("status"), 3))
        hosts[host.name] = {
            "role": host.doctor.get("role") or host.role, "connections": host.doctor.get("connections"),
            "ok": counts["OK"], "warn": counts["WARN"], "fail": counts["FAIL"],
            "findings": [{key: c.get(key) for key in ("name", "status", "found", "needed", "fix")} for c in findings]}
    missing = [h.name for h in run.hosts if not h.doctor]
    return {"hosts": hosts, "fail_total": sum(h["fail"] for h in hosts.values()),
            "warn_total": sum(h["warn"] for h in hosts.values()),
            "hosts_without": missing if hosts else [h.name for h in run.hosts]}


def doctor_evidence(doctor, names, statuses=("FAIL", "WARN")):
    """Lines naming the doctor's findings among these checks, FAILs first."""
    lines = []
    for status in statuses:
        for host, entry in doctor["hosts"].items():
            for check in entry["findings"]:
                if check["name"] in names and check["status"] == status:
                    lines.append("doctor on %s before the run: %s %s - found %s, needs %s%s" % (
                        host, check["name"], status, check["found"], check["needed"],
                        (" - fix: %s" % check["fix"]) if check.get("fix") and check["fix"] != "-" else ""))
    return lines


def scenario_section(run):
    """The scenario of the run (run.json: scenario, scenario_info, scenario_result), if any."""
    settings = run.settings
    info = settings.get("scenario_info") if isinstance(settings.get("scenario_info"), dict) else {}
    result = settings.get("scenario_result") if isinstance(settings.get("scenario_result"), dict) else {}
    expected = list(info.get("expect") or [])
    return {
        "name": settings.get("scenario"), "label": settings.get("label") or None,
        "description": info.get("description"), "left_at": info.get("left_at"), "wall": info.get("wall"),
        "expected": expected, "fix": info.get("fix"), "doctor_checks": list(info.get("doctor_checks") or []),
        "wall_hit": result.get("wall_hit") if expected else None, "hit": list(result.get("hit") or []),
        "text": result.get("text"), "preflight_problems": list(settings.get("preflight_problems") or []),
        "preflight_enforced": settings.get("preflight_enforced"),
    }


# --- findings ---------------------------------------------------------------------------------------

def _fmt(number):
    return "{:,}".format(number) if isinstance(number, int) else str(number)


def _log_evidence(run, kind):
    """Lines of the hosts' logs that name the limit behind this kind (e.g. the server's accept())."""
    patterns = {"EMFILE": "too many open files", "ENFILE": "too many open files in system",
                "EADDRNOTAVAIL": "cannot assign requested address", "ENOBUFS": "no buffer space|cannot allocate memory",
                "ETIMEDOUT": "table full"}
    if kind not in patterns:
        return []
    lines = []
    for host in run.hosts:
        matching = [line for line in host.log_limit_lines if re.search(patterns[kind], line, re.IGNORECASE)]
        if matching:
            lines.append("%s log (%d line(s) like it): %s" % (host.name, host.log_limit_count, matching[0][:400]))
    return lines


def findings(run, result, cost, checks, doctor=None):
    """What went wrong, each with its meaning and fix, the most telling first."""
    found = []
    doctor = doctor or {"hosts": {}}
    fails = result["failures"]
    for kind, count in fails["by_kind"].items():
        entry = failures.describe(kind)
        hosts = [h for h, counts in fails["by_host"].items() if counts.get(kind)]
        detail = []
        if kind == "EADDRNOTAVAIL":
            for client in run.clients:
                if client.name in hosts:
                    capacity = port_capacity(client, run.settings.get("ports_list") or [])
                    if capacity:
                        detail.append("%s needed %s: %s local ports x %d source IP(s) x %d server port(s) = %s, "
                                      "about %s in practice" % (
                                          client.name, _fmt(connections_needed(client, run.settings)),
                                          _fmt(capacity["local_ports"]), capacity["source_ips"],
                                          capacity["server_ports"], _fmt(capacity["theoretical"]),
                                          _fmt(capacity["practical"])))
        if kind == "ETIMEDOUT":
            for name, entry_ct in cost["conntrack"].items():
                if entry_ct and entry_ct["full"]:
                    detail.append("conntrack on %s is at its max (%s of %s): the table is full, new "
                                  "connections are dropped" % (name, _fmt(entry_ct["count"]), _fmt(entry_ct["max"])))
        first = next(((c.name, c.first_failures[kind]) for c in run.clients if kind in c.first_failures), None)
        if first:
            detail.append("first seen on %s: %s" % first)
            if kind == "OTHER" and "no space left on device" in first[1].lower():
                detail.append(failures.EPOLL_ENOSPC)
        detail += _log_evidence(run, kind)
        detail += doctor_evidence(doctor, failures.DOCTOR_CHECKS.get(kind, ()), ("FAIL",))
        found.append({"kind": kind, "count": count, "hosts": hosts, "title": entry.errno_name,
                      "meaning": entry.meaning, "fix": entry.fix, "detail": detail})
    for kind, total, per_host, entry in (("lost", result["lost_total"], result["lost"], failures.LOST),
                                         ("dead", result["dead_total"], result["dead"], failures.DEAD)):
        if total:
            detail = []
            for host_checks in checks:
                for check in host_checks["checks"]:
                    if check["setting"] == "net.ipv4.tcp_mem" and check["status"] in ("short", "tight"):
                        detail.append("%s: %s" % (host_checks["host"], check["why"]))
            server = run.server
            if server:
                for line in server.log_tail:
                    if re.search(r"out of memory|oom|reset|restart", line, re.IGNORECASE):
                        detail.append("%s log: %s" % (server.name, line.strip()))
            detail += doctor_evidence(doctor, failures.DOCTOR_CHECKS.get(kind, ()), ("FAIL",))
            if kind == "dead" and found and found[-1]["kind"] == "lost" and found[-1]["detail"] == detail:
                detail = ["the same evidence as for the lost connections above"]
            heartbeat = result["heartbeat"]
            schedule = heartbeat.get("schedule") or {}
            if kind == "dead" and schedule.get("recorded"):
                detail.insert(0, "a written heartbeat went unanswered for %s ms: %s time(s) a connection went dead, "
                                 "%s time(s) one answered again" % (
                                     fmt.count(schedule.get("dead_after_ms")), fmt.count(heartbeat.get("stalls") or 0),
                                     fmt.count(schedule.get("recovered") or 0)))
            found.append({"kind": kind, "count": total, "hosts": [h for h, n in per_host.items() if n],
                          "title": entry.errno_name, "meaning": entry.meaning, "fix": entry.fix,
                          "detail": detail})
    return found


def _iso(seconds):
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def build_summary(run, generated_at=None):
    start = series.load_start(run)
    result = result_section(run, start)
    cost = cost_section(run)
    checks = all_checks(run)
    doctor = doctor_section(run)
    curves = result["heartbeat"].pop("curves")
    summary = {
        "schema": SUMMARY_SCHEMA,
        "generated_at": generated_at or _iso(datetime.now(timezone.utc).timestamp()),
        "run": {key: run.settings.get(key) for key in ("run_id", "scenario", "label", "started_at", "finished_at",
                                                        "outcome", "outcome_detail")},
        "inventory": inventory(run),
        "settings": settings_section(run),
        "result": result,
        "cost": cost,
        "checks": checks,
        "doctor": doctor,
        "scenario": scenario_section(run),
        "findings": findings(run, result, cost, checks, doctor),
        "problems": list(run.problems),
    }
    summary["run"]["run_id"] = run.run_id
    summary["run"]["duration_s"] = _duration(run.settings)
    return summary, curves


def _duration(settings):
    started, finished = parse_time(settings.get("started_at")), parse_time(settings.get("finished_at"))
    return round(finished - started, 1) if started and finished else None
