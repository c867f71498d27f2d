"""A host whose process died keeps its last summary ("running"): the report marks it stale, not running."""

import os
import unittest

from helpers import ScratchRun

from c1mreport.build import build
from c1mreport.process_state import process_state


class ProcessStateTest(unittest.TestCase):
    def test_final_states_are_not_stale(self):
        self.assertEqual(process_state({"state": "stopped", "exit_code": 0})["text"], "stopped, exit 0")
        self.assertFalse(process_state({"state": "done", "exit_code": 1})["stale"])
        self.assertIsNone(process_state(None)["stale"])

    def test_a_running_summary_after_the_run_is_a_dead_process(self):
        state = process_state({"state": "running", "updated_at": "2026-11-21T10:16:20.000Z",
                               "updated_at_ms": 1795256180000}, "2026-11-21T10:16:38.794Z")
        self.assertTrue(state["stale"])
        self.assertEqual(state["age_s"], 18.8)
        self.assertIn("stale: the process died (its summary still says running", state["text"])
        self.assertIn("18.8 s before the run ended", state["text"])

    def test_the_report_marks_a_sigkilled_server(self):
        scratch = ScratchRun("reached-3x5000")
        self.addCleanup(scratch.cleanup)

        def killed(summary):
            summary["state"] = "running"
            summary["updated_at"] = "2026-11-21T10:16:20.000Z"
            summary["updated_at_ms"] = 1795256180000
        scratch.edit_json(os.path.join("hosts", "c1m-server", "server-summary.json"), killed)
        summary, _ = build(scratch.path)
        hosts = {h["name"]: h for h in summary["inventory"]["hosts"]}
        self.assertTrue(hosts["c1m-server"]["process"]["stale"])
        self.assertFalse(hosts["c1m-client-1"]["process"]["stale"])
        with open(os.path.join(scratch.path, "report.md")) as handle:
            self.assertIn("stale: the process died", handle.read())
        with open(os.path.join(scratch.path, "report.html")) as handle:
            self.assertIn('class="status-short">stale: the process died', handle.read())


if __name__ == "__main__":
    unittest.main()
