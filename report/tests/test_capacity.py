"""report/c1mlab's rules and capacity: the table loads, its rules give the hand-computed figures, and the
shared vectors (tests/vectors/capacity.json, worked out by hand, also checked by Java's CapacityVectorsTest) hold."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from c1mlab import capacity, rules  # noqa: E402

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "vectors", "capacity.json")


class RulesTableTest(unittest.TestCase):
    def test_every_key_the_code_reads_is_in_the_table(self):
        for key in ("descriptors.reserve", "kernel.socket_bytes", "conntrack.entry_bytes", "heap.young_mib",
                    "heap.live_bytes_per_connection", "jvm.baseline_mib", "jvm.native_bytes_per_connection",
                    "heartbeat.per_cpu_per_second", "heartbeat.dead_min_ms", "heartbeat.late_min_ms",
                    "heartbeat.dead_intervals", "accept.measured_per_second", "host.os_reserve_mib",
                    "connect.per_client_cpu_per_second", "c_epoll.bytes_per_connection"):
            self.assertGreater(rules.RULES.integer(key), 0, key)
        for key in ("memory.margin_fraction", "heap.headroom_factor", "five_tuple.slow_fraction",
                    "five_tuple.wall_fraction", "capacity.tight_fraction", "hostwide.margin_fraction", "conntrack.full_fraction",
                    "heartbeat.late_fraction", "heartbeat.comfortable_fraction"):
            self.assertGreater(rules.RULES.fraction(key), 0, key)

    def test_a_missing_or_bad_key_is_named(self):
        with tempfile.NamedTemporaryFile("w", suffix=".properties", delete=False) as table:
            table.write("# comment\nheap.young_mib=lots\n")
        try:
            broken = rules.load(table.name)
            with self.assertRaisesRegex(rules.RulesError, "heap.young_mib='lots' is not a whole number"):
                broken.integer("heap.young_mib")
            with self.assertRaisesRegex(rules.RulesError, "has no descriptors.reserve"):
                broken.integer("descriptors.reserve")
        finally:
            os.unlink(table.name)


class CapacityTest(unittest.TestCase):
    def test_the_heap_rule_by_hand(self):
        # 333,334 x 1,000 B x 1.3 = 433,334,200 B, + 128 MiB = 567,551,928 B = 541.3 MiB, rounded up.
        self.assertEqual(capacity.heap_bytes(333334), 567551928)
        self.assertEqual(capacity.heap_mb(333334), 542)

    def test_a_server_without_a_jvm_by_hand(self):
        # 1,000 sockets x 3,800 B = 3,800,000; c-epoll adds 1,000 x 64 B = 64,000 and no heap; command adds nothing.
        self.assertEqual(capacity.memory_estimate(1000, 1000, impl="c-epoll")["total"], 3864000)
        self.assertEqual(capacity.memory_estimate(1000, 1000, impl="command")["total"], 3800000)
        with self.assertRaisesRegex(ValueError, "use netty, c-epoll, command or external"):
            capacity.memory_estimate(1000, 1000, impl="nginx")

    def test_an_external_server_has_no_memory_to_count(self):
        # The lab's names include it (settings accept c1m_server_impl=external), but no host of the lab runs it.
        self.assertIn("external", capacity.SERVER_IMPLS)
        with self.assertRaisesRegex(ValueError, "no server host to count or judge"):
            capacity.memory_estimate(1000, 1000, impl="external")

    def test_the_five_tuple_by_hand(self):
        # Linux's default range 32768-60999 is 28,232 ports: slow past 14,116, the wall past 28,232.
        self.assertEqual(capacity.five_tuple(28232, 1, 1, 14116)["status"], "tight")
        self.assertEqual(capacity.five_tuple(28232, 1, 1, 14117)["status"], "slow")
        self.assertEqual(capacity.five_tuple(28232, 1, 1, 28233)["status"], "wall")
        self.assertEqual(capacity.five_tuple(28232, 20, 1, 333334)["per_combination"], 16667)
        self.assertEqual(capacity.five_tuple(64512, 20, 1, 333334)["status"], "ok")

    def test_the_shared_vectors(self):
        with open(VECTORS) as source:
            vectors = json.load(source)
        for case in vectors["descriptors_needed"]:
            self.assertEqual(capacity.descriptors_needed(case["sockets"]), case["out"], case)
        for case in vectors["heap"]:
            self.assertEqual((capacity.heap_bytes(case["connections"]), capacity.heap_mb(case["connections"])),
                             (case["bytes"], case["mb"]), case)
        for case in vectors["memory_estimate"]:
            if "refused" in case:
                # A question with no answer (an external server): refused with the case's text, as Needs refuses it.
                with self.assertRaises(ValueError) as refusal:
                    capacity.memory_estimate(case["sockets"], case["connections"], case["tracked"], impl=case["impl"])
                self.assertEqual(str(refusal.exception), case["refused"], case)
                continue
            self.assertEqual(capacity.memory_estimate(case["sockets"], case["connections"], case["tracked"],
                                                      impl=case.get("impl", "netty")),
                             case["out"], case)
        self.assertEqual(sorted({case.get("impl", "netty") for case in vectors["memory_estimate"]}),
                         sorted(capacity.SERVER_IMPLS), "a case for every server")
        for case in vectors["five_tuple"]:
            self.assertEqual(capacity.five_tuple(case["range"], case["server_ports"], case["source_addresses"],
                                                 case["connections"]), case["out"], case)
        for case in vectors["conntrack_full"]:
            self.assertEqual(capacity.conntrack_full(case["count"], case["max"]), case["out"], case)
        for case in vectors["heartbeat_load"]:
            self.assertEqual(capacity.heartbeat_load(case["connections"], case["heartbeat_seconds"], case["cpus"]),
                             case["out"], case)
        for case in vectors["tables"]:
            n = case["connections"]
            self.assertEqual((capacity.table_margin(n), capacity.conntrack_buckets_needed(n),
                              capacity.conntrack_buckets_suggested(n + capacity.table_margin(n)),
                              capacity.listen_queue_per_port(case["rate"], case["ports"]),
                              capacity.tcp_mem_pages(n + case["ports"], case["memory_bytes"], 4096)),
                             (case["margin"], case["buckets_needed"], case["buckets_suggested"], case["listen_queue"],
                              case["tcp_mem_pages"]), case)
            self.assertEqual(capacity.tcp_mem_triple(case["tcp_mem_pages"]), case["tcp_mem"], case)
        for case in vectors["usable_memory"]:
            self.assertEqual(capacity.usable_memory_bytes(case["memory_bytes"]), case["out"], case)
        for case in vectors["ramp"]:
            self.assertEqual(capacity.connect_rate(case["cpus"], case["paced"]), case["rate"], case)
            self.assertAlmostEqual(capacity.ramp_seconds(case["share"], case["cpus"], case["paced"]), case["seconds"],
                                   places=9, msg=case)


if __name__ == "__main__":
    unittest.main()
