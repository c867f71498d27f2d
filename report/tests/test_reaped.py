"""Connections the server's keepalive reaped: a first-class figure of the verdict, the headline, the findings,
the Markdown and the playbook's lines; a server that reaped none changes nothing.

The fixtures predate the summary's `keepalive`, so these are mutated copies of reached-3x5000: its server
summary given `reaped` and the `keepalive` object a current server jar writes (docs/interfaces.md)."""
import re
import unittest

from helpers import ScratchRun

from c1mlab import failures, lines, progress, summaries, verdict
from c1mreport.build import build
from c1mreport.headline import headline, verdict as headline_verdict

RUN = "reached-3x5000"
SERVER = "hosts/c1m-server/server-summary.json"
AUTO = {"idle_seconds": 600, "interval_seconds": 60, "probes": 10, "reaped_within_seconds": 1200,
        "sized_from": "heartbeat 10s", "text": "10m idle, 10 probes 1m apart"}
# The setting measured at 1M in a QEMU guest, which reaped 786,601 live connections.
SHORT = {"idle_seconds": 60, "interval_seconds": 10, "probes": 6, "reaped_within_seconds": 120,
         "sized_from": "explicit", "text": "1m idle, 6 probes 10s apart"}


def tiles(summary):
    return {row["key"]: row for row in headline(summary)}


class Outcome(unittest.TestCase):
    def test_a_reaped_connection_is_never_a_clean_run(self):
        self.assertEqual(verdict.outcome(True, {"a": 0}, 0, 0, 0), "reached")
        self.assertEqual(verdict.outcome(True, {"a": 0}, 0, 0, 1), "reached_with_losses")
        self.assertEqual(verdict.outcome(False, {"a": 0}, 0, 0, 5), "not_reached")

    def test_the_playbooks_figures_and_line(self):
        client = {"reached": True, "peak_open": 5, "established": 5, "lost": 3, "dead": 0, "exit_code": 1}
        server = {"peak_open": 5, "reaped": 3, "keepalive": SHORT}
        figures = summaries.run_summary({"a": client}, server, 5)
        self.assertEqual((figures["outcome"], figures["reaped"]), ("reached_with_losses", 3))
        self.assertEqual(figures["server_keepalive"], "server keepalive: 1m idle, 6 probes 10s apart, explicit --keepalive")
        line = lines.reaped_line(figures)
        self.assertTrue(line.startswith("reaped (%s) on the server: 3 connection(s): the server's TCP keepalive closed"
                                        % failures.REAPED.errno_name), line)
        self.assertIn("Fix: c1m_server_keepalive: auto", line)
        self.assertIn("[the clients lost 3 connection(s) in the same run: live connections closed by the safety net]",
                      line)
        clean = summaries.run_summary({"a": dict(client, lost=0, exit_code=0)}, dict(server, reaped=0), 5)
        self.assertEqual((clean["outcome"], lines.reaped_line(clean)), ("reached", ""))
        # A server jar older than `reaped` and `keepalive`: unknown, not 0, and nothing said.
        old = summaries.run_summary({"a": dict(client, lost=0, exit_code=0)}, {"peak_open": 5}, 5)
        self.assertEqual((old["outcome"], old["reaped"], old["server_keepalive"]), ("reached", None, None))

    def test_the_follow_loop_reads_the_servers_count(self):
        server = {"summary": {"open": 5, "reaped": 2}, "unit": {"active": "active"}}
        self.assertEqual(progress.fold([], server)["server_reaped"], 2)
        self.assertIsNone(progress.fold([], {"summary": {"open": 5}, "unit": {"active": "active"}})["server_reaped"])

    def test_the_table_words_it_once(self):
        self.assertIn("reaped", failures.DOCTOR_CHECKS)
        self.assertIn("did not answer its probes", failures.REAPED.meaning)
        self.assertIn("--keepalive auto", failures.REAPED.fix)


class Report(unittest.TestCase):
    def build(self, reaped, keepalive, lost=None):
        scratch = ScratchRun(RUN)
        self.addCleanup(scratch.cleanup)
        scratch.edit_json(SERVER, lambda s: s.update(reaped=reaped, keepalive=keepalive))
        if lost:
            scratch.edit_json("hosts/c1m-client-1/client-summary.json", lambda s: s.update(lost=lost, exit_code=1))
        summary, paths = build(scratch.path)
        with open(paths["report.md"]) as handle:
            md = handle.read()
        with open(paths["report.html"]) as handle:
            html = handle.read()
        return summary, md, html

    def test_reaped_zero_changes_nothing_but_says_the_setting(self):
        summary, md, html = self.build(0, AUTO)
        self.assertEqual(headline_verdict(summary), ("REACHED", "Reached 15,000 connections and held them"))
        self.assertEqual(summary["findings"], [])
        tile = tiles(summary)["reaped_total"]
        self.assertEqual(tile["text"], "0 (server keepalive: 10m idle, 10 probes 1m apart, sized from heartbeat 10s)")
        self.assertIn("| Reaped by the server's keepalive | 0 (server keepalive: 10m idle", md)
        self.assertNotIn("## What went wrong", md)
        self.assertIn('class="tile" data-key="reaped_total"', html)

    def test_live_connections_reaped_are_named_with_their_fix(self):
        summary, md, html = self.build(1200, SHORT, lost=1200)
        word, sentence = headline_verdict(summary)
        self.assertEqual(word, "REACHED, LOST SOME")
        self.assertTrue(sentence.endswith("; the server's keepalive reaped 1,200"), sentence)
        self.assertEqual(tiles(summary)["reaped_total"]["text"],
                         "1,200 (server keepalive: 1m idle, 6 probes 10s apart, explicit --keepalive)")
        self.assertEqual([f["kind"] for f in summary["findings"]], ["reaped", "lost"])
        finding = summary["findings"][0]
        self.assertEqual((finding["count"], finding["hosts"]), (1200, ["c1m-server"]))
        self.assertIn("the clients lost 1,200 connection(s) in the same run: these were live connections closed by "
                      "the safety net", finding["detail"][1])
        self.assertIn("- **reaped** (1,200 on c1m-server): the server's TCP keepalive closed connections whose peer "
                      "did not answer its probes.", md)
        self.assertIn("**Fix:** a longer --keepalive on the server, or --keepalive auto", md)
        self.assertRegex(md, r"\| reaped \| 1,200 \| – \| – \| – \| – \|")
        self.assertRegex(html, r'class="tile bad" data-key="reaped_total"')
        self.assertTrue(re.search(r'<section id="findings">.*reaped · 1,200 connections', html, re.S))

    def test_vanished_peers_reaped_still_are_not_a_clean_run(self):
        summary, md, _ = self.build(40, AUTO)
        self.assertEqual(headline_verdict(summary)[0], "REACHED, LOST SOME")
        finding = summary["findings"][0]
        self.assertEqual(finding["kind"], "reaped")
        self.assertIn("no client lost a connection: the peers were gone", finding["detail"][1])
        self.assertEqual(finding["detail"][0], "server keepalive: 10m idle, 10 probes 1m apart, sized from heartbeat 10s")

    def test_off_is_said(self):
        off = {"idle_seconds": 0, "interval_seconds": 0, "probes": 0, "reaped_within_seconds": 0, "sized_from": "off",
               "text": "off"}
        summary, _, _ = self.build(0, off)
        self.assertEqual(tiles(summary)["reaped_total"]["text"], "0 (server keepalive: off)")


if __name__ == "__main__":
    unittest.main()
