"""`compare`: settings that differ, headline numbers with their change, different hosts said."""

import os
import subprocess
import sys
import tempfile
import unittest

from helpers import CLI, ScratchRun, fixture

from c1mreport.compare import compare_runs, render_html, render_text


class Compare(unittest.TestCase):
    def setUp(self):
        self.comparison = compare_runs([fixture("reached-3x5000"), fixture("stalled-eaddrnotavail")])
        self.text = render_text(self.comparison)

    def test_settings_that_differ(self):
        settings = dict(self.comparison["settings_differ"])
        self.assertEqual(settings["clients: net.ipv4.ip_local_port_range"], ["1024 65535", "32768 60999"])
        self.assertEqual(settings["run: target_connections"], ["15000", "1000000"])
        self.assertNotIn("server: fs.file-nr", settings)  # a counter, not a setting
        self.assertNotIn("server: fs.file-max", settings)  # same in both

    def test_headline_with_change(self):
        metrics = {m["key"]: m for m in self.comparison["metrics"]}
        self.assertEqual(metrics["server_peak_open"]["values"], [15000, 867480])
        self.assertEqual(metrics["server_peak_open"]["cells"][1], "867,480 (+5683.2%, better)")
        self.assertEqual(metrics["failed_total"]["cells"][1], "132,520 (new, worse)")
        self.assertEqual(metrics["reached"]["cells"], ["yes", "NO"])

    def test_different_targets_are_called_out(self):
        self.assertIn("The targets differ (15,000, 1,000,000)", self.text)

    def test_same_hosts_are_recognised(self):
        self.assertEqual(self.comparison["hosts_differ"], [])
        self.assertIn("Same hosts in every run", self.text)

    def test_text_table(self):
        self.assertIn("Headline", self.text)
        self.assertIn("Settings that differ", self.text)
        self.assertIn("20261121-113000-stalled-eaddrnotavail", self.text)

    def test_the_page_comes_from_the_template_escaped(self):
        comparison = dict(self.comparison, settings_differ=[("run: label", ["<b>a</b>", "b & c"])])
        page = render_html(comparison)
        self.assertIn("<td>&lt;b&gt;a&lt;/b&gt;</td><td>b &amp; c</td>", page)
        self.assertIn("<td class=better>867,480 (+5683.2%, better)</td>", page)
        self.assertIn("<p>Same hosts in every run.</p>", page)

    def test_runs_from_different_hosts_are_flagged(self):
        scratch = ScratchRun("lost-connections")
        self.addCleanup(scratch.cleanup)
        scratch.edit_json("hosts/c1m-server/facts.json", lambda f: f.update(memory_mb=16384, cpus=8))
        comparison = compare_runs([fixture("lost-connections"), scratch.path])
        self.assertTrue(any("16384 MB" in line for line in comparison["hosts_differ"]))
        self.assertIn("made on different hosts", render_text(comparison))
        # The same run id twice still gets two distinct columns.
        self.assertEqual(len(set(comparison["run_ids"])), 2)

    def test_cli_writes_html_and_markdown(self):
        with tempfile.TemporaryDirectory() as out:
            html, md = os.path.join(out, "c.html"), os.path.join(out, "c.md")
            result = subprocess.run([sys.executable, CLI, "compare", fixture("reached-3x5000"),
                                     fixture("stalled-eaddrnotavail"), fixture("lost-connections"),
                                     "--html", html, "--md", md], capture_output=True, text=True, timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("Comparing 3 runs", result.stdout)
            with open(html) as handle:
                page = handle.read()
            self.assertIn("<h2>Settings that differ</h2>", page)
            self.assertIn('class=worse', page)
            with open(md) as handle:
                self.assertIn("| Peak open on the server |", handle.read())


if __name__ == "__main__":
    unittest.main()
