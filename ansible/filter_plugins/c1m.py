# -*- coding: utf-8 -*-
"""Small filters the c1m playbooks and roles share.

They parse the notations of docs/interfaces.md (port lists, durations, counts with k/m suffixes,
source address lists) so the playbooks can plan capacity and timeouts before starting anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import re

from ansible.errors import AnsibleFilterError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def c1m_ports(spec):
    """'9000-9019' or '9000,9001,9005-9010' -> sorted list of ints."""
    if isinstance(spec, int):
        return [spec]
    if isinstance(spec, (list, tuple)):
        spec = ",".join(str(p) for p in spec)
    ports = set()
    for part in str(spec).split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            low, high = part.split("-", 1)
            low, high = int(low), int(high)
            if low > high:
                raise AnsibleFilterError("c1m_ports: bad range %r" % part)
            ports.update(range(low, high + 1))
        else:
            ports.add(int(part))
    if not ports or min(ports) < 1 or max(ports) > 65535:
        raise AnsibleFilterError("c1m_ports: no valid ports in %r" % (spec,))
    return sorted(ports)


def c1m_seconds(value):
    """'30s', '10m', '500ms', '1h', 45 -> seconds (float); '0' -> 0."""
    if isinstance(value, (int, float)):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise AnsibleFilterError("c1m_seconds: %r is not a duration like 30s, 10m, 500ms" % (value,))
    number, unit = float(match.group(1)), match.group(2) or "s"
    return number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


def c1m_count(value):
    """'10k', '1m', 1000000 -> int."""
    if isinstance(value, int):
        return value
    match = _COUNT.match(str(value))
    if not match:
        raise AnsibleFilterError("c1m_count: %r is not a count like 5000, 10k, 1m" % (value,))
    factor = {"": 1, "k": 1000, "m": 1000000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def c1m_ip_count(value):
    """Number of source addresses in '' (kernel's choice: 1), 'a,b,c', or a CIDR."""
    if value is None:
        return 1
    if isinstance(value, (list, tuple)):
        return max(1, len(value))
    text = str(value).strip()
    if not text:
        return 1
    total = 0
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "/" in part:
            net = ipaddress.ip_network(part, strict=False)
            hosts = net.num_addresses - (2 if net.version == 4 and net.prefixlen < 31 else 0)
            total += max(1, hosts)
        else:
            ipaddress.ip_address(part)
            total += 1
    return max(1, total)


def c1m_share(total, hosts, host):
    """This host's share of total over the list hosts: shares differ by at most one."""
    total = c1m_count(total)
    hosts = list(hosts)
    if host not in hosts:
        raise AnsibleFilterError("c1m_share: %s is not in %s" % (host, hosts))
    base, extra = divmod(total, len(hosts))
    return base + (1 if hosts.index(host) < extra else 0)


def c1m_share_of(host, total, hosts):
    """host | c1m_share_of(total, hosts): the same as c1m_share, for map()."""
    return c1m_share(total, hosts, host)


def c1m_port_range_size(value):
    """'1024 65535' (ip_local_port_range) -> 64512."""
    parts = str(value).split()
    if len(parts) != 2:
        raise AnsibleFilterError("c1m_port_range_size: %r is not 'LOW HIGH'" % (value,))
    return int(parts[1]) - int(parts[0]) + 1


FAILURE_KINDS = ("EMFILE", "ENFILE", "EADDRNOTAVAIL", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "ENOBUFS", "OTHER")
RUNNING = ("active", "activating", "deactivating", "reloading")


def _num(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def c1m_progress(client_statuses, server_status=None):
    """Fold `c1m-host status` objects of the clients (and the server) into one progress record."""
    progress = {
        "clients": 0, "established": 0, "open": 0, "target": 0, "failed": 0, "lost": 0, "dead": 0,
        "reached": 0, "running": 0, "finished": 0, "failed_clients": [], "states": {},
        "server_running": None, "server_open": None, "server_last_line": None,
    }
    for status in client_statuses or []:
        if isinstance(status, dict) and "stdout" in status:
            # A registered result of a loop over hosts: parse it, keep the inventory name.
            host = status.get("item")
            try:
                status = json.loads(status.get("stdout") or "{}")
            except ValueError:
                status = {}
            status["inventory_hostname"] = host
        progress["clients"] += 1
        summary = status.get("summary") or {}
        unit = status.get("unit") or {}
        for key, field in (("established", "established"), ("open", "open"), ("target", "target"),
                           ("failed", "failed_total"), ("lost", "lost"), ("dead", "dead")):
            progress[key] += _num(summary.get(field))
        if summary.get("reached"):
            progress["reached"] += 1
        state = summary.get("state") or "starting"
        progress["states"][state] = progress["states"].get(state, 0) + 1
        if unit.get("active") in RUNNING:
            progress["running"] += 1
        else:
            progress["finished"] += 1
            exit_status = unit.get("exit_status")
            if exit_status not in (0, None) or unit.get("result") not in ("success", ""):
                progress["failed_clients"].append({
                    "host": status.get("inventory_hostname") or status.get("host"),
                    "exit_status": exit_status,
                    "line": status.get("last_line") or "",
                })
    if isinstance(server_status, dict) and "stdout" in server_status:
        try:
            server_status = json.loads(server_status.get("stdout") or "{}")
        except ValueError:
            server_status = {}
    if server_status:
        unit = server_status.get("unit") or {}
        summary = server_status.get("summary") or {}
        progress["server_running"] = unit.get("active") in RUNNING
        progress["server_open"] = summary.get("open")
        if not progress["server_running"]:
            progress["server_last_line"] = server_status.get("last_line")
    return progress


def c1m_follow_next(follow, progress, elapsed, hold, ramp_timeout):
    """The follow loop's next state from its state and the latest progress.

    follow: {phase: ramping|holding|done, reached_after_s, outcome?, detail?}; elapsed: seconds
    since the clients started; hold: the hold (duration); ramp_timeout: seconds.
    """
    follow = dict(follow or {})
    follow["snapshot"] = False
    elapsed = float(elapsed)
    hold_s = c1m_seconds(hold)
    clients = progress.get("clients", 0)
    failures = progress.get("failed_clients") or []
    if follow.get("phase") == "ramping":
        if clients and progress.get("reached") == clients:
            follow.update(phase="holding", reached_after_s=round(elapsed, 1), snapshot=True)
        elif failures:
            exit3 = any(f.get("exit_status") == 3 for f in failures)
            follow.update(phase="done", outcome="failed_to_start" if exit3 else "not_reached",
                          detail=" | ".join("%s: exit %s - %s" % (f.get("host"), f.get("exit_status"), f.get("line"))
                                            for f in failures))
        elif progress.get("server_running") is False:
            follow.update(phase="done", outcome="not_reached",
                          detail="the server stopped: %s" % (progress.get("server_last_line") or "?"))
        elif clients and progress.get("finished") == clients:
            follow.update(phase="done", outcome="not_reached",
                          detail="every client exited before the target was reached")
        elif elapsed > float(ramp_timeout):
            follow.update(phase="done", outcome="not_reached",
                          detail="target not reached within c1m_ramp_timeout=%ss" % ramp_timeout)
    elif follow.get("phase") == "holding":
        grace = hold_s * 2 + 60
        if clients and progress.get("finished") == clients:
            follow.update(phase="done")
        elif progress.get("server_running") is False:
            follow.update(phase="done", outcome="not_reached",
                          detail="the server stopped during the hold: %s" % (progress.get("server_last_line") or "?"))
        elif elapsed - float(follow.get("reached_after_s") or 0) > grace:
            follow.update(phase="done",
                          detail="clients still running %ds after the target was reached; stopped" % grace)
    return follow


def c1m_run_summary(client_summaries, server_summary, target):
    """One-screen figures of a finished run from the fetched summaries.

    client_summaries: {host: summary or None}; server_summary: summary or None.
    """
    target = c1m_count(target)
    failures = dict((kind, 0) for kind in FAILURE_KINDS)
    result = {
        "target": target, "clients_reporting": 0, "clients_reached": 0, "established": 0,
        "peak_open_clients": 0, "failed_total": 0, "lost": 0, "dead": 0, "time_to_reach_s": None,
        "heartbeat_p99_ms": None, "heartbeat_max_ms": None, "client_exit_codes": {},
        "server_peak_open": None, "server_open_at_end": None,
    }
    ramp = []
    for host, summary in sorted((client_summaries or {}).items()):
        if not summary:
            result["client_exit_codes"][host] = None
            continue
        result["clients_reporting"] += 1
        result["clients_reached"] += 1 if summary.get("reached") else 0
        result["established"] += _num(summary.get("established"))
        result["peak_open_clients"] += _num(summary.get("peak_open"))
        result["failed_total"] += _num(summary.get("failed_total"))
        result["lost"] += _num(summary.get("lost"))
        result["dead"] += _num(summary.get("dead"))
        for kind, count in (summary.get("failed") or {}).items():
            failures[kind] = failures.get(kind, 0) + _num(count)
        if summary.get("reached") and summary.get("ramp_seconds") is not None:
            ramp.append(float(summary["ramp_seconds"]))
        heartbeat = summary.get("heartbeat") or {}
        for key, field in (("heartbeat_p99_ms", "p99_ms"), ("heartbeat_max_ms", "max_ms")):
            if heartbeat.get(field) is not None:
                result[key] = max(result[key] or 0, heartbeat[field])
        result["client_exit_codes"][host] = summary.get("exit_code")
    if ramp and result["clients_reached"] == len(client_summaries or {}):
        result["time_to_reach_s"] = round(max(ramp), 3)
    result["failures_by_kind"] = dict((k, v) for k, v in failures.items() if v)
    if server_summary:
        result["server_peak_open"] = server_summary.get("peak_open")
        result["server_open_at_end"] = server_summary.get("open")
    all_reached = (result["clients_reached"] == len(client_summaries or {})
                   and result["peak_open_clients"] >= target > 0)
    clean = all(code == 0 for code in result["client_exit_codes"].values())
    if all_reached and clean and result["lost"] == 0 and result["dead"] == 0:
        result["outcome"] = "reached"
    elif all_reached:
        result["outcome"] = "reached_with_losses"
    else:
        result["outcome"] = "not_reached"
    return result


class FilterModule(object):
    def filters(self):
        return {
            "c1m_ports": c1m_ports,
            "c1m_seconds": c1m_seconds,
            "c1m_count": c1m_count,
            "c1m_ip_count": c1m_ip_count,
            "c1m_share": c1m_share,
            "c1m_share_of": c1m_share_of,
            "c1m_port_range_size": c1m_port_range_size,
            "c1m_progress": c1m_progress,
            "c1m_follow_next": c1m_follow_next,
            "c1m_run_summary": c1m_run_summary,
        }
