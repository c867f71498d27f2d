"""Each failure kind of a run explained with this run's evidence: the 5-tuple behind EADDRNOTAVAIL,
LimitNOFILE behind EMFILE, a full conntrack table behind ETIMEDOUT, the first log line of each kind.
"""

from . import capacity, notation
from .failures import TEXTS, sort_kinds
from .summaries import number

# Each failure kind the client counts: (the error people see, what it means, the fix in this lab's terms).
HELP = {kind: (texts["title"], texts["meaning"], texts["fix.lab"]) for kind, texts in TEXTS.items() if kind.isupper()}
CONNTRACK_FULL = (TEXTS["conntrack-full"]["meaning"], TEXTS["conntrack-full"]["fix.lab"])
EPOLL_FULL = (TEXTS["epoll-enospc"]["meaning"], TEXTS["epoll-enospc"]["fix.lab"])


def fmt(number_):
    return "{:,}".format(number_) if isinstance(number_, int) else str(number_)


def explained(kind, progress=None, shares=None, port_count=None, sources=None):
    """One failure kind as {kind, title, meaning, fix, evidence[]}, with this run's evidence.

    progress: a c1m_progress record (port ranges, conntrack counts, LimitNOFILE); shares: {client:
    share}; port_count: the number of server ports; sources: {client: its source addresses (notation)},
    absent or empty for the kernel's choice (one address).
    """
    title, meaning, fix = HELP.get(kind, HELP["OTHER"])
    progress = progress or {}
    entry = (progress.get("kinds") or {}).get(kind) or {}
    hosts = entry.get("hosts") or []
    evidence = []
    if kind == "ETIMEDOUT" and progress.get("conntrack_full"):
        meaning, fix = CONNTRACK_FULL
        for host in progress["conntrack_full"]:
            ct = progress["conntrack"][host]
            evidence.append("conntrack on %s at its max: %s of %s" % (host, fmt(ct["count"]), fmt(ct["max"])))
    elif kind == "OTHER" and "no space left on device" in first_message(entry.get("first")).lower():
        meaning, fix = EPOLL_FULL
    elif kind == "EADDRNOTAVAIL":
        for host in hosts:
            port_range = ((progress.get("hosts") or {}).get(host) or {}).get("port_range")
            share = number((shares or {}).get(host))
            if port_range and port_count:
                evidence.append(five_tuple_line(host, port_range, share, int(port_count),
                                                 notation.lenient(notation.source_count, (sources or {}).get(host), 1)))
    elif kind == "EMFILE":
        for host in hosts:
            limit = ((progress.get("hosts") or {}).get(host) or {}).get("limit_nofile")
            if limit:
                evidence.append("%s: LimitNOFILE %s, share %s" % (
                    host, limit, fmt(number((shares or {}).get(host))) if shares else "?"))
    evidence = group_hosts(evidence)
    if entry.get("first"):
        first = first_seen(entry["first"])
        evidence.append("first seen: " + (first[:400] + "..." if len(first) > 400 else first))
    return {"kind": kind, "title": title, "meaning": meaning, "fix": fix, "hosts": hosts,
            "attempts": entry.get("attempts", 0), "for_good": entry.get("for_good", 0), "evidence": evidence}


def first_message(first):
    """The error of a kind's first failure ({to, message}, as the client's summary says it), '' when none."""
    return str((first or {}).get("message") or "") if isinstance(first, dict) else ""


def first_seen(first):
    """A kind's first failure in words, from its data: 'connecting to 10.0.0.1:9000: Too many open files'."""
    return "connecting to %s: %s" % (first.get("to") or "?", first_message(first)) if isinstance(first, dict) else ""


def five_tuple_line(host, port_range, share, port_count, source_count):
    """The client's 5-tuple (capacity.five_tuple): its range, the usable part and what its share asks of each.
    Facts, not a verdict (the doctor's 5-tuple row is that); the report's EADDRNOTAVAIL finding says the same."""
    size = notation.port_range_size(port_range)
    tuple_ = capacity.five_tuple(size, port_count, source_count, share)
    spread = "%s port(s)" % port_count + (" and %s source addresses" % source_count if source_count > 1 else "")
    return "%s: ip_local_port_range %s = %s ports, about %s usable per (source, server, port); %s" % (
        host, port_range, fmt(size), fmt(tuple_["slow_at"]),
        ("its share of %s over %s puts %s on each" % (fmt(share), spread, fmt(tuple_["per_combination"])))
        if share else "share unknown")


def group_hosts(lines):
    """'a: X', 'b: X' -> 'a, b: X' (the same evidence on several hosts, said once), order kept."""
    grouped = []
    for line in lines:
        host, sep, rest = line.partition(": ")
        match = next((g for g in grouped if sep and g[1] == rest), None)
        if match and " " not in host:
            match[0].append(host)
        else:
            grouped.append(([host] if sep and " " not in host else [line], rest if sep and " " not in host else None))
    return [(", ".join(hosts) + ": " + rest) if rest is not None else hosts[0] for hosts, rest in grouped]


def failures_seen(figures, progress=None, shares=None, port_count=None, sources=None):
    """Every failure kind of a finished run, explained: the fetched summaries' counts (failed for good
    and every attempt), the last progress read's kinds (the log's first failures) and evidence."""
    figures = figures or {}
    progress = progress or {}
    for_good = figures.get("failures_by_kind") or {}
    attempts = figures.get("connect_errors_by_kind") or {}
    kinds = set(for_good) | set(attempts) | set(progress.get("kinds") or {})
    seen = []
    for kind in sort_kinds(kinds):
        entry = explained(kind, progress, shares, port_count, sources)
        entry["for_good"] = max(number(for_good.get(kind)), entry["for_good"])
        entry["attempts"] = max(number(attempts.get(kind)), entry["attempts"], entry["for_good"])
        seen.append(entry)
    return seen

