"""c1mlab's verdict, evidence, progress and summaries: the logic the playbook's filters and the report share."""
import json
import os
import unittest

import helpers
from c1mlab import evidence, figures, lines, progress, summaries, verdict


def client(reached=True, peak_open=5, **more):
    return dict({"reached": reached, "peak_open": peak_open, "exit_code": 0}, **more)


class Reached(unittest.TestCase):
    def test_every_client_started_must_say_reached_and_the_peaks_add_up(self):
        self.assertTrue(verdict.reached({"a": client(), "b": client()}, 10))
        self.assertFalse(verdict.reached({"a": client(), "b": client(reached=False)}, 10))
        self.assertFalse(verdict.reached({"a": client(), "b": None}, 5), "a client without a summary")
        self.assertFalse(verdict.reached({"a": client(peak_open=4), "b": client()}, 10), "peaks short of the target")

    def test_without_any_client_summary_the_server_is_the_witness(self):
        self.assertTrue(verdict.reached({"a": None}, 10, server_peak=10))
        self.assertFalse(verdict.reached({"a": None}, 10, server_peak=9))
        self.assertFalse(verdict.reached({}, 0, server_peak=0))

    def test_outcome(self):
        self.assertEqual(verdict.outcome(True, {"a": 0}, 0, 0), "reached")
        self.assertEqual(verdict.outcome(True, {"a": 0}, 1, 0), "reached_with_losses")
        self.assertEqual(verdict.outcome(True, {"a": 2}, 0, 0), "reached_with_losses")
        self.assertEqual(verdict.outcome(False, {"a": 0}, 0, 0), "not_reached")

    def test_the_playbook_and_the_report_agree_on_every_recorded_run(self):
        for name in helpers.RUNS:
            with self.subTest(run=name):
                run = helpers.read_json(os.path.join(helpers.fixture(name), "run.json"))
                hosts = os.path.join(helpers.fixture(name), "hosts")
                clients = {}
                for c in run["clients"]:
                    name_ = c.get("hostname") or c.get("host")
                    path = os.path.join(hosts, name_, "client-summary.json")
                    clients[name_] = helpers.read_json(path) if os.path.exists(path) else None
                server_path = os.path.join(hosts, run["server"]["hostname"], "server-summary.json")
                server = helpers.read_json(server_path) if os.path.exists(server_path) else None
                figures = summaries.run_summary(clients, server, run["target_connections"])
                report, _ = helpers.build_into_temp(name, self)
                result = report["result"]
                self.assertEqual(figures["outcome"] in ("reached", "reached_with_losses"),
                                 result["reached"], figures["outcome"])
                # One computation (c1mlab.figures): the playbook's screen and the report show the same figures.
                self.assertEqual((figures["established"], figures["lost"], figures["dead"], figures["failed_total"]),
                                 (result["established_total"], result["lost_total"], result["dead_total"],
                                  result["failures"]["total"]))
                self.assertEqual(figures["failures_by_kind"], result["failures"]["by_kind"])
                self.assertEqual(figures["connect_errors_by_kind"], result["failures"]["connect_errors_by_kind"])
                heartbeat = result["heartbeat"]
                if heartbeat["merged"]:
                    self.assertEqual((figures["heartbeat_p50_ms"], figures["heartbeat_p99_ms"],
                                      figures["heartbeat_max_ms"]),
                                     tuple(heartbeat["merged"][k] for k in ("p50_ms", "p99_ms", "max_ms")))
                schedule = heartbeat["schedule"] or {}
                self.assertEqual(figures["schedule_kept"], schedule.get("schedule_kept"))
                self.assertEqual(figures["heartbeat_late"], schedule.get("late"))


class FiveTupleEvidence(unittest.TestCase):
    PROGRESS = {"kinds": {"EADDRNOTAVAIL": {"hosts": ["c1"], "attempts": 9, "for_good": 9, "first": None}},
                "hosts": {"c1": {"port_range": "40000 40999"}}}

    def test_source_addresses_divide_what_each_port_carries(self):
        one = evidence.explained("EADDRNOTAVAIL", self.PROGRESS, {"c1": 3000}, 2)
        self.assertIn("c1: ip_local_port_range 40000 40999 = 1,000 ports, about 500 usable per (source, server, "
                      "port); its share of 3,000 over 2 port(s) puts 1,500 on each", one["evidence"])
        four = evidence.explained("EADDRNOTAVAIL", self.PROGRESS, {"c1": 3000}, 2, {"c1": "10.0.0.0/29"})
        self.assertIn("its share of 3,000 over 2 port(s) and 6 source addresses puts 250 on each",
                      four["evidence"][0])
        line = lines.failure_lines(["EADDRNOTAVAIL"], self.PROGRESS, {"c1": 3000}, 2, {"c1": "10.0.0.2,10.0.0.3"})[0]
        self.assertIn("2 source addresses puts 750 on each", line)


class Fold(unittest.TestCase):
    def test_a_full_conntrack_table_is_the_rules_fraction(self):
        status = {"host": "s", "unit": {"active": "active"}, "summary": {"open": 1},
                  "kernel": {"conntrack": {"count": 980, "max": 1000}}}
        record = progress.fold([dict(status, host="c")], status)
        self.assertEqual(record["conntrack_full"], ["c", "s"])
        status["kernel"]["conntrack"]["count"] = 979
        self.assertEqual(progress.fold([], status)["conntrack_full"], [])


class RoundTrips(unittest.TestCase):
    def beats(self):
        run = "loopback-2x1000-heartbeats"
        hosts = os.path.join(helpers.fixture(run), "hosts")
        return {name: helpers.read_json(os.path.join(hosts, name, "client-summary.json"))["heartbeat"]
                for name in ("loopback-client-1", "loopback-client-2")}

    def test_merged_from_the_histograms_not_averaged(self):
        section, curves = figures.round_trips(self.beats())
        self.assertEqual(section["source"], "merged histograms")
        self.assertEqual(section["merged"]["count"], sum(c["count"] for c in section["per_client"].values()))
        self.assertEqual(section["merged"]["p99_ms"], 456.191)
        self.assertEqual(sorted(curves), ["all clients", "loopback-client-1", "loopback-client-2"])

    def test_a_missing_histogram_leaves_the_worst_client_as_the_bound_for_both_sides(self):
        beats = self.beats()
        del beats["loopback-client-2"]["histogram"]
        section, _ = figures.round_trips(beats)
        self.assertEqual(section["source"], "per-client percentiles")
        self.assertIn("loopback-client-2: no histogram in its summary", section["note"])
        worst = max(b["p99_ms"] for b in beats.values())
        self.assertEqual(section["upper_bound"]["p99_ms"], worst)
        screen = summaries.heartbeats({name: {"heartbeat": beat} for name, beat in beats.items()})
        self.assertEqual((screen["rtt"]["p99_ms"], screen["rtt"]["source"]), (worst, "worst client"))
        self.assertEqual(screen["rtt"]["count"], sum(b["count"] for b in beats.values()))


class Doctor(unittest.TestCase):
    REPORT = {"role": "client", "connections": 10, "ok": 7, "warn": 1, "fail": 1, "checks": [
        {"name": "tcp_mem", "status": "WARN", "found": "-", "needed": "-", "fix": "-"},
        {"name": "5-tuple", "status": "FAIL", "found": "1", "needed": "2", "fix": "more ports"},
        {"name": "fs.nr_open", "status": "OK", "found": "1", "needed": "1", "fix": None}]}

    def test_one_reading_for_the_playbook_and_the_report(self):
        unstated = {k: v for k, v in self.REPORT.items() if k not in ("ok", "warn", "fail", "role")}
        hosts = summaries.doctor({"c1": self.REPORT, "c2": unstated, "s": None}, {"c2": "client"})
        self.assertEqual(sorted(hosts), ["c1", "c2"])
        self.assertEqual((hosts["c1"]["ok"], hosts["c1"]["warn"], hosts["c1"]["fail"]), (7, 1, 1), "as stated")
        self.assertEqual((hosts["c2"]["ok"], hosts["c2"]["warn"], hosts["c2"]["fail"]), (1, 1, 1), "counted")
        self.assertEqual(hosts["c2"]["role"], "client")
        self.assertEqual([c["status"] for c in hosts["c1"]["findings"]], ["FAIL", "WARN"])
        rows = summaries.doctor_findings({"c2": unstated, "c1": self.REPORT})
        self.assertEqual([(r["host"], r["name"]) for r in rows],
                         [("c1", "5-tuple"), ("c1", "tcp_mem"), ("c2", "5-tuple"), ("c2", "tcp_mem")])
        self.assertEqual(summaries.doctor_counts({"c1": self.REPORT, "s": None}),
                         {"c1": {"role": "client", "ok": 7, "warn": 1, "fail": 1}, "s": None})


class HelperOutput(unittest.TestCase):
    def test_noise_before_the_json_is_returned_apart(self):
        value, noise = summaries.json_after_noise("sudo: unable to resolve host x\n{\"a\": [1]}\n")
        self.assertEqual((value, noise), ({"a": [1]}, ["sudo: unable to resolve host x"]))
        self.assertRaises(summaries.NoJson, summaries.json_after_noise, "{broken")
        self.assertEqual(json.loads(json.dumps(summaries.status_record({"stdout": "{}", "item": "h"}))),
                         {"inventory_hostname": "h"})


if __name__ == "__main__":
    unittest.main()
