"""The run's settings (the c1m_* values a user may set: ansible/group_vars/all.yml), checked before
anything starts: one line a bad value, naming it, what is wrong and the fix. The playbook refuses a run
with any (tasks/settings.yml, filter c1m_setting_problems); the jars check their own options the same way.
"""

import ipaddress
import re
import signal

from . import capacity, notation
from .rules import RULES

# The signals `c1m-host restart` may send (the restart scenario), by name as `kill -s` takes them: those whose
# default action ends a process (signal(7): Term or Core). STOP, TSTP, TTIN and TTOU only pause it and CONT,
# CHLD, URG and WINCH are ignored, so a "restart" with them would never restart anything.
ENDING = ("ABRT", "ALRM", "BUS", "FPE", "HUP", "ILL", "INT", "IO", "KILL", "PIPE", "PROF", "PWR", "QUIT", "SEGV",
          "STKFLT", "SYS", "TERM", "TRAP", "USR1", "USR2", "VTALRM", "XCPU", "XFSZ")
SIGNALS = tuple(sorted(member.name[3:] for member in signal.Signals if member.name[3:] in ENDING))
KNOWN_SIGNALS = tuple(member.name[3:] for member in signal.Signals if member.name.startswith("SIG"))
# A run id names a folder under reports/: a plain name, never a path (matched whole: `$` would let "abc\n" by).
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
# The jars read counts and rates as Java ints, and the kernel's nf_conntrack_max is a C int: at most 2^31-1.
MAX_INT = 2 ** 31 - 1
# Ansible's own words for true and false (its bool filter).
BOOLEANS = ("true", "false", "yes", "no", "on", "off", "1", "0")


def _count(value, least):
    number = notation.count(value)
    if number < least:
        raise notation.NotationError("%r is less than %d" % (value, least))


def _whole(least, most=None, holder=None):
    """A whole number from least to most (most: what holder keeps it in, said when it is more)."""
    def check(value):
        if isinstance(value, bool) or not re.fullmatch(r"-?[0-9]+", str(value).strip()):
            raise notation.NotationError("%r is not a whole number" % (value,))
        if int(str(value).strip()) < least:
            raise notation.NotationError("%r is less than %d" % (value, least))
        if most is not None and int(str(value).strip()) > most:
            raise notation.NotationError("%r is more than %d, the most %s" % (value, most, holder))
    return check


def _duration(least_ms, off_allowed=False):
    def check(value):
        millis = notation.duration_ms(value)
        if off_allowed and millis == 0:
            return
        if millis < least_ms:
            raise notation.NotationError("%r is shorter than %dms%s" % (value, least_ms, " (0 is off)" if off_allowed else ""))
    return check


def _choice(choices):
    def check(value):
        if str(value) not in choices:
            raise notation.NotationError("%r is not one of %s" % (value, ", ".join(choices)))
    return check


def _boolean(value):
    if not isinstance(value, bool) and str(value).strip().lower() not in BOOLEANS:
        raise notation.NotationError("%r is not true or false" % (value,))


def _source_ips(value):
    # The lab is IPv4: its networks and the server's address are, and the client jar refuses a source address
    # of another family than the server's.
    if str(value).strip():
        for address in notation.source_addresses(value):
            if ipaddress.ip_address(address).version != 4:
                raise notation.NotationError("%r is not an IPv4 address (the lab's networks and server address are "
                                             "IPv4; the client jar refuses a source of another family)" % address)


def _signal(value):
    if str(value) in SIGNALS:
        return
    if str(value) in KNOWN_SIGNALS:
        raise notation.NotationError("%r does not end a process (by default it pauses the process or is ignored), so "
                                     "the server would never restart" % (value,))
    raise notation.NotationError("%r is not one of %s" % (value, ", ".join(SIGNALS)))


def _run_id(value):
    if str(value) and not RUN_ID.fullmatch(str(value)):
        raise notation.NotationError("%r is not a plain name (letters, digits, '.', '_' and '-'; no '/')" % (value,))


def _port_range(value):
    parts = str(value).split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[0]) <= int(parts[1]) <= 65535:
        raise notation.NotationError("%r is not 'low high' within 1-65535" % (value,))


def _port(value):
    if len(notation.ports(value)) != 1:
        raise notation.NotationError("%r is not one port" % (value,))


def _ws_path(value):
    if not str(value).startswith("/") or any(c.isspace() for c in str(value)):
        raise ValueError("%r is not a path: it starts with / and has no spaces" % (value,))


def _ws_host(value):
    if any(c.isspace() or c in "/@" for c in str(value)):
        raise ValueError("%r is not a host[:port]" % (value,))


def _address(value):
    if any(c.isspace() or c in "/@" for c in str(value)):
        raise ValueError("%r is not an address or a host name" % (value,))


def _ws_headers(value):
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError("%r is not a list" % (value,))
    for header in value:
        name, colon, _ = str(header).partition(":")
        if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
            raise ValueError("%r is not 'Name: value'" % (header,))


# name -> (check, the fix). The names are the settings of ansible/group_vars/all.yml a user may set;
# tasks/settings.yml hands each of them here (a test keeps the two lists equal).
CHECKS = {
    "c1m_target_connections": (lambda v: _count(v, 1), "a count such as 15000, 15k or 1m"),
    "c1m_ports": (notation.ports, "a range or list such as 9000-9019 or 9000,9001"),
    "c1m_connect_rate": (_whole(0, MAX_INT, "the client jar takes (a Java int)"),
                         "new connections a second a client, 0 for as fast as c1m_max_inflight allows"),
    "c1m_max_inflight": (_whole(1, MAX_INT, "the client jar takes (a Java int)"),
                         "pending connects at once a client, at least 1 (the default 1000)"),
    "c1m_hold": (_duration(1), "a duration such as 60s or 10m"),
    "c1m_heartbeat": (_duration(RULES.integer("heartbeat.min_ms"), off_allowed=True),
                      "0 (off) or a duration of at least %dms, such as 30s" % RULES.integer("heartbeat.min_ms")),
    "c1m_transport": (_choice(("epoll", "io_uring", "nio")), "epoll, io_uring or nio"),
    "c1m_protocol": (_choice(("raw", "websocket")), "raw (the lab's frames, echoed) or websocket"),
    "c1m_ws_path": (_ws_path, "a path such as / or /ws"),
    "c1m_ws_host": (_ws_host, "empty (the server's address and port) or a host such as example.com or example.com:9000"),
    "c1m_ws_headers": (_ws_headers, "a list of 'Name: value', e.g. '[\"Authorization: Bearer x\"]'"),
    "c1m_ws_echo": (_choice(("ping", "binary")), "ping (Pongs answer Pings: every server) or binary (the server echoes)"),
    "c1m_server_address": (_address, "empty, or for c1m_server_impl=external the IP or name the clients connect to"),
    "c1m_server_impl": (_choice(capacity.SERVER_IMPLS), "netty (the lab's Java server), c-epoll (the seeds' C design), "
                                                        "command (your own server: c1m_server_command) or external (a "
                                                        "server already running outside the lab)"),
    "c1m_source_ips": (_source_ips, "empty, or IPv4 addresses of each client: a list, comma list or CIDR"),
    "c1m_ramp_timeout": (_whole(1), "seconds, at least 1"),
    "c1m_stall_timeout": (_whole(0), "seconds, 0 for only c1m_ramp_timeout"),
    "c1m_poll_interval": (_whole(1), "seconds between progress reads, at least 1"),
    "c1m_poll_retries": (_whole(0), "0 or more"),
    "c1m_scenario_port_range": (_port_range, "two ports 'low high', such as '32768 60999'"),
    "c1m_scenario_port": (_port, "one port, such as 9000"),
    "c1m_scenario_conntrack_max": (_whole(1, MAX_INT, "the kernel's nf_conntrack_max holds (a C int)"),
                                   "entries, from 1 to 2147483647"),
    "c1m_scenario_epoll_max_user_watches": (_whole(1), "watches, at least 1"),
    "c1m_scenario_restart_after": (_duration(0), "a duration such as 5s"),
    "c1m_scenario_restart_down": (_duration(0), "a duration such as 3s (0: start again at once)"),
    "c1m_scenario_restart_signal": (_signal, "a signal that ends a process, such as TERM or KILL"),
    "c1m_run_id": (_run_id, "empty (a timestamp) or a plain name such as my-run-1"),
    "c1m_preflight": (_boolean, "true or false"),
    "c1m_build_jars": (_boolean, "true or false"),
}


def problems(values):
    """["c1m_x=value: what is wrong; fix: ..."] for every bad value in values ({name: value}); names this
    module does not check are ignored."""
    out = []
    for name, value in values.items():
        if name not in CHECKS:
            continue
        check, fix = CHECKS[name]
        try:
            check(value)
        except (notation.NotationError, ValueError) as error:
            out.append("%s=%s: %s; fix: %s" % (name, value, error, fix))
    return out
