# -*- coding: utf-8 -*-
"""The capacity rules as Ansible filters: thin adapters over report/c1mlab/capacity.py, whose numbers come
from rules.properties (the table the jars read too). No number and no formula is written here.

  connections | c1m_heap_mb(memory_mb, percent)      -Xmx in MiB: the heap rule, at most percent of memory
  sockets | c1m_descriptors_needed                   open files a process needs for that many sockets
  'descriptors.reserve' | c1m_rule                   one number of the rules table
  range | c1m_five_tuple(ports, addresses, share)    the 5-tuple's load per (source, server, port) and status
  connections | c1m_table_size                       a host-wide table for them: plus the rules' host-wide margin
  entries | c1m_conntrack_buckets                    conntrack hash buckets for a table of that many entries
  sockets | c1m_tcp_mem_pages(memory_bytes, page)    tcp_mem's max in pages for that many sockets
  max_pages | c1m_tcp_mem                            tcp_mem's "low pressure max" for that max (the rules' shares)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

try:
    from ansible.errors import AnsibleFilterError
except ImportError:  # the unit tests under a Python without Ansible: the same logic, plain errors
    AnsibleFilterError = ValueError

# The rules' owner is report/c1mlab, shared with the report generator (and c1m.py's filters).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "report"))

from c1mlab import capacity  # noqa: E402  (needs the path above)
from c1mlab.rules import RULES  # noqa: E402


def _whole(value, what):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError("%s: %r is not a number" % (what, value))
    if number < 0 or number != int(number):
        raise AnsibleFilterError("%s: %r is not a whole number of at least 0" % (what, value))
    return int(number)


def c1m_heap_mb(connections, memory_mb=None, percent=None):
    """The heap (MiB) a jar gets for `connections`: the rules' heap rule, at most `percent` % of `memory_mb`
    (the kernel needs the rest for the sockets), and never below the rule's own base (no connection)."""
    wanted = capacity.heap_mb(_whole(connections, "c1m_heap_mb"))
    floor = capacity.heap_mb(0)
    if memory_mb is None or percent is None:
        return wanted
    cap = _whole(memory_mb, "c1m_heap_mb memory_mb") * float(percent) // 100
    return max(min(wanted, int(cap)), floor)


def c1m_descriptors_needed(sockets):
    """Open files a process needs to hold `sockets` sockets: those plus the rules' descriptors.reserve."""
    return capacity.descriptors_needed(_whole(sockets, "c1m_descriptors_needed"))


def c1m_rule(key):
    """One number of rules.properties: a whole number when it is one, else a float."""
    try:
        return RULES.integer(key)
    except ValueError:
        return RULES.fraction(key)


def c1m_five_tuple(range_size, server_ports, source_addresses, connections):
    """capacity.five_tuple: {combinations, per_combination, slow_at, wall_at, status: ok|tight|slow|wall}."""
    return capacity.five_tuple(_whole(range_size, "c1m_five_tuple range"), _whole(server_ports, "c1m_five_tuple ports"),
                               _whole(source_addresses, "c1m_five_tuple addresses"),
                               _whole(connections, "c1m_five_tuple connections"))


def c1m_table_size(connections):
    """A host-wide table (conntrack, epoll watches) for `connections`: those plus hostwide.margin_fraction of
    them, the size the doctor calls OK."""
    connections = _whole(connections, "c1m_table_size")
    return connections + capacity.table_margin(connections)


def c1m_conntrack_buckets(entries):
    """Hash buckets for a conntrack table of `entries`: chains of conntrack.suggested_chain when full."""
    return capacity.conntrack_buckets_suggested(_whole(entries, "c1m_conntrack_buckets"))


def c1m_tcp_mem_pages(sockets, memory_bytes, page_bytes):
    """tcp_mem's max (pages): tcp_mem.pages_per_socket a socket, at most tcp_mem.max_memory_fraction of memory."""
    return capacity.tcp_mem_pages(_whole(sockets, "c1m_tcp_mem_pages sockets"),
                                  _whole(memory_bytes, "c1m_tcp_mem_pages memory"),
                                  _whole(page_bytes, "c1m_tcp_mem_pages page") or 4096)


def c1m_tcp_mem(max_pages):
    """tcp_mem's "low pressure max" for that max: tcp_mem.low_fraction and pressure_fraction of it."""
    return " ".join(str(v) for v in capacity.tcp_mem_triple(_whole(max_pages, "c1m_tcp_mem")))


class FilterModule(object):
    def filters(self):
        return {
            "c1m_heap_mb": c1m_heap_mb,
            "c1m_descriptors_needed": c1m_descriptors_needed,
            "c1m_rule": c1m_rule,
            "c1m_five_tuple": c1m_five_tuple,
            "c1m_table_size": c1m_table_size,
            "c1m_conntrack_buckets": c1m_conntrack_buckets,
            "c1m_tcp_mem_pages": c1m_tcp_mem_pages,
            "c1m_tcp_mem": c1m_tcp_mem,
        }
