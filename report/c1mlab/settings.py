"""The run's settings (the c1m_* values a user may set: ansible/group_vars/all.yml), checked before
anything starts: one line a bad value, naming it, what is wrong and the fix. The playbook refuses a run
with any (tasks/settings.yml, filter c1m_setting_problems); the jars check their own options the same way.
"""

import re
import signal

from . import notation
from .rules import RULES

# The signals `c1m-host restart` may send (the restart scenario), by name as `kill -s` takes them.
SIGNALS = tuple(sorted(member.name[3:] for member in signal.Signals
                       if member.name.startswith("SIG") and not member.name.startswith("SIGRT")))
# A run id names a folder under reports/: a plain name, never a path.
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# Ansible's own words for true and false (its bool filter).
BOOLEANS = ("true", "false", "yes", "no", "on", "off", "1", "0")


def _count(value, least):
    number = notation.count(value)
    if number < least:
        raise notation.NotationError("%r is less than %d" % (value, least))


def _whole(least):
    def check(value):
        if isinstance(value, bool) or not re.match(r"^-?\d+$", str(value).strip()):
            raise notation.NotationError("%r is not a whole number" % (value,))
        if int(str(value).strip()) < least:
            raise notation.NotationError("%r is less than %d" % (value, least))
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
    if str(value).strip():
        notation.source_addresses(value)


def _run_id(value):
    if str(value) and not RUN_ID.match(str(value)):
        raise notation.NotationError("%r is not a plain name (letters, digits, '.', '_' and '-'; no '/')" % (value,))


def _port_range(value):
    parts = str(value).split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[0]) <= int(parts[1]) <= 65535:
        raise notation.NotationError("%r is not 'low high' within 1-65535" % (value,))


def _port(value):
    if len(notation.ports(value)) != 1:
        raise notation.NotationError("%r is not one port" % (value,))


# name -> (check, the fix). The names are the settings of ansible/group_vars/all.yml a user may set;
# tasks/settings.yml hands each of them here (a test keeps the two lists equal).
CHECKS = {
    "c1m_target_connections": (lambda v: _count(v, 1), "a count such as 15000, 15k or 1m"),
    "c1m_ports": (notation.ports, "a range or list such as 9000-9019 or 9000,9001"),
    "c1m_connect_rate": (_whole(0), "new connections a second a client, 0 for as fast as c1m_max_inflight allows"),
    "c1m_max_inflight": (_whole(1), "pending connects at once a client, at least 1 (the default 1000)"),
    "c1m_hold": (_duration(1), "a duration such as 60s or 10m"),
    "c1m_heartbeat": (_duration(RULES.integer("heartbeat.min_ms"), off_allowed=True),
                      "0 (off) or a duration of at least %dms, such as 30s" % RULES.integer("heartbeat.min_ms")),
    "c1m_transport": (_choice(("epoll", "io_uring", "nio")), "epoll, io_uring or nio"),
    "c1m_source_ips": (_source_ips, "empty, or addresses of each client: a list, comma list or CIDR"),
    "c1m_ramp_timeout": (_whole(1), "seconds, at least 1"),
    "c1m_stall_timeout": (_whole(0), "seconds, 0 for only c1m_ramp_timeout"),
    "c1m_poll_interval": (_whole(1), "seconds between progress reads, at least 1"),
    "c1m_poll_retries": (_whole(0), "0 or more"),
    "c1m_scenario_port_range": (_port_range, "two ports 'low high', such as '32768 60999'"),
    "c1m_scenario_port": (_port, "one port, such as 9000"),
    "c1m_scenario_conntrack_max": (_whole(1), "entries, at least 1"),
    "c1m_scenario_restart_after": (_duration(0), "a duration such as 5s"),
    "c1m_scenario_restart_down": (_duration(0), "a duration such as 3s (0: start again at once)"),
    "c1m_scenario_restart_signal": (_choice(SIGNALS), "a signal name such as KILL or TERM"),
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
