# -*- coding: utf-8 -*-
"""Small filters the c1m playbooks and roles share.

They parse the notations of docs/interfaces.md (port lists, durations, counts with k/m suffixes,
source address lists) so the playbooks can plan capacity and timeouts before starting anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
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


def c1m_port_range_size(value):
    """'1024 65535' (ip_local_port_range) -> 64512."""
    parts = str(value).split()
    if len(parts) != 2:
        raise AnsibleFilterError("c1m_port_range_size: %r is not 'LOW HIGH'" % (value,))
    return int(parts[1]) - int(parts[0]) + 1


class FilterModule(object):
    def filters(self):
        return {
            "c1m_ports": c1m_ports,
            "c1m_seconds": c1m_seconds,
            "c1m_count": c1m_count,
            "c1m_ip_count": c1m_ip_count,
            "c1m_share": c1m_share,
            "c1m_port_range_size": c1m_port_range_size,
        }
