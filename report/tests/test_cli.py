"""The command line: success output, and bad input named with its fix, exit 2, no traceback."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from helpers import CLI, ScratchRun, fixture


def run_cli(*args):
    return subprocess.run([sys.executable, CLI] + list(args), capture_output=True, text=True, timeout=120)


class BadInput(unittest.TestCase):
    def assertCleanUsageError(self, result, *fragments):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)

    def test_missing_folder(self):
        self.assertCleanUsageError(run_cli("build", "/nonexistent/run"), "does not exist", "fix:")

    def test_folder_without_run_json(self):
        with tempfile.TemporaryDirectory() as empty:
            self.assertCleanUsageError(run_cli("build", empty), "no run.json", "fix:")

    def test_reports_folder_instead_of_a_run(self):
        # report/tests/fixtures holds runs, like reports/ does
        self.assertCleanUsageError(run_cli("build", os.path.dirname(fixture("reached-3x5000"))),
                                   "holds runs", "stalled-eaddrnotavail")

    def test_file_instead_of_folder(self):
        self.assertCleanUsageError(run_cli("build", os.path.join(fixture("reached-3x5000"), "run.json")),
                                   "is a file")

    def test_broken_run_json(self):
        scratch = ScratchRun("reached-3x5000")
        self.addCleanup(scratch.cleanup)
        with open(os.path.join(scratch.path, "run.json"), "w") as handle:
            handle.write('{"run_id": "x",')
        self.assertCleanUsageError(run_cli("build", scratch.path), "not valid JSON", "line 1")

    def test_compare_needs_two_runs(self):
        self.assertCleanUsageError(run_cli("compare", fixture("reached-3x5000")), "at least two")

    def test_missing_jinja2_names_the_package(self):
        # -S hides site-packages, where Jinja2 lives, as on a controller without python3-jinja2
        with tempfile.TemporaryDirectory() as out:
            result = subprocess.run([sys.executable, "-S", CLI, "build", fixture("reached-3x5000"), "--out", out],
                                    capture_output=True, text=True, timeout=120)
        if result.returncode == 0:
            self.skipTest("Jinja2 is importable even without site-packages here")
        self.assertCleanUsageError(result, "needs Jinja2", "python3-jinja2")

    def test_no_command(self):
        self.assertEqual(run_cli().returncode, 2)

    def test_unwritable_output(self):
        result = run_cli("compare", fixture("reached-3x5000"), fixture("lost-connections"),
                         "--md", "/nonexistent/dir/x.md")
        self.assertCleanUsageError(result, "cannot write")


class Success(unittest.TestCase):
    def test_build_writes_into_the_run_folder_and_exits_0_even_for_a_failed_run(self):
        scratch = ScratchRun("stalled-eaddrnotavail")
        self.addCleanup(scratch.cleanup)
        result = run_cli("build", scratch.path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("NOT REACHED", result.stdout)
        for name in ("summary.json", "report.html", "report.md"):
            self.assertTrue(os.path.isfile(os.path.join(scratch.path, name)), name)
        with open(os.path.join(scratch.path, "summary.json")) as handle:
            self.assertEqual(json.load(handle)["result"]["server_peak_open"], 867480)

    def test_build_out_leaves_the_run_folder_alone(self):
        with tempfile.TemporaryDirectory() as out:
            result = run_cli("build", fixture("reached-3x5000"), "--out", out, "--quiet")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout, "")
            self.assertTrue(os.path.isfile(os.path.join(out, "report.html")))
        self.assertFalse(os.path.exists(os.path.join(fixture("reached-3x5000"), "report.html")))


if __name__ == "__main__":
    unittest.main()
