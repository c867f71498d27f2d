"""The report checks what it reads (issue 20, item 8): a summary of an unknown schema or the wrong shape,
a count that is negative or not a number, a client that wrote nothing readable, timeline rows that do not
read, and an output folder that cannot be written are each named (host, file, field), and the figure is
shown as unknown, never as a number; nothing ends in a traceback."""

import json
import os
import subprocess
import sys
import unittest

from helpers import CLI, ScratchRun

from c1mreport.build import build
from c1mreport.headline import verdict

RUN = "reached-3x5000"
CLIENT = "c1m-client-2"
SUMMARY = os.path.join("hosts", CLIENT, "client-summary.json")


class UntrustedInput(unittest.TestCase):
    def setUp(self):
        self.scratch = ScratchRun(RUN)
        self.addCleanup(self.scratch.cleanup)

    def write(self, relative, text):
        with open(os.path.join(self.scratch.path, relative), "w") as handle:
            handle.write(text)

    def build(self):
        summary, _ = build(self.scratch.path)
        return summary

    def test_the_fixture_itself_is_clean(self):
        summary = self.build()
        self.assertEqual(verdict(summary)[0], "REACHED")
        self.assertEqual(summary["result"]["lost_total"], 0)

    def test_a_summary_that_is_a_json_list_is_named_and_left_out(self):
        self.write(SUMMARY, "[1, 2, 3]")
        summary = self.build()
        self.assertIn("%s/client-summary.json is a JSON list, not a summary object: its figures are left out"
                      % CLIENT, summary["problems"])

    def test_an_unknown_schema_is_named_and_left_out(self):
        self.scratch.edit_json(SUMMARY, lambda s: s.update(schema=99))
        summary = self.build()
        self.assertTrue(any("%s/client-summary.json has schema 99" % CLIENT in p for p in summary["problems"]),
                        summary["problems"])

    def test_a_negative_count_is_unknown_not_a_number(self):
        self.scratch.edit_json(SUMMARY, lambda s: s.update(lost=-3))
        summary = self.build()
        self.assertIn("%s/client-summary.json: lost is -3, not a count: shown as unknown" % CLIENT, summary["problems"])
        self.assertIsNone(summary["result"]["lost_total"])
        self.assertEqual(verdict(summary)[0], "REACHED, HOLD NOT KNOWN")
        with open(os.path.join(self.scratch.path, "report.md")) as handle:
            self.assertNotIn("-3", handle.read().split("## Failures by kind")[1].split("##")[0])

    def test_a_count_that_is_not_a_number_is_unknown(self):
        self.scratch.edit_json(SUMMARY, lambda s: s.update(dead="many"))
        summary = self.build()
        self.assertIn("%s/client-summary.json: dead is 'many', not a count: shown as unknown" % CLIENT,
                      summary["problems"])
        self.assertIsNone(summary["result"]["dead_total"])

    def test_one_unreadable_client_summary_makes_reached_unknown_not_false(self):
        self.write(SUMMARY, "{not json")
        summary = self.build()
        self.assertIsNone(summary["result"]["reached"])
        word, sentence = verdict(summary)
        self.assertEqual(word, "NOT KNOWN")
        self.assertIn(CLIENT, sentence)

    def test_a_client_that_did_not_reach_its_share_is_still_not_reached(self):
        self.write(SUMMARY, "{not json")
        self.scratch.edit_json(os.path.join("hosts", "c1m-client-1", "client-summary.json"),
                               lambda s: s.update(reached=False))
        self.assertIs(self.build()["result"]["reached"], False)

    def test_a_summary_that_never_reached_its_final_state_is_named_stale(self):
        self.scratch.edit_json(SUMMARY, lambda s: s.update(state="holding", updated_at="2026-11-21T10:16:00Z"))
        summary = self.build()
        self.assertIn("%s/client-summary.json says holding (last written 2026-11-21T10:16:00Z): its process ended "
                      "without a final summary (killed, crashed or out of disk; see its log): its figures are those of "
                      "that moment" % CLIENT, summary["problems"])

    def test_timeline_rows_that_do_not_read_are_counted_and_named(self):
        path = os.path.join("hosts", CLIENT, "client-timeline.csv")
        with open(os.path.join(self.scratch.path, path)) as handle:
            lines = handle.read().splitlines()
        lines[2] = lines[2].replace(",0,0,", ",zero,0,", 1)
        lines[4] = lines[4].split(",")[0]
        self.write(path, "\n".join(lines) + "\n")
        summary = self.build()
        self.assertTrue(any(p.startswith("%s: client-timeline.csv: 2 row(s) unreadable (line 3, 5:" % CLIENT)
                            for p in summary["problems"]), summary["problems"])

    def test_an_output_folder_that_cannot_be_written_is_one_line_exit_2(self):
        for out in ("/proc/nope", os.path.join(self.scratch.path, "run.json", "under-a-file")):
            result = subprocess.run([sys.executable, CLI, "build", self.scratch.path, "--out", out],
                                    capture_output=True, text=True, timeout=120)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertNotIn("Traceback", result.stderr)
            self.assertIn("cannot write the report into %s" % out, result.stderr)
            self.assertIn("fix: pass --out a folder you can write", result.stderr)

    def test_nothing_half_written_is_left_when_a_file_cannot_be_replaced(self):
        os.mkdir(os.path.join(self.scratch.path, "report.md"))  # a folder where a file must go
        result = subprocess.run([sys.executable, CLI, "build", self.scratch.path], capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual([n for n in os.listdir(self.scratch.path) if n.endswith(".tmp")], [])


if __name__ == "__main__":
    unittest.main()
