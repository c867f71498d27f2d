"""c1mlab's verdict, evidence, progress and summaries: the logic the playbook's filters and the report share."""
import json
import os
import unittest

import helpers
from c1mlab import evidence, lines, progress, summaries, verdict


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
                self.assertEqual(figures["outcome"] in ("reached", "reached_with_losses"),
                                 report["result"]["reached"], figures["outcome"])


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


class HelperOutput(unittest.TestCase):
    def test_noise_before_the_json_is_returned_apart(self):
        value, noise = summaries.json_after_noise("sudo: unable to resolve host x\n{\"a\": [1]}\n")
        self.assertEqual((value, noise), ({"a": [1]}, ["sudo: unable to resolve host x"]))
        self.assertRaises(summaries.NoJson, summaries.json_after_noise, "{broken")
        self.assertEqual(json.loads(json.dumps(summaries.status_record({"stdout": "{}", "item": "h"}))),
                         {"inventory_hostname": "h"})


if __name__ == "__main__":
    unittest.main()
