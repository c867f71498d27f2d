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
            failures = handle.read().split("## Failures by kind")[1].split("##")[0]
        self.assertNotIn("| -3 |", failures)
        self.assertIn("| lost | – |", failures)  # unknown, said as such

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

    def write_bytes(self, relative, data):
        with open(os.path.join(self.scratch.path, relative), "wb") as handle:
            handle.write(data)

    def test_a_peak_open_that_is_not_a_count_makes_reached_unknown(self):
        self.scratch.edit_json(SUMMARY, lambda s: s.update(peak_open="many"))
        summary = self.build()
        self.assertIn("%s/client-summary.json: peak_open is 'many', not a count: shown as unknown" % CLIENT,
                      summary["problems"])
        self.assertIsNone(summary["result"]["reached"])
        word, sentence = verdict(summary)
        self.assertEqual(word, "NOT KNOWN")
        self.assertIn("%s/client-summary.json: peak_open" % CLIENT, sentence)
        self.assertNotIn("Peaked at", sentence)

    def test_a_heartbeat_that_is_not_an_object_is_named_in_build_and_compare(self):
        from c1mreport.compare import compare_runs
        from helpers import fixture
        self.scratch.edit_json(SUMMARY, lambda s: s.update(heartbeat="fast"))
        summary = self.build()
        self.assertIn("%s/client-summary.json: heartbeat is 'fast', not an object: shown as unknown" % CLIENT,
                      summary["problems"])
        comparison = compare_runs([fixture(RUN), self.scratch.path])
        self.assertEqual(len(comparison["verdicts"]), 2)

    def test_a_summary_nested_too_deep_is_unreadable_named_and_left_out(self):
        with open(os.path.join(self.scratch.path, SUMMARY)) as handle:
            written = handle.read().rstrip().rstrip("}")
        # Past Python's reader (a RecursionError while parsing), and within it but past any reader after it.
        for text in ("[" * 100000 + "]" * 100000, written + ', "lost": %s}' % ("[" * 900 + "]" * 900)):
            self.write(SUMMARY, text)
            summary = self.build()
            self.assertIn("%s/client-summary.json is nested too deeply to read: its figures are left out" % CLIENT,
                          summary["problems"])
            self.assertIsNone(summary["result"]["reached"])

    def test_a_number_past_what_python_reads_is_unreadable_not_a_traceback(self):
        self.write(SUMMARY, '{"lost": %s}' % ("1" * 5000))
        summary = self.build()
        # Python 3.11 (and the 3.7-3.10 security releases) refuse ints of more than 4300 digits; older ones read it.
        self.assertTrue(any(p.startswith("%s/client-summary.json is not JSON that reads (" % CLIENT)
                            or p.startswith("%s/client-summary.json: lost is 1111" % CLIENT)
                            for p in summary["problems"]), summary["problems"])
        self.assertIsNone(summary["result"]["lost_total"])

    def test_a_summary_that_is_not_utf8_is_unreadable_named_and_left_out(self):
        self.write_bytes(SUMMARY, b'{"role": "client", "hostname": "\xff\xfe"}')
        summary = self.build()
        self.assertIn("%s/client-summary.json is not UTF-8 text (byte 0xff at offset 32): its figures are left out"
                      % CLIENT, summary["problems"])
        self.assertIsNone(summary["result"]["reached"])

    def test_a_summary_of_json_null_says_the_file_holds_null(self):
        self.write(SUMMARY, "null")
        summary = self.build()
        self.assertIn("%s/client-summary.json is a JSON null, not a summary object: its figures are left out" % CLIENT,
                      summary["problems"])
        self.assertIn("%s wrote no readable client-summary.json" % CLIENT, verdict(summary)[1])

    def test_the_playbook_end_reads_summaries_the_same_way(self):
        from c1mlab import finish
        self.write(SUMMARY, "[" * 100000 + "]" * 100000)
        self.write_bytes(os.path.join("hosts", "c1m-client-1", "client-summary.json"), b"\xff")
        self.scratch.edit_json(os.path.join("hosts", "c1m-client-3", "client-summary.json"),
                               lambda s: s.update(lost=10 ** 30))
        clients, _, notes = finish.read_summaries(self.scratch.path, ["c1m-client-1", CLIENT, "c1m-client-3"],
                                                  "c1m-server")
        self.assertEqual((clients["c1m-client-1"], clients[CLIENT]), (None, None))
        self.assertIsNone(clients["c1m-client-3"]["lost"])
        self.assertEqual(len(notes), 3, notes)

    def test_a_float_or_a_count_past_a_long_is_not_a_count(self):
        for value in (1e30, 10 ** 30, 2 ** 63, 5.0):
            self.scratch.edit_json(SUMMARY, lambda s: s.update(lost=value))
            summary = self.build()
            self.assertIn("%s/client-summary.json: lost is %r, not a count: shown as unknown" % (CLIENT, value),
                          summary["problems"])
            self.assertIsNone(summary["result"]["lost_total"], value)
        self.scratch.edit_json(SUMMARY, lambda s: s.update(lost=2 ** 63 - 1))
        self.assertEqual(self.build()["result"]["lost_total"], 2 ** 63 - 1)

    def test_a_flag_an_exit_code_and_a_time_of_the_wrong_shape_are_named(self):
        def edit(s):
            s.update(reached="yes", exit_code="0")
            s["heartbeat"]["p99_ms"] = -1
        self.scratch.edit_json(SUMMARY, edit)
        summary = self.build()
        for line in ("reached is 'yes', not true or false", "exit_code is '0', not an exit code",
                     "heartbeat.p99_ms is -1, not a number of at least 0"):
            self.assertIn("%s/client-summary.json: %s: shown as unknown" % (CLIENT, line), summary["problems"])
        self.assertIsNone(summary["result"]["reached"])
        self.assertIsNone(summary["result"]["exit_codes"][CLIENT])

    def test_negative_timeline_cells_are_unreadable_rows(self):
        path = os.path.join("hosts", CLIENT, "client-timeline.csv")
        with open(os.path.join(self.scratch.path, path)) as handle:
            lines = handle.read().splitlines()
        header = lines[0].split(",")
        cells = lines[3].split(",")
        cells[header.index("open")] = "-5"
        lines[3] = ",".join(cells)
        cells = lines[5].split(",")
        cells[header.index("lost")] = "inf"
        lines[5] = ",".join(cells)
        self.write(path, "\n".join(lines) + "\n")
        summary = self.build()
        self.assertTrue(any(p.startswith("%s: client-timeline.csv: 2 row(s) unreadable (line 4, 6:" % CLIENT)
                            for p in summary["problems"]), summary["problems"])

    def test_run_json_clients_that_are_not_a_list_are_named(self):
        self.scratch.edit_json("run.json", lambda s: s.update(clients="three"))
        summary = self.build()
        self.assertIn("run.json: clients is 'three', not a list of clients: the clients are the client folders "
                      "under hosts/", summary["problems"])
        self.assertFalse(any(p.startswith("e is named") for p in summary["problems"]), summary["problems"])
        self.assertEqual(verdict(summary)[0], "REACHED")

    def test_a_run_json_target_that_is_not_a_count_is_named_and_reached_unknown(self):
        self.scratch.edit_json("run.json", lambda s: s.update(target_connections=-1))
        summary = self.build()
        self.assertIn("run.json: target_connections is -1, not a count of at least 1: shown as unknown",
                      summary["problems"])
        self.assertIsNone(summary["result"]["reached"])
        word, sentence = verdict(summary)
        self.assertEqual(word, "NOT KNOWN")
        self.assertIn("run.json: target_connections", sentence)

    def test_a_missing_client_makes_its_counts_unknown_not_zero(self):
        os.remove(os.path.join(self.scratch.path, SUMMARY))
        summary = self.build()
        result = summary["result"]
        self.assertIsNone(result["lost_total"])
        self.assertIsNone(result["dead_total"])
        self.assertIsNone(result["failures"]["total"])
        with open(os.path.join(self.scratch.path, "report.md")) as handle:
            failures = handle.read().split("## Failures by kind")[1].split("##")[0]
        self.assertNotIn("No connection failed", failures)
        self.assertIn("not known", failures)

    def test_a_restart_with_a_silent_client_or_an_unread_count_is_not_recovered(self):
        from c1mlab import faults
        back = {"lost": 10, "reconnected": 10, "unrecovered": 0, "down": 0}
        self.assertTrue(faults.restart_result({}, {"c1": dict(back)}, "reached")["recovered"])
        for clients, says in (({"c1": dict(back), "c2": None}, "c2 wrote no readable client-summary.json"),
                              ({"c1": dict(back, unrecovered=None)},
                               "c1/client-summary.json: unrecovered did not read")):
            result = faults.restart_result({}, clients, "reached")
            self.assertFalse(result["recovered"])
            self.assertIn("cannot be told: " + says, result["text"])

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
