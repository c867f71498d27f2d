"""The settings in force on each host, held against what the target needs there.

Status per setting: "short" (the target cannot be reached with it), "tight" (reachable, but this is
where the run slows down or the next step up breaks), "ok", or "n/a" (not collected / not relevant).
"""

from c1mlab import capacity, notation

from .parsers import PAGE_SIZE

SYN_BACKLOG_ADVICE = 4096  # thousands of connects in flight from the clients at once


# What each checked setting is for, one line each (the page's "why it matters" column).
SETTING_WHY = {
    "open files (LimitNOFILE / ulimit -n)": "each connection is a file descriptor; short -> EMFILE",
    "fs.nr_open": "ceiling for any process's open-files limit",
    "fs.file-max": "open files on the whole host; short -> ENFILE",
    "fs.epoll.max_user_watches": "one epoll registration per connection; short -> epoll_ctl fails",
    "net.ipv4.ip_local_port_range": "local ports per (source IP, server IP, server port); plan on half; short -> EADDRNOTAVAIL",
    "net.core.somaxconn": "caps the listen backlog; short -> refused or timed-out connects at high rates",
    "net.ipv4.tcp_max_syn_backlog": "half-open connections queued per listener",
    "net.netfilter.nf_conntrack_max": "one entry per tracked connection; full -> connects silently dropped (ETIMEDOUT)",
    "net.ipv4.tcp_mem": "TCP buffer memory in pages (min pressure max); at max sockets are dropped",
    "memory available at peak": "RAM left for the kernel and the JVM; short -> ENOBUFS, OOM",
}


def _int(value):
    try:
        return int(str(value).split()[0])
    except (TypeError, ValueError, IndexError):
        return None


def _numbers(value):
    try:
        return [int(part) for part in str(value).split()]
    except (TypeError, ValueError):
        return []


def _check(setting, value, needed, status, why):
    return {"setting": setting, "value": value, "needed": needed, "status": status, "why": why}


def _at_least(setting, value, needed, why, advisory=False):
    """advisory: falling below `needed` slows a run down rather than capping it, so it is only tight."""
    number = _int(value) if value != "unlimited" else float("inf")
    if value is None or number is None:
        return _check(setting, value, needed, "n/a", "not collected on this host")
    if number < needed:
        return _check(setting, value, needed, "tight" if advisory else "short", why)
    return _check(setting, value, needed, "ok", why)


def port_capacity(host, run_ports, needed=0):
    """The 5-tuple of a client (c1mlab.capacity.five_tuple): its port range x source addresses x server
    ports, with the connections it can open before connect() slows (practical) and before EADDRNOTAVAIL."""
    low_high = _numbers(host.sysctl.get("net.ipv4.ip_local_port_range"))
    if len(low_high) != 2 or low_high[1] < low_high[0]:
        return None
    local_ports = low_high[1] - low_high[0] + 1
    sources = notation.lenient(notation.source_count, (host.summary or {}).get("source_ips"), 1)
    server_ports = len(run_ports) or len((host.summary or {}).get("ports") or []) or 1
    tuple_ = capacity.five_tuple(local_ports, server_ports, sources, needed)
    return {"local_ports": local_ports, "source_ips": sources, "server_ports": server_ports,
            "theoretical": tuple_["wall_capacity"], "practical": tuple_["slow_capacity"], "status": tuple_["status"]}


def connections_needed(host, settings):
    """How many connections this host must hold for the run's target."""
    if host.role == "server":
        return settings.get("target_connections") or (host.summary or {}).get("peak_open") or 0
    for client in settings.get("clients", []):
        if client["host"] == host.name and client["share"]:
            return client["share"]
    return (host.summary or {}).get("target") or 0


def host_checks(host, settings):
    needed = connections_needed(host, settings)
    files_needed = capacity.descriptors_needed(needed)
    sysctl = host.sysctl
    checks = []

    nofile = host.limits.get("nofile_soft") if host.limits else None
    if nofile is None and host.summary:
        nofile = host.summary.get("nofile_soft")
    checks.append(_at_least("open files (LimitNOFILE / ulimit -n)", nofile, files_needed,
                            "each connection is a file descriptor; short -> EMFILE"))
    checks.append(_at_least("fs.nr_open", sysctl.get("fs.nr_open"), files_needed,
                            "ceiling for any process's open-files limit"))
    checks.append(_at_least("fs.file-max", sysctl.get("fs.file-max"), files_needed,
                            "open files on the whole host; short -> ENFILE"))
    checks.append(_at_least("fs.epoll.max_user_watches", sysctl.get("fs.epoll.max_user_watches"), needed,
                            "one epoll registration per connection; short -> epoll_ctl fails (ENOSPC)"))

    if host.role == "client":
        ports = port_capacity(host, settings.get("ports_list") or [], needed)
        value = sysctl.get("net.ipv4.ip_local_port_range")
        if ports is None:
            checks.append(_check("net.ipv4.ip_local_port_range", value, needed, "n/a", "not collected"))
        else:
            why = ("%d local ports x %d source IP(s) x %d server port(s) = %d connections, about %d in practice "
                   "(half: connect() crawls beyond that); short -> EADDRNOTAVAIL"
                   % (ports["local_ports"], ports["source_ips"], ports["server_ports"],
                      ports["theoretical"], ports["practical"]))
            # Past the practical half the ramp crawls and then fails, so that already falls short.
            status = {"wall": "short", "slow": "short"}.get(ports["status"], ports["status"])
            checks.append(_check("net.ipv4.ip_local_port_range", value, needed, status, why))
    else:
        checks.append(_at_least("net.core.somaxconn", sysctl.get("net.core.somaxconn"), SYN_BACKLOG_ADVICE,
                                "caps the listen backlog; short -> refused or timed-out connects at high rates",
                                advisory=True))
        checks.append(_at_least("net.ipv4.tcp_max_syn_backlog", sysctl.get("net.ipv4.tcp_max_syn_backlog"),
                                SYN_BACKLOG_ADVICE, "half-open connections queued per listener", advisory=True))

    conntrack_max = sysctl.get("net.netfilter.nf_conntrack_max")
    if host.conntrack or conntrack_max is not None:
        limit = (host.conntrack or {}).get("max") or _int(conntrack_max)
        # One entry a connection; past the tight share of the table the next step up fills it.
        why = "every tracked connection takes an entry; full -> new connects silently dropped (ETIMEDOUT)"
        if limit is None:
            check = _check("net.netfilter.nf_conntrack_max", limit, needed, "n/a", "not collected on this host")
        else:
            check = _check("net.netfilter.nf_conntrack_max", limit, needed, capacity.share_status(needed, limit), why)
        buckets = (host.conntrack or {}).get("buckets") or _int(sysctl.get("net.netfilter.nf_conntrack_buckets"))
        if check["status"] == "ok" and buckets and limit and limit / buckets > 8:
            check["status"] = "tight"
            check["why"] += "; %d entries per hash bucket: raise the hash size too" % (limit // buckets)
        checks.append(check)
    else:
        checks.append(_check("net.netfilter.nf_conntrack_max", None, None, "n/a",
                             "conntrack not loaded on this host: nothing to fill"))

    tcp_mem = _numbers(sysctl.get("net.ipv4.tcp_mem"))
    tcp_pages = (host.sockstat.get("TCP") or {}).get("mem") if host.sockstat else None
    if len(tcp_mem) == 3 and tcp_pages is not None:
        status = "short" if tcp_pages >= tcp_mem[2] else "tight" if tcp_pages >= tcp_mem[1] else "ok"
        checks.append(_check("net.ipv4.tcp_mem", sysctl.get("net.ipv4.tcp_mem"), "> %d pages in use" % tcp_pages,
                             status, "TCP buffer memory in pages (min pressure max); at peak %d pages were in use "
                             "(%d MiB); at max the kernel drops and resets sockets"
                             % (tcp_pages, tcp_pages * PAGE_SIZE // 2 ** 20)))
    else:
        checks.append(_check("net.ipv4.tcp_mem", sysctl.get("net.ipv4.tcp_mem"), None, "n/a",
                             "sockstat.txt or the sysctl missing: usage unknown"))

    total, available = host.meminfo.get("MemTotal"), host.meminfo.get("MemAvailable")
    if total and available is not None:
        share = available / total
        status = "short" if share < 0.05 else "tight" if share < 0.15 else "ok"
        checks.append(_check("memory available at peak", "%d MiB of %d MiB" % (available // 2 ** 20, total // 2 ** 20),
                             ">= 15% free", status, "RAM left for the kernel and the JVM; short -> ENOBUFS, OOM"))
    else:
        checks.append(_check("memory available at peak", None, None, "n/a", "meminfo.txt missing"))
    return {"host": host.name, "role": host.role, "connections_needed": needed, "checks": checks}


def all_checks(run):
    return [host_checks(host, run.settings) for host in run.hosts]
