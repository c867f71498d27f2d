"""A schema-2 summary's first failures and first lag decide over the log's lines (the jar logs them once
and says them as data too); a run recorded before schema 2 still gets them from its log."""
import unittest

from helpers import ScratchRun

from c1mreport.rundir import load_run


class OnceFactsTest(unittest.TestCase):
    def setUp(self):
        self.scratch = ScratchRun("stalled-eaddrnotavail")
        self.addCleanup(self.scratch.cleanup)

    def client(self, run):
        return next(h for h in run.hosts if h.name == "c1m-client-1")

    def test_a_summary_with_first_failures_decides(self):
        def schema_two(summary):
            summary["schema"] = 2
            summary["first_failures"] = {"EADDRNOTAVAIL": {"to": "10.0.0.10:9000", "message": "Cannot assign requested address",
                                                           "at": "2026-12-01T00:00:00Z"}}
            summary["behind"] = ("First heartbeat late by 30 ms: this client is behind its own schedule (5,000 connections)."
                                 " Fix: more clients")
        self.scratch.edit_json("hosts/c1m-client-1/client-summary.json", schema_two)
        client = self.client(load_run(self.scratch.path))
        self.assertEqual({"EADDRNOTAVAIL": "First EADDRNOTAVAIL connecting to 10.0.0.10:9000: Cannot assign requested address"},
                         client.first_failures)
        self.assertEqual("First heartbeat late by 30 ms: this client is behind its own schedule (5,000 connections).",
                         client.behind_line)

    def test_an_older_summary_falls_back_to_the_log(self):
        with open(self.scratch.host("c1m-client-1", "client.log"), "a") as log:
            log.write("12:00:01.000 WARN  Ramp - First EADDRNOTAVAIL connecting to 10.0.0.10:9000: Cannot assign"
                      " requested address. Fix: more source addresses\n")
        client = self.client(load_run(self.scratch.path))
        self.assertEqual({"EADDRNOTAVAIL": "First EADDRNOTAVAIL connecting to 10.0.0.10:9000: Cannot assign requested"
                                           " address."}, client.first_failures)

    def test_a_schema_three_lag_is_data_said_in_words(self):
        def schema_three(summary):
            summary["schema"] = 3
            summary["behind"] = {"kind": "lag-ramp", "at": "2026-12-01T00:00:00Z", "how": "late", "lag_ms": 10800,
                                 "late_after_ms": 2000, "connections": 2000, "heartbeat": "20s", "per_second": 100,
                                 "loops": 1}
        self.scratch.edit_json("hosts/c1m-client-1/client-summary.json", schema_three)
        client = self.client(load_run(self.scratch.path))
        self.assertEqual("lag-ramp", client.behind["kind"])
        self.assertEqual("first heartbeat written 10.8 s after it was due (late: more than 2.0 s), while the ramp was "
                         "still connecting; 2,000 connections x one heartbeat every 20s = 100/s on 1 event loops",
                         client.behind_line)


if __name__ == "__main__":
    unittest.main()
