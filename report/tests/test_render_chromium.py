"""Opens each fixture report in headless Chromium: every chart must render, with no script error.

The page records script errors in <html data-report-errors> and the number of charts drawn in
data-charts-rendered (see the template), which --dump-dom shows after the scripts ran. Chromium's
own console log (stderr) is checked for uncaught errors as a second net.
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from helpers import RUNS, ScratchRun

from c1mreport.build import build

CHROMIUM = next((path for path in (os.environ.get("CHROMIUM"), shutil.which("chromium"),
                                   shutil.which("chromium-browser"), shutil.which("google-chrome"))
                 if path), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--virtual-time-budget=10000"]


def chromium(page, *extra):
    profile = tempfile.mkdtemp(prefix="c1m-chromium-")
    try:
        return subprocess.run([CHROMIUM] + FLAGS + ["--user-data-dir=" + profile] + list(extra) + ["file://" + page],
                              capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@unittest.skipUnless(CHROMIUM, "chromium is not installed (apt-get install chromium, or run bash install-deps.sh)")
class RendersInChromium(unittest.TestCase):
    def render(self, scratch):
        summary, paths = build(scratch.path)
        result = chromium(paths["report.html"], "--dump-dom", "--enable-logging=stderr", "--v=0")
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        root = re.search(r"<html[^>]*>", result.stdout)
        self.assertIsNotNone(root, "no DOM dumped: " + result.stderr[-2000:])
        root = root.group(0)
        errors = re.search(r'data-report-errors="([^"]*)"', root)
        self.assertIsNone(errors, errors and errors.group(1))
        expected = re.search(r'data-charts-expected="(\d+)"', root)
        rendered = re.search(r'data-charts-rendered="(\d+)"', root)
        self.assertIsNotNone(rendered, "the chart script did not finish")
        self.assertEqual(rendered.group(1), expected.group(1))
        self.assertGreaterEqual(int(rendered.group(1)), 4)
        self.assertEqual(result.stdout.count("<canvas"), int(rendered.group(1)))  # uPlot draws one per chart
        console = [line for line in result.stderr.splitlines() if "CONSOLE" in line and "Uncaught" in line]
        self.assertEqual(console, [])
        return summary

    def test_fixture_reports_render(self):
        for name in RUNS:
            with self.subTest(run=name):
                scratch = ScratchRun(name)
                self.addCleanup(scratch.cleanup)
                self.render(scratch)

    def test_report_without_histograms_renders(self):
        scratch = ScratchRun("lost-connections")
        self.addCleanup(scratch.cleanup)
        for host in ("c1m-client-1", "c1m-client-3"):
            scratch.edit_json("hosts/%s/client-summary.json" % host, lambda s: s["heartbeat"].update(histogram=None))
        summary = self.render(scratch)
        self.assertEqual(summary["result"]["heartbeat"]["source"], "per-client percentiles")

    def test_screenshot_is_not_blank(self):
        scratch = ScratchRun("reached-3x5000")
        self.addCleanup(scratch.cleanup)
        _, paths = build(scratch.path)
        shot = os.path.join(scratch.root, "shot.png")
        chromium(paths["report.html"], "--window-size=1280,2400", "--hide-scrollbars", "--screenshot=" + shot)
        self.assertGreater(os.path.getsize(shot), 50_000)  # a blank page is a few KiB


if __name__ == "__main__":
    unittest.main()
