"""summary.json's cost: what a connection costs the process (RSS, heap) and the kernel (slab objects, TCP
buffers) on each host at peak, and how full conntrack got.
"""

from c1mlab import capacity
from c1mlab.figures import add

from .parsers import PAGE_SIZE

# A peak snapshot that sees fewer sockets than this share of the peak's connections was taken after they closed.
SNAPSHOT_MISSED_FRACTION = 0.5

# One object in each of these slab caches a connection (socket, inode, file, dentry, epoll item).
CONNECTION_SLAB_CACHES = ("TCP", "TCPv6", "sock_inode_cache", "filp", "dentry", "eventpoll_epi", "eventpoll_pwq")


def ratio(numerator, denominator):
    """numerator / denominator rounded to a whole number; None when either is unknown or zero."""
    if numerator is None or not denominator:
        return None
    return int(round(numerator / denominator))


def _tcp_sockets(host):
    sockstat = host.sockstat or {}
    inuse = [(sockstat.get(k) or {}).get("inuse") for k in ("TCP", "TCP6")]
    return add(inuse)


def kernel_cost(host, connections):
    """Kernel memory for this host's connections at peak: slab objects plus TCP buffers.

    Each connection holds one object in each cache of CONNECTION_SLAB_CACHES (socket, inode, file,
    dentry, epoll item); objects beyond the socket count belong to the rest of the system and are
    not charged to connections.
    """
    seen = _tcp_sockets(host)
    sockets = seen or connections
    if seen is not None and connections and seen < connections * SNAPSHOT_MISSED_FRACTION:
        # The snapshot came after the connections closed (a hold shorter than the progress reads): its slab and
        # buffer figures are not the connections', and a per-connection figure from them would be made up.
        return {"kernel_bytes": None, "kernel_bytes_per_connection": None,
                "kernel_source": "n/a: the snapshot saw %d TCP sockets, the peak was %d connections: it was taken "
                                 "after they closed (a hold longer than the progress reads catches them)"
                                 % (seen, connections)}
    tcp_pages = ((host.sockstat or {}).get("TCP") or {}).get("mem")
    buffers = tcp_pages * PAGE_SIZE if tcp_pages is not None else None
    if not sockets:
        return {"kernel_bytes": None, "kernel_bytes_per_connection": None, "kernel_source": None}
    slab = None
    if host.slab:
        # A socket is in the TCP or the TCPv6 cache by its family, and sockstat counts each family apart. In a
        # container the caches are the whole host's (the clients' sockets too), so each family's cache counts
        # at most this host's sockets of that family: else an IPv4 server beside IPv6 (Java) clients would be
        # charged a TCPv6 object it does not have.
        sockstat = host.sockstat or {}
        family = {"TCP": (sockstat.get("TCP") or {}).get("inuse"), "TCPv6": (sockstat.get("TCP6") or {}).get("inuse")}
        slab = sum(info["objsize"] * min(info["active_objs"], sockets if family.get(name) is None else family[name])
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
    return {"kernel_bytes": total, "kernel_bytes_per_connection": ratio(total, sockets),
            "kernel_tcp_buffer_bytes": buffers, "kernel_sockets": sockets, "kernel_source": source}


def process_cost(host, held=None):
    """RSS and heap at peak, and their growth per connection (slope from the quietest row to the peak).
    held: the connections the clients held at their peak, the server's count when it says none itself."""
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
            cost["process_bytes_per_connection"] = ratio(cost["rss_bytes_at_peak"] - base_row["rss_bytes"], grown)
        if grown > 0 and base_row.get("heap_used_bytes") is not None and cost["heap_used_bytes_at_peak"] is not None:
            cost["heap_bytes_per_connection"] = ratio(
                cost["heap_used_bytes_at_peak"] - base_row["heap_used_bytes"], grown)
    cost.setdefault("process_bytes_per_connection", None)
    cost.setdefault("heap_bytes_per_connection", None)
    cost["rss_source"] = "the process's own summary and timeline" if cost["rss_bytes_at_peak"] is not None else None
    outside = (host.process or {}).get("rss_bytes")
    if cost["rss_bytes_at_peak"] is None and outside is not None:
        # A server that writes no summary (your own: c1m_server_impl=command): its RSS at the peak snapshot,
        # read from /proc by c1m-host, over the TCP sockets the kernel held then. An average with the
        # process's own base in it, not a slope: said so beside the figure.
        cost["rss_bytes_at_peak"] = outside
        cost["rss_source"] = "VmRSS at the peak snapshot (process.txt), seen from outside"
        sockets = _tcp_sockets(host)
        cost["peak_open"] = cost["peak_open"] or held or sockets
        if sockets and not (held and sockets < held * SNAPSHOT_MISSED_FRACTION):
            cost["process_bytes_per_connection_average"] = ratio(outside, sockets)
        else:
            cost["rss_source"] += ("; per connection n/a: the snapshot saw %s TCP sockets, the clients held %s: it "
                                   "was taken after they closed" % (sockets, held))
    return cost


def cost_notes(cost):
    """What a host's cost row could not measure, or measured another way, in words."""
    notes = []
    if cost.get("heap_na"):
        notes.append("heap n/a: %s" % cost["heap_na"])
    if str(cost.get("kernel_source") or "").startswith("n/a: "):
        notes.append("kernel per connection %s" % cost["kernel_source"])
    if cost.get("rss_source") and cost["rss_source"] != "the process's own summary and timeline":
        notes.append("RSS: %s" % cost["rss_source"] + ("; per connection it is an average over the sockets the kernel "
                     "held, the process's own base included" if cost.get("process_bytes_per_connection_average")
                     is not None else ""))
    return notes


def server_impl(run):
    """What ran as the server: run.json's server.impl, else the server summary's own `impl`, else netty (every
    run recorded before servers could be chosen)."""
    server = run.settings.get("server") if isinstance(run.settings.get("server"), dict) else {}
    summary = (run.server.summary if run.server else None) or {}
    return str(server.get("impl") or summary.get("impl") or "netty")


def cost_section(run):
    hosts = {}
    peaks = [(c.summary or {}).get("peak_open") for c in run.clients]
    held = sum(peaks) if peaks and all(isinstance(p, int) for p in peaks) else None
    for host in run.hosts:
        cost = {"role": host.role, "impl": None, "heap_na": None, "process_bytes_per_connection_average": None}
        cost.update(process_cost(host, held if host is run.server else None))
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
            entry["full"] = capacity.conntrack_full(entry["count"], entry["max"] or 0)  # rules.properties
            conntrack[host.name] = entry
        elif "conntrack" in host.has:
            conntrack[host.name] = None  # "unavailable": conntrack not loaded there
    if run.server and run.server.name in hosts:
        impl = server_impl(run)
        hosts[run.server.name].update(impl=impl, heap_na=None if impl == "netty" else "the server is %s: no JVM heap" % impl)
    for cost in hosts.values():
        cost["notes"] = cost_notes(cost)
    server = hosts.get(run.server.name) if run.server else None
    address = (run.settings.get("server") or {}).get("address") if isinstance(run.settings.get("server"), dict) else None
    outside = ("the external server at %s is outside the lab: its RSS, heap, kernel memory and conntrack are not "
               "measured" % (address or "an address run.json does not give")) if server_impl(run) == "external" else None
    return {"server": dict(server, host=run.server.name) if server else None, "server_not_measured": outside,
            "hosts": hosts, "conntrack": conntrack}
