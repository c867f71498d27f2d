"""What each connect failure kind means and how to fix it.

One table for everything that explains failures (the HTML and Markdown reports, the comparison,
and anyone else who imports it). Kinds are the ones the client jar counts (docs/interfaces.md).
"""

from collections import namedtuple

FailureKind = namedtuple("FailureKind", "kind errno_name meaning fix")

FAILURE_KINDS = [
    FailureKind(
        "EMFILE", "Too many open files (per process)",
        "The process hit its open-files limit: every connection is a file descriptor.",
        "Raise the process's open-files limit: LimitNOFILE= in the systemd unit or `ulimit -n` "
        "(soft and hard), and fs.nr_open above it (the ceiling for any process's limit)."),
    FailureKind(
        "ENFILE", "Too many open files in system",
        "The whole host hit its open-files limit (all processes together).",
        "Raise fs.file-max (sysctl -w fs.file-max=N, persist in /etc/sysctl.d/) above the target plus "
        "what the rest of the host uses (see fs.file-nr)."),
    FailureKind(
        "EADDRNOTAVAIL", "Cannot assign requested address",
        "The client ran out of ephemeral ports for this destination: each (source IP, server IP, "
        "server port) can carry at most one connection per local port.",
        "Widen net.ipv4.ip_local_port_range (e.g. 1024 65535), add source addresses (--source-ips) or "
        "server ports (--ports). Plan for about HALF the port range per (source IP, server IP, server "
        "port) on Linux 6.x: beyond that connect() searches for a free port so long it slows to a crawl."),
    FailureKind(
        "ECONNREFUSED", "Connection refused",
        "Nothing accepted the connection: the server was not listening on that port, had died, or its "
        "accept backlog overflowed.",
        "Check the server is up and listening on every port in --ports (server.log); raise "
        "net.core.somaxconn and net.ipv4.tcp_max_syn_backlog; lower the client --rate or --max-inflight."),
    FailureKind(
        "ETIMEDOUT", "Connection timed out",
        "The SYN got no answer within --connect-timeout. If conntrack count sits at its max, the "
        "connection-tracking table is full and the kernel silently drops new connections.",
        "If conntrack is at its max: raise net.netfilter.nf_conntrack_max and the hash size "
        "(/sys/module/nf_conntrack/parameters/hashsize), or stop tracking the test traffic (NOTRACK). "
        "Otherwise: the server's SYN backlog (tcp_max_syn_backlog, somaxconn), a firewall, or a "
        "saturated server; lower --rate."),
    FailureKind(
        "ECONNRESET", "Connection reset by peer",
        "The server (or a middlebox) reset the connection: an overloaded server, a full accept queue "
        "with tcp_abort_on_overflow, or a NAT/firewall dropping state.",
        "Look at server.log and its CPU/memory at the time; raise somaxconn; check NAT/firewall state "
        "tables between the hosts; lower --rate."),
    FailureKind(
        "ENOBUFS", "No buffer space available (also ENOMEM)",
        "The kernel could not allocate memory for the socket: TCP memory (net.ipv4.tcp_mem) or the "
        "host's RAM ran out.",
        "Raise net.ipv4.tcp_mem (in pages), shrink per-socket buffers (net.ipv4.tcp_rmem/tcp_wmem), or "
        "give the host more RAM; check meminfo.txt and sockstat.txt at peak."),
    FailureKind(
        "OTHER", "Any other error",
        "A failure the client could not classify.",
        "Read the client's log for the exception and its message."),
]

BY_KIND = {entry.kind: entry for entry in FAILURE_KINDS}

# The doctor's checks (docs/doctor.md) that look at the limit behind each kind: their findings before
# the run are the evidence the report puts beside a failure.
DOCTOR_CHECKS = {
    "EMFILE": ("open files (hard)", "open files (soft)", "open files ceiling", "fs.nr_open"),
    "ENFILE": ("fs.file-max",),
    "EADDRNOTAVAIL": ("5-tuple",),
    "ECONNREFUSED": ("listen ports", "somaxconn", "tcp_max_syn_backlog"),
    "ETIMEDOUT": ("nf_conntrack_max", "nf_conntrack hashsize", "somaxconn", "tcp_max_syn_backlog"),
    "ECONNRESET": ("somaxconn", "memory"),
    "ENOBUFS": ("tcp_mem", "memory"),
    "OTHER": ("epoll max_user_watches",),
    "lost": ("tcp_mem", "memory", "heap"),
    "dead": ("tcp_mem", "memory", "heap", "epoll max_user_watches"),
}
KIND_ORDER = [entry.kind for entry in FAILURE_KINDS]

# Explanations for the other ways a run loses connections (not connect failures).
LOST = FailureKind(
    "lost", "Closed by the peer while held",
    "An established connection was closed by the other side during the hold.",
    "Read server.log at that time: the server restarted, hit TCP memory pressure ('TCP: out of "
    "memory'), or a NAT/conntrack entry expired (net.netfilter.nf_conntrack_tcp_timeout_established).")
DEAD = FailureKind(
    "dead", "Heartbeat unanswered for 3 intervals",
    "The connection looks open but the echo stopped: the server is stalled or the path drops packets.",
    "Check the server's CPU, GC pauses and memory at the time (server.log, meminfo.txt) and "
    "conntrack on the hosts in between.")


# What an OTHER failure whose message says ENOSPC is: epoll registrations ran out (docs/doctor.md).
EPOLL_ENOSPC = ("epoll_ctl failed with ENOSPC ('No space left on device'): the user's epoll watches "
                "(fs.epoll.max_user_watches) ran out - not the disk, and not the memory the second seed blamed "
                "at 620k. Fix: sysctl -w fs.epoll.max_user_watches=<above every socket the user watches>.")


def describe(kind):
    """The table entry for a kind; unknown kinds read as OTHER rather than failing the report."""
    return BY_KIND.get(kind, BY_KIND["OTHER"])


def sort_kinds(kinds):
    """Known kinds in table order, then any unknown ones alphabetically."""
    known = [k for k in KIND_ORDER if k in kinds]
    return known + sorted(k for k in kinds if k not in BY_KIND)
