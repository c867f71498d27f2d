"""summary.json's findings: what went wrong, each failure kind, lost or dead connections and those the
server's keepalive reaped, with its
meaning, its fix and the evidence for it (the 5-tuple, conntrack, TCP memory, the hosts' logs, the doctor).

Evidence is facts (this run's figures, the hosts' log lines) and the doctor's rows: whether a host could
hold its share is the doctor's call alone, not worked out again here."""

import re

from c1mlab import evidence, failures, notation

from . import formatting as fmt
from .parsers import PAGE_SIZE


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


def findings(run, result, cost, doctor=None):
    """What went wrong, each with its meaning and fix, the most telling first."""
    found = []
    doctor = doctor or {"hosts": {}}
    fails = result["failures"]
    for kind, count in fails["by_kind"].items():
        entry = failures.describe(kind)
        hosts = [h for h, counts in fails["by_host"].items() if counts.get(kind)]
        detail = []
        if kind == "EADDRNOTAVAIL":
            detail += _five_tuples(run, hosts)
        if kind == "ETIMEDOUT":
            for name, entry_ct in cost["conntrack"].items():
                if entry_ct and entry_ct["full"]:
                    detail.append("conntrack on %s is at its max (%s of %s): the table is full, new "
                                  "connections are dropped" % (name, fmt.grouped(entry_ct["count"]), fmt.grouped(entry_ct["max"])))
        first = next(((c.name, c.first_failures[kind]) for c in run.clients if kind in c.first_failures), None)
        if first:
            detail.append("first seen on %s: %s" % first)
            if kind == "OTHER" and "no space left on device" in first[1].lower():
                detail.append(failures.EPOLL_ENOSPC)
        detail += _log_evidence(run, kind)
        detail += doctor_evidence(doctor, failures.DOCTOR_CHECKS.get(kind, ()), ("FAIL",))
        found.append({"kind": kind, "count": count, "hosts": hosts, "title": entry.errno_name,
                      "meaning": entry.meaning, "fix": entry.fix, "detail": detail})
    reaped = result.get("reaped_total") or 0
    if reaped:
        found.append(_reaped(run, result, reaped, doctor))
    for kind, total, per_host, entry in (("lost", result["lost_total"], result["lost"], failures.LOST),
                                         ("dead", result["dead_total"], result["dead"], failures.DEAD)):
        if total:
            server = run.server
            detail = _tcp_memory(server)
            if server:
                for line in server.log_tail:
                    if re.search(r"out of memory|oom|reset|restart", line, re.IGNORECASE):
                        detail.append("%s log: %s" % (server.name, line.strip()))
            # WARN too: the doctor's tcp_mem, memory and heap rows that warned are the evidence here.
            detail += doctor_evidence(doctor, failures.DOCTOR_CHECKS.get(kind, ()))
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


def _five_tuples(run, hosts):
    """Each failing client's 5-tuple as facts (c1mlab.evidence.five_tuple_line, the line the playbook prints):
    its ip_local_port_range, the usable part and what its share puts on each (source, server, port)."""
    shares = {c.get("host"): c.get("share") for c in run.settings.get("clients") or [] if isinstance(c, dict)}
    lines = []
    for client in run.clients:
        port_range = client.sysctl.get("net.ipv4.ip_local_port_range")
        if client.name not in hosts or notation.lenient(notation.port_range_size, port_range) is None:
            continue
        summary = client.summary or {}
        ports = len(run.settings.get("ports_list") or []) or len(summary.get("ports") or []) or 1
        share = shares.get(client.name) or summary.get("target") or 0
        lines.append(evidence.five_tuple_line(client.name, " ".join(port_range.split()), share, ports,
                                              notation.lenient(notation.source_count, summary.get("source_ips"), 1)))
    return evidence.group_hosts(lines)


def _tcp_memory(server):
    """The server's TCP buffer pages in use at peak (sockstat.txt) beside its net.ipv4.tcp_mem, as facts."""
    pages = ((server.sockstat or {}).get("TCP") or {}).get("mem") if server else None
    tcp_mem = server.sysctl.get("net.ipv4.tcp_mem") if server else None
    if pages is None or not tcp_mem:
        return []
    return ["%s at peak: %s pages of TCP buffers in use (%s); net.ipv4.tcp_mem %s (min pressure max, in pages)" % (
        server.name, fmt.grouped(pages), fmt.bytes_(pages * PAGE_SIZE), " ".join(tcp_mem.split()))]


def _reaped(run, result, reaped, doctor):
    """The server's keepalive closed connections: with its setting, and whether they were live (the clients
    lost connections in the same run) or vanished peers (none lost), and the clients' lag that left them idle."""
    entry = failures.REAPED
    detail = [result.get("server_keepalive") or "server keepalive: not stated by the server"]
    if result["lost_total"]:
        detail.append("the clients lost %s connection(s) in the same run: these were live connections closed by "
                      "the safety net, not vanished clients" % fmt.grouped(result["lost_total"]))
    else:
        detail.append("no client lost a connection: the peers were gone (a client destroyed, a link down), what "
                      "the keepalive is there for")
    schedule = result["heartbeat"].get("schedule") or {}
    late, missed = schedule.get("late") or 0, schedule.get("missed") or 0
    if late or missed:
        detail.append("the clients were behind their heartbeat schedule (%s late, %s missed): their connections "
                      "sat idle longer than the heartbeat" % (fmt.grouped(late), fmt.grouped(missed)))
    detail += doctor_evidence(doctor, failures.DOCTOR_CHECKS.get("reaped", ()))
    return {"kind": "reaped", "count": reaped, "hosts": [run.server.name] if run.server else [],
            "title": entry.errno_name, "meaning": entry.meaning, "fix": entry.fix, "detail": detail}
