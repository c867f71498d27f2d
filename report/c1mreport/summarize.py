"""Merges one run's hosts into summary.json: inventory, settings, result, cost, the doctor, the scenario
and the findings. The figures come from c1mlab (the same the playbook printed); each section is built by
its own module: result.py and heartbeat.py, cost.py, findings.py. Settings are the values in force, as
collected; whether a host could hold its share is the doctor's call (doctor.json), not worked out here.

Every figure names where it came from in docs/report.md; when a source is missing the figure is None
and `problems` says why, rather than a guess.
"""

from datetime import datetime, timezone

from c1mlab import faults, summaries, verdict

from . import SUMMARY_SCHEMA, series
from .cost import cost_section, server_impl
from .findings import findings
from .parsers import iso_time, parse_time
from .process_state import process_state
from .result import result_section


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
            "process": process_state(host.summary, run.settings.get("finished_at")),
        })
    return {"hosts": hosts}


# The sysctls kept in summary.json and shown in "Settings in force", in the page's order.
SETTINGS_KEYS = ["fs.nr_open", "fs.file-max", "fs.epoll.max_user_watches", "net.ipv4.ip_local_port_range",
                 "net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog", "net.core.netdev_max_backlog",
                 "net.netfilter.nf_conntrack_max", "net.netfilter.nf_conntrack_buckets", "net.ipv4.tcp_mem",
                 "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]


def settings_section(run):
    s = run.settings
    per_host = {}
    for host in run.hosts:
        # limits.txt (the process's /proc/<pid>/limits), else what the jar's summary says of itself.
        nofile = {key: (host.limits or {}).get(key) for key in ("nofile_soft", "nofile_hard")}
        nofile = {key: (host.summary or {}).get(key) if value is None else value for key, value in nofile.items()}
        per_host[host.name] = {
            "nofile_soft": nofile["nofile_soft"],
            "nofile_hard": nofile["nofile_hard"],
            "sysctl": {key: host.sysctl.get(key) for key in SETTINGS_KEYS if key in host.sysctl},
        }
    return {
        "target_connections": s.get("target_connections"), "ports": s.get("ports"),
        "port_count": len(s.get("ports_list") or []), "connect_rate": s.get("connect_rate"),
        "hold": s.get("hold"), "heartbeat": s.get("heartbeat"), "scenario": s.get("scenario"),
        "protocol": s.get("protocol") or "raw", "server_impl": server_impl(run),
        "clients": s.get("clients"), "server": s.get("server"), "per_host": per_host,
    }


# --- the doctor and the scenario ------------------------------------------------------------------

def doctor_section(run):
    """What each host's doctor found before the run (hosts/<name>/doctor.json): c1mlab.summaries.doctor."""
    hosts = summaries.doctor({h.name: h.doctor for h in run.hosts if h.doctor}, {h.name: h.role for h in run.hosts})
    missing = [h.name for h in run.hosts if not h.doctor]
    return {"hosts": hosts, "fail_total": sum(h["fail"] for h in hosts.values()),
            "warn_total": sum(h["warn"] for h in hosts.values()),
            "hosts_without": missing if hosts else [h.name for h in run.hosts]}


def doctor_after_section(run):
    """The doctor run again after the run (hosts/<name>/doctor-after.json), and the checks whose status it
    changed against the one before: what the run itself did to a host (its memory, conntrack, descriptors)."""
    after = {h.name: h.doctor_after for h in run.hosts if h.doctor_after}
    return {"hosts": summaries.doctor(after, {h.name: h.role for h in run.hosts}),
            "changes": summaries.doctor_changes({h.name: h.doctor for h in run.hosts if h.doctor}, after)}


def scenario_section(run):
    """The scenario of the run (run.json: scenario, scenario_info, scenario_result), if any."""
    settings = run.settings
    info = settings.get("scenario_info") if isinstance(settings.get("scenario_info"), dict) else {}
    result = settings.get("scenario_result") if isinstance(settings.get("scenario_result"), dict) else {}
    expected = list(info.get("expect") or [])
    try:
        kind = verdict.kind(info)
    except ValueError:  # a run.json naming a kind this checkout does not know: judged by nothing here
        kind = None
    return {
        "name": settings.get("scenario"), "label": settings.get("label") or None,
        "description": info.get("description"), "left_at": info.get("left_at"), "wall": info.get("wall"),
        "expected": expected, "fix": info.get("fix"), "doctor_checks": list(info.get("doctor_checks") or []),
        "kind": kind, "wall_hit": result.get("wall_hit") if kind in (verdict.WALL, verdict.RESTART) else None,
        "hit": list(result.get("hit") or []), "restart": kind == verdict.RESTART,
        "text": result.get("text"), "preflight_problems": list(settings.get("preflight_problems") or []),
        "preflight_enforced": settings.get("preflight_enforced"),
    }


# --- the summary ---------------------------------------------------------------------------------

def faults_section(run):
    """Lost, reconnected, outages and the reconnect storm (c1mlab.faults), with the server's listen queue."""
    section = faults.fold({c.name: c.summary for c in run.clients if c.summary})
    section["storm"] = faults.storm({c.name: c.timeline for c in run.clients})
    server = run.server
    section["listen_queue"] = faults.listen_queue(server.netstat_text, server.netstat_before_restart_text) \
        if server and server.netstat_text else None
    info = run.settings.get("scenario_info") if isinstance(run.settings.get("scenario_info"), dict) else {}
    result = run.settings.get("scenario_result") if isinstance(run.settings.get("scenario_result"), dict) else {}
    section["restart"] = dict(info.get("restart") or {}, **(result.get("restart") or {})) if info.get("restart") else None
    return section


def build_summary(run, generated_at=None):
    start = series.load_start(run)
    result = result_section(run, start)
    cost = cost_section(run)
    doctor = doctor_section(run)
    curves = result["heartbeat"].pop("curves")
    summary = {
        "schema": SUMMARY_SCHEMA,
        "generated_at": generated_at or iso_time(datetime.now(timezone.utc).timestamp()),
        "run": {key: run.settings.get(key) for key in ("run_id", "scenario", "label", "started_at", "finished_at",
                                                        "outcome", "outcome_detail")},
        "inventory": inventory(run),
        "settings": settings_section(run),
        "result": result,
        "cost": cost,
        "doctor": doctor,
        "doctor_after": doctor_after_section(run),
        "scenario": scenario_section(run),
        "faults": faults_section(run),
        "findings": findings(run, result, cost, doctor),
        "problems": list(run.problems),
    }
    summary["run"]["run_id"] = run.run_id
    summary["run"]["duration_s"] = _duration(run.settings)
    return summary, curves


def _duration(settings):
    started, finished = parse_time(settings.get("started_at")), parse_time(settings.get("finished_at"))
    return round(finished - started, 1) if started and finished else None
