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


if __name__ == "__main__":
    unittest.main()
