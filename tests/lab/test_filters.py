#!/usr/bin/env python3
"""Unit tests of ansible/filter_plugins/c1m.py: shares, port lists, durations, the follow loop."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "ansible", "filter_plugins"))
import c1m  # noqa: E402


def status(host, active="active", exit_status=0, result="success", **summary):
    return {"host": host, "unit": {"active": active, "exit_status": exit_status, "result": result},
            "summary": summary or None, "last_line": None}


class Shares(unittest.TestCase):
    def test_shares_cover_the_target_and_differ_by_at_most_one(self):
        for total in (1000000, 15000, 7, 1000001):
            for count in (1, 2, 3, 7):
                hosts = ["c%d" % i for i in range(count)]
                shares = [c1m.c1m_share(total, hosts, h) for h in hosts]
                self.assertEqual(sum(shares), total)
                self.assertLessEqual(max(shares) - min(shares), 1)

    def test_default_split(self):
        hosts = ["a", "b", "c"]
        self.assertEqual([c1m.c1m_share("1m", hosts, h) for h in hosts], [333334, 333333, 333333])


class Notation(unittest.TestCase):
    def test_ports(self):
        self.assertEqual(len(c1m.c1m_ports("9000-9019")), 20)
        self.assertEqual(c1m.c1m_ports("9000,9001,9005-9006"), [9000, 9001, 9005, 9006])

    def test_durations_and_counts(self):
        self.assertEqual(c1m.c1m_seconds("30s"), 30)
        self.assertEqual(c1m.c1m_seconds("10m"), 600)
        self.assertEqual(c1m.c1m_seconds("500ms"), 0.5)
        self.assertEqual(c1m.c1m_count("15k"), 15000)
        self.assertEqual(c1m.c1m_count("1m"), 1000000)

    def test_source_addresses(self):
        self.assertEqual(c1m.c1m_ip_count(""), 1)
        self.assertEqual(c1m.c1m_ip_count("10.0.0.1,10.0.0.2"), 2)
        self.assertEqual(c1m.c1m_ip_count("10.0.0.0/29"), 6)

    def test_port_range(self):
        self.assertEqual(c1m.c1m_port_range_size("1024 65535"), 64512)


class Follow(unittest.TestCase):
    def test_all_reached_moves_to_holding_with_a_snapshot(self):
        progress = c1m.c1m_progress([status("a", reached=True, state="holding", established=5, open=5)])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 9.0, "20s", 900)
        self.assertEqual(follow["phase"], "holding")
        self.assertTrue(follow["snapshot"])

    def test_a_client_exiting_3_is_a_failure_to_start(self):
        bad = status("b", active="failed", exit_status=3, result="exit-code")
        bad["last_line"] = "nofile 1024 < 5256: raise LimitNOFILE"
        progress = c1m.c1m_progress([status("a", state="ramping"), bad])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 3.0, "20s", 900)
        self.assertEqual(follow["phase"], "done")
        self.assertEqual(follow["outcome"], "failed_to_start")
        self.assertIn("LimitNOFILE", follow["detail"])

    def test_timeout(self):
        progress = c1m.c1m_progress([status("a", state="ramping")])
        follow = c1m.c1m_follow_next({"phase": "ramping"}, progress, 901, "20s", 900)
        self.assertEqual(follow["outcome"], "not_reached")

    def test_hold_ends_when_every_client_exited(self):
        progress = c1m.c1m_progress([status("a", active="inactive", reached=True, state="done")])
        follow = c1m.c1m_follow_next({"phase": "holding", "reached_after_s": 9}, progress, 30, "20s", 900)
        self.assertEqual(follow["phase"], "done")
        self.assertNotIn("outcome", follow)


class Summary(unittest.TestCase):
    def test_outcomes(self):
        good = {"reached": True, "peak_open": 5, "established": 5, "lost": 0, "dead": 0, "exit_code": 0,
                "ramp_seconds": 2.5, "failed": {"ETIMEDOUT": 0}}
        lossy = dict(good, lost=1, exit_code=1)
        short = dict(good, reached=False, peak_open=4, exit_code=1, failed={"ETIMEDOUT": 1}, failed_total=1)
        self.assertEqual(c1m.c1m_run_summary({"a": good, "b": good}, {"peak_open": 10}, 10)["outcome"], "reached")
        self.assertEqual(c1m.c1m_run_summary({"a": good, "b": lossy}, None, 10)["outcome"], "reached_with_losses")
        figures = c1m.c1m_run_summary({"a": good, "b": short}, None, 10)
        self.assertEqual(figures["outcome"], "not_reached")
        self.assertEqual(figures["failures_by_kind"], {"ETIMEDOUT": 1})
        self.assertIsNone(figures["time_to_reach_s"])
        self.assertEqual(c1m.c1m_run_summary({"a": good, "b": None}, None, 10)["outcome"], "not_reached")


if __name__ == "__main__":
    unittest.main()
