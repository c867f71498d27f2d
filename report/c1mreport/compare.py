"""`compare`: two or more runs side by side: settings that differ, headline numbers and their change.

The first run is the baseline; each other run's numbers show their change against it, marked better
or worse where the direction is clear (more connections, less time, memory, latency, failures).
"""

import fnmatch
import os

from . import formatting as fmt
from .cost import server_impl
from .headline import ROWS, verdict
from .render import jinja_environment, md_table
from .rundir import load_run
from .summarize import build_summary

# Counters and per-boot secrets that differ between any two runs without being settings.
NOISY_SYSCTLS = ["fs.dentry-state", "fs.file-nr", "fs.inode-nr", "fs.inode-state", "fs.aio-nr", "fs.quota.*",
                 "fs.binfmt_misc.*", "net.netfilter.nf_conntrack_count", "net.ipv4.tcp_fastopen_key",
                 "net.core.netdev_rss_key", "net.ipv6.conf.*.stable_secret", "*random*", "*.boot_id"]
HOST_FACTS = ["memory_mb", "cpus", "kernel", "distribution", "virtualization"]


def _noisy(key):
    return any(fnmatch.fnmatch(key, pattern) for pattern in NOISY_SYSCTLS)


def _role_values(hosts, read):
    """One value for a role: the common value, or each host's value joined with ' / '."""
    values = [read(h) for h in hosts]
    values = ["–" if v is None else str(v) for v in values]
    if not values:
        return None
    return values[0] if len(set(values)) == 1 else " / ".join(values)


def flatten_settings(run, summary):
    """{"setting name": "value"} for everything that can change between runs."""
    settings = {}
    s = run.settings
    for key in ("target_connections", "ports", "connect_rate", "hold", "heartbeat", "scenario"):
        settings["run: " + key] = str(s.get(key))
    settings["run: server impl"] = server_impl(run)
    settings["run: protocol"] = str(s.get("protocol") or "raw")
    settings["run: client count"] = str(len(run.clients))
    settings["run: client shares"] = ", ".join(str(c["share"]) for c in s.get("clients") or [])
    for role, hosts in (("server", [run.server] if run.server else []), ("clients", run.clients)):
        if not hosts:
            continue
        reads = {
            "java": lambda h: ((h.summary or {}).get("jvm") or {}).get("version"),
            "jvm args": lambda h: " ".join(((h.summary or {}).get("jvm") or {}).get("args") or []) or None,
            "gc": lambda h: ((h.summary or {}).get("jvm") or {}).get("gc"),
            "netty": lambda h: (h.summary or {}).get("netty_version"),
            "transport": lambda h: (h.summary or {}).get("transport"),
            "protocol": lambda h: (h.summary or {}).get("protocol"),
            "open files (soft)": lambda h: (h.limits or {}).get("nofile_soft"),
            "source ips": lambda h: ",".join((h.summary or {}).get("source_ips") or []) or None,
        }
        for fact in HOST_FACTS:
            reads[fact] = (lambda f: lambda h: h.facts.get(f))(fact)
        for name, read in reads.items():
            settings["%s: %s" % (role, name)] = _role_values(hosts, read)
        keys = sorted({k for h in hosts for k in h.sysctl if not _noisy(k)})
        for key in keys:
            settings["%s: %s" % (role, key)] = _role_values(hosts, lambda h, k=key: h.sysctl.get(k))
    return settings


def host_differences(runs):
    """What differs about the machines between runs (names, memory, CPUs, kernel, ...)."""
    lines = []
    for role in ("server", "clients"):
        signatures = []
        for run in runs:
            hosts = ([run.server] if run.server else []) if role == "server" else run.clients
            signatures.append(["%s (%s MB, %s CPUs, %s, %s)" % (h.name, h.facts.get("memory_mb", "?"),
                                                               h.facts.get("cpus", "?"), h.facts.get("kernel", "?"),
                                                               h.facts.get("virtualization", "?")) for h in hosts])
        if any(sig != signatures[0] for sig in signatures[1:]):
            for run, sig in zip(runs, signatures):
                lines.append("%s %s: %s" % (run.run_id, role, "; ".join(sig) or "none"))
    return lines


def _judge(better, old, new):
    if better is None or not isinstance(old, (int, float)) or not isinstance(new, (int, float)) or old == new:
        return ""
    improved = (new > old) if better == "higher" else (new < old)
    return "better" if improved else "worse"


def compare_runs(folders):
    runs, summaries = [], []
    for folder in folders:
        run = load_run(folder)
        summary, _ = build_summary(run)
        runs.append(run)
        summaries.append(summary)
    ids = [r.run_id for r in runs]
    if len(set(ids)) < len(ids):  # the same run twice, or two copies: keep columns apart
        ids = ["%s (%s)" % (i, os.path.normpath(f)) for i, f in zip(ids, folders)]

    flat = [flatten_settings(r, s) for r, s in zip(runs, summaries)]
    names = []
    for settings in flat:
        names += [n for n in settings if n not in names]
    differing = [(n, [f.get(n, "–") or "–" for f in flat]) for n in names
                 if len({f.get(n) for f in flat}) > 1]

    metrics = []
    for key, label, read, formatter, better in ROWS:
        values = [read(s) for s in summaries]
        if all(v is None for v in values):
            continue
        cells = []
        for i, value in enumerate(values):
            text = formatter(value)
            if i and key != "reached":
                change = fmt.change(values[0], value)
                judgement = _judge(better, values[0], value)
                if change and change != "=":
                    text += " (%s%s)" % (change, ", " + judgement if judgement else "")
            cells.append(text)
        metrics.append({"key": key, "label": label, "cells": cells, "values": values})
    targets = {s["result"]["target"] for s in summaries}
    caveats = []
    if len(targets) > 1:
        caveats.append("The targets differ (%s): totals such as RSS or time scale with the target; compare the "
                       "per-connection figures and rates instead." % ", ".join(fmt.count(t) for t in
                                                                              sorted(t for t in targets if t)))
    return {"run_ids": ids, "folders": list(folders), "verdicts": [verdict(s) for s in summaries],
            "caveats": caveats,
            "hosts_differ": host_differences(runs), "settings_differ": differing, "metrics": metrics}


def _text_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def render_text(comparison):
    out = ["Comparing %d runs (baseline: %s)" % (len(comparison["run_ids"]), comparison["run_ids"][0]), ""]
    out.append(_text_table(["run", "verdict"], [[i, "%s: %s" % v] for i, v in zip(comparison["run_ids"],
                                                                                    comparison["verdicts"])]))
    out.append("")
    if comparison["hosts_differ"]:
        out.append("These runs were made on different hosts, so part of any difference is the machines:")
        out += ["  " + line for line in comparison["hosts_differ"]]
    else:
        out.append("Same hosts in every run (names, memory, CPUs, kernel, virtualization).")
    out += comparison["caveats"]
    out += ["", "Headline"]
    out.append(_text_table(["metric"] + comparison["run_ids"],
                           [[m["label"]] + m["cells"] for m in comparison["metrics"]]))
    out += ["", "Settings that differ"]
    if comparison["settings_differ"]:
        out.append(_text_table(["setting"] + comparison["run_ids"],
                               [[n] + v for n, v in comparison["settings_differ"]]))
    else:
        out.append("  none: every setting collected is the same in all runs")
    return "\n".join(out) + "\n"


def render_markdown(comparison):
    ids = comparison["run_ids"]
    out = ["# c1m runs compared", "", "Baseline: `%s`." % ids[0], ""]
    out.append(md_table(["run", "verdict"], [["`%s`" % i, "%s: %s" % v] for i, v in zip(ids, comparison["verdicts"])]))
    out.append("")
    if comparison["hosts_differ"]:
        out.append("**These runs were made on different hosts**, so part of any difference is the machines:")
        out += ["- %s" % line for line in comparison["hosts_differ"]]
        out.append("")
    out += ["%s" % c for c in comparison["caveats"]] + ([""] if comparison["caveats"] else [])
    out += ["## Headline", "", md_table(["metric"] + ids, [[m["label"]] + m["cells"] for m in comparison["metrics"]]),
            "", "## Settings that differ", ""]
    out.append(md_table(["setting"] + ids, [[n] + v for n, v in comparison["settings_differ"]])
               if comparison["settings_differ"] else "None: every setting collected is the same in all runs.")
    return "\n".join(out) + "\n"


def render_html(comparison):
    """The comparison as one HTML page (templates/compare.html.j2)."""
    ids = comparison["run_ids"]
    return jinja_environment().get_template("compare.html.j2").render(
        c=comparison, verdict_rows=[[i, "%s: %s" % v] for i, v in zip(ids, comparison["verdicts"])],
        metric_rows=[[m["label"]] + m["cells"] for m in comparison["metrics"]],
        setting_rows=[[n] + v for n, v in comparison["settings_differ"]])
