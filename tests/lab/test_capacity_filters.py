#!/usr/bin/env python3
"""Unit tests of ansible/filter_plugins/c1m_capacity.py: the roles' heap, open files and 5-tuple come from
rules.properties through report/c1mlab/capacity.py, and nothing in the roles restates the numbers."""
import glob
import math
import os
import re
import sys
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "ansible", "filter_plugins"))
import c1m_capacity  # noqa: E402
from c1mlab.rules import RULES  # noqa: E402  (on the path c1m_capacity puts report/ on)

MIB = 1 << 20


class Heap(unittest.TestCase):
    def rule(self, connections):
        live = connections * RULES.integer("heap.live_bytes_per_connection")
        return math.ceil((math.ceil(live * RULES.fraction("heap.headroom_factor"))
                          + RULES.integer("heap.young_mib") * MIB) / MIB)

    def test_the_heap_is_the_rules_heap_rule(self):
        for connections in (0, 1, 5000, 15000, 333334, 1000000):
            self.assertEqual(c1m_capacity.c1m_heap_mb(connections), self.rule(connections))

    def test_a_million_connections_on_a_6_gb_server(self):
        # 1,000 B x 1.3 + 128 MiB: 1,368 MiB, below 35% of 6 GB.
        self.assertEqual(c1m_capacity.c1m_heap_mb(1000000, 6144, 35), 1368)

    def test_capped_by_the_share_of_memory_the_kernel_leaves(self):
        self.assertEqual(c1m_capacity.c1m_heap_mb(1000000, 2048, 35), 716)

    def test_never_below_the_rules_base(self):
        self.assertEqual(c1m_capacity.c1m_heap_mb(1000000, 100, 35), RULES.integer("heap.young_mib"))

    def test_strings_from_templates_are_numbers(self):
        self.assertEqual(c1m_capacity.c1m_heap_mb("15000", "4096", "35"), self.rule(15000))

    def test_a_fraction_of_a_connection_is_refused(self):
        with self.assertRaises(Exception):
            c1m_capacity.c1m_heap_mb("1.5")


class Descriptors(unittest.TestCase):
    def test_sockets_plus_the_rules_reserve(self):
        reserve = RULES.integer("descriptors.reserve")
        self.assertEqual(c1m_capacity.c1m_descriptors_needed(15020), 15020 + reserve)
        self.assertEqual(c1m_capacity.c1m_rule("descriptors.reserve"), reserve)

    def test_fractions_of_the_table(self):
        self.assertEqual(c1m_capacity.c1m_rule("five_tuple.slow_fraction"), RULES.fraction("five_tuple.slow_fraction"))

    def test_an_unknown_rule_is_an_error(self):
        with self.assertRaises(ValueError):
            c1m_capacity.c1m_rule("no.such.rule")


class FiveTuple(unittest.TestCase):
    def test_half_the_range_is_where_connect_slows(self):
        # The port-range scenario of the e2e: 5,000 a client through one port and 1,000 local ports.
        load = c1m_capacity.c1m_five_tuple(1000, 1, 1, 5000)
        self.assertEqual(load["per_combination"], 5000)
        self.assertEqual(load["slow_at"], 500)
        self.assertEqual(load["status"], "wall")
        self.assertEqual(c1m_capacity.c1m_five_tuple(1000, 1, 1, 600)["status"], "slow")
        self.assertEqual(c1m_capacity.c1m_five_tuple(64512, 20, 1, 333334)["status"], "ok")

    def test_source_addresses_multiply_the_combinations(self):
        self.assertEqual(c1m_capacity.c1m_five_tuple(64512, 20, 4, 1000000)["combinations"], 80)


class HostWideTables(unittest.TestCase):
    """conntrack, epoll watches and tcp_mem as the kernel role sizes them: the cases of tests/vectors/capacity.json
    (worked out by hand from the rules), so the role sets what the doctor calls OK."""

    def test_a_million_on_a_6_gb_server(self):
        self.assertEqual(c1m_capacity.c1m_table_size(1000000), 1050000)       # + 5% (hostwide.margin_fraction)
        self.assertEqual(c1m_capacity.c1m_conntrack_buckets(1050000), 262500)  # / 4 (conntrack.suggested_chain)
        self.assertEqual(c1m_capacity.c1m_tcp_mem_pages(1000020, 6 << 30, 4096), 786432)  # half of 6 GiB in pages

    def test_small_runs_and_template_strings(self):
        self.assertEqual(c1m_capacity.c1m_table_size("15000"), 15750)
        self.assertEqual(c1m_capacity.c1m_conntrack_buckets("15750"), 3938)
        self.assertEqual(c1m_capacity.c1m_tcp_mem_pages("15020", "6442450944", "4096"), 15020)
        self.assertEqual(c1m_capacity.c1m_tcp_mem_pages(10000006, 0, 4096), 10000006, "no memory known: no cap")
        self.assertEqual(c1m_capacity.c1m_tcp_mem("333335"), "166667 250001 333335", "low and pressure: the rules' shares")


class NoCopies(unittest.TestCase):
    """The roles compute with the filters; no role restates a number of the rules table."""

    def test_no_role_restates_the_heap_or_descriptor_rules(self):
        copies = re.compile(r"heap_bytes_per_connection|heap_base_mb|\+ *256\b|nofile_headroom: *\d|select\('match', '\^-Xmx'\)"
                            r"|\+ *65536|int / *4\)|tcp_mem_pages_per_connection|max_memory_percent"
                            r"|// *2\b|\* *3 *// *4|netdev_max_backlog: *\d")
        found = []
        for path in glob.glob(os.path.join(ROOT, "ansible", "**", "*.yml"), recursive=True):
            with open(path) as handle:
                for number, line in enumerate(handle, 1):
                    if copies.search(line):
                        found.append("%s:%d: %s" % (os.path.relpath(path, ROOT), number, line.strip()))
        self.assertEqual(found, [])


if __name__ == "__main__":
    unittest.main()
