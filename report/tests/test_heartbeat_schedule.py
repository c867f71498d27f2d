"""The heartbeat schedule (client jar since f0f5c93): round trips from written and from due time, the schedule
kept, late and missed heartbeats as the client's lag, and the 10 s windows of the timeline.

The fixture loopback-2x1000-heartbeats is a real run of the jars over loopback (record-loopback-run.sh with
COUNT=1000 HOLD=25s) on a busy 2-CPU machine: both clients fell behind their schedule during the ramp (late and
missed heartbeats) while the server answered every heartbeat written, so the run is REACHED with 0 dead.
"""

import csv
import glob
import os
import re
import unittest

from helpers import ScratchRun, build_into_temp, fixture, read_json

from c1mreport.build import build
from c1mreport.charts import build_charts
from c1mreport.compare import compare_runs
from c1mlab.hdrhistogram import Histogram, decode_base64
from c1mreport.headline import headline, verdict
from c1mreport.parsers import parse_time, parse_timeline
from c1mreport.rundir import load_run
from c1mreport.summarize import build_summary

RUN = "loopback-2x1000-heartbeats"
PERCENTILES = (("p50_ms", 50), ("p90_ms", 90), ("p99_ms", 99), ("p999_ms", 99.9))


def client_summaries(name=RUN):
    paths = sorted(glob.glob(os.path.join(fixture(name), "hosts", "*", "client-summary.json")))
    return {os.path.basename(os.path.dirname(p)): read_json(p) for p in paths}


def timeline_rows(host, name=RUN):
    with open(os.path.join(fixture(name), "hosts", host, "client-timeline.csv")) as handle:
        return list(csv.DictReader(handle))


def tiles(summary):
    return {row["key"]: row for row in headline(summary)}


def section(html, section_id):
    match = re.search(r'<section id="%s">(.*?)</section>' % section_id, html, re.S)
    return match.group(1) if match else None


class Headline(unittest.TestCase):
    def setUp(self):
        self.summary, self.folder = build_into_temp(RUN, self)
        self.heartbeat = self.summary["result"]["heartbeat"]
        self.clients = client_summaries()

    def test_the_fixture_is_a_run_whose_clients_fell_behind(self):
        for name, client in self.clients.items():
            self.assertGreater(client["heartbeat"]["late"], 0, name)
            self.assertEqual(client["dead"], 0, name)
            self.assertEqual(client["exit_code"], 0, name)

    def test_round_trip_from_due_is_merged_from_the_clients_histograms(self):
        merged = Histogram(1, 60_000_000, 3)
        for name, client in self.clients.items():
            from_due = client["heartbeat"]["from_due"]
            histogram = decode_base64(from_due["histogram"])
            self.assertEqual(histogram.total_count, from_due["count"], name)
            for key, percentile in PERCENTILES:  # the decoder agrees with the jar's own percentiles
                self.assertEqual(histogram.value_at_percentile(percentile) / 1000, from_due[key], (name, key))
            self.assertEqual(histogram.max_value / 1000, from_due["max_ms"], name)
            merged.add(histogram)
        due = self.heartbeat["from_due"]
        self.assertEqual(due["source"], "merged histograms")
        self.assertEqual(due["merged"]["count"], merged.total_count)
        for key, percentile in PERCENTILES:
            self.assertEqual(due["merged"][key], merged.value_at_percentile(percentile) / 1000, key)
        self.assertEqual(due["merged"]["max_ms"], max(c["heartbeat"]["from_due"]["max_ms"] for c in self.clients.values()))

    def test_from_due_is_never_faster_than_from_written(self):
        written, due = self.heartbeat["merged"], self.heartbeat["from_due"]["merged"]
        for key in ("p50_ms", "p99_ms", "max_ms"):
            self.assertGreaterEqual(due[key], written[key], key)

    def test_schedule_kept_is_over_all_clients(self):
        beats = [c["heartbeat"] for c in self.clients.values()]
        schedule = self.heartbeat["schedule"]
        self.assertTrue(schedule["recorded"])
        self.assertEqual(schedule["due"], sum(b["due"] for b in beats))
        self.assertEqual(schedule["late"], sum(b["late"] for b in beats))
        self.assertEqual(schedule["missed"], sum(b["missed"] for b in beats))
        expected = sum(b["sent"] - b["late"] for b in beats) / sum(b["due"] for b in beats)
        self.assertAlmostEqual(schedule["schedule_kept"], expected, places=6)
        self.assertEqual(schedule["late_after_ms"], 100)
        self.assertEqual(schedule["dead_after_ms"], 3000)

    def test_headline_tiles_carry_both_round_trips_and_the_schedule(self):
        rows = tiles(self.summary)
        written, due = self.heartbeat["merged"], self.heartbeat["from_due"]["merged"]
        self.assertEqual(rows["heartbeat_p50"]["value"], written["p50_ms"])
        self.assertEqual(rows["heartbeat_p99"]["value"], written["p99_ms"])
        self.assertEqual(rows["heartbeat_max"]["value"], written["max_ms"])
        self.assertEqual(rows["heartbeat_due_p50"]["value"], due["p50_ms"])
        self.assertEqual(rows["heartbeat_due_p99"]["value"], due["p99_ms"])
        self.assertEqual(rows["heartbeat_due_max"]["value"], due["max_ms"])
        schedule = self.heartbeat["schedule"]
        self.assertEqual(rows["schedule_kept"]["text"], "%.2f%%" % (schedule["schedule_kept"] * 100))
        self.assertEqual(rows["heartbeat_late"]["text"], "{:,}".format(schedule["late"]))
        self.assertEqual(rows["heartbeat_missed"]["text"], "{:,}".format(schedule["missed"]))

    def test_summary_json_on_disk_has_the_new_figures(self):
        on_disk = read_json(os.path.join(self.folder, "summary.json"))["result"]["heartbeat"]
        self.assertIn("p99_ms", on_disk["from_due"]["merged"])
        self.assertIn("schedule_kept", on_disk["schedule"])
        self.assertEqual(sorted(on_disk["windows"]), sorted(self.clients))

    def test_the_late_tiles_are_amber_not_red(self):
        with open(os.path.join(self.folder, "report.html")) as handle:
            html = handle.read()
        for key in ("heartbeat_late", "heartbeat_missed", "schedule_kept"):
            tile = re.search(r'<div class="tile([^"]*)" data-key="%s">' % key, html)
            self.assertIsNotNone(tile, key)
            self.assertEqual(tile.group(1).split(), ["lag"], key)


class LateIsTheClientsLag(unittest.TestCase):
    """Late and missed heartbeats are the client behind its schedule: never dead, never a server failure,
    never a change of the verdict."""

    def build(self, change=None):
        scratch = ScratchRun(RUN)
        self.addCleanup(scratch.cleanup)
        if change:
            for host in ("loopback-client-1", "loopback-client-2"):
                scratch.edit_json("hosts/%s/client-summary.json" % host, change)
        summary, paths = build(scratch.path)
        with open(paths["report.html"]) as handle:
            html = handle.read()
        with open(paths["report.md"]) as handle:
            markdown = handle.read()
        return summary, html, markdown

    def test_a_run_with_late_heartbeats_is_reached(self):
        summary, html, markdown = self.build()
        self.assertGreater(summary["result"]["heartbeat"]["schedule"]["late"], 0)
        self.assertEqual(verdict(summary)[0], "REACHED")
        self.assertEqual(summary["findings"], [])
        self.assertIsNone(section(html, "findings"))
        self.assertNotIn("## What went wrong", markdown)

    def test_a_client_that_kept_almost_none_of_its_schedule_is_still_reached(self):
        def behind(summary):
            beat = summary["heartbeat"]
            beat.update(late=beat["sent"], missed=beat["due"] - beat["sent"] + 50_000, due=beat["due"] + 50_000,
                        schedule_kept=0.0)
        summary, html, markdown = self.build(behind)
        schedule = summary["result"]["heartbeat"]["schedule"]
        self.assertEqual(schedule["schedule_kept"], 0.0)
        self.assertEqual(verdict(summary)[0], "REACHED")
        self.assertEqual(summary["result"]["dead_total"], 0)
        self.assertEqual(summary["findings"], [])
        self.assertFalse(re.search(r'class="tile bad" data-key="(dead_total|heartbeat_late|heartbeat_missed)"', html))
        lag = section(html, "client-lag")
        self.assertIsNotNone(lag)
        self.assertIn("not the server", lag)
        self.assertIn("fewer connections per client", lag.lower())
        self.assertIn("more CPUs", lag)
        self.assertIn("longer c1m_heartbeat", lag)
        self.assertIn("## The client's lag (not the server's failure)", markdown)

    def test_dead_connections_are_the_servers_and_late_stays_apart(self):
        def dead(summary):
            summary.update(dead=7, heartbeat_stalls=9)
            summary["heartbeat"]["recovered"] = 1
        summary, html, markdown = self.build(dead)
        self.assertEqual(verdict(summary)[0], "REACHED, LOST SOME")
        self.assertEqual([f["kind"] for f in summary["findings"]], ["dead"])
        self.assertEqual(summary["findings"][0]["detail"][0], "a written heartbeat went unanswered for 3,000 ms: "
                                                              "18 time(s) a connection went dead, 2 time(s) one "
                                                              "answered again")
        findings = section(html, "findings")
        self.assertNotIn("late", findings.lower())
        self.assertNotIn("schedule", findings.lower())
        what_went_wrong = markdown.split("## What went wrong", 1)[1].split("\n## ", 1)[0]
        self.assertNotIn("late", what_went_wrong.lower())
        self.assertIsNotNone(section(html, "client-lag"))

    def test_a_client_that_kept_its_schedule_has_no_lag_note(self):
        def on_time(summary):
            beat = summary["heartbeat"]
            beat.update(late=0, missed=0, due=beat["sent"], schedule_kept=1.0)
        summary, html, markdown = self.build(on_time)
        self.assertEqual(summary["result"]["heartbeat"]["schedule"]["schedule_kept"], 1.0)
        self.assertIsNone(summary["result"]["heartbeat"]["schedule"]["client_lag"])
        self.assertIsNone(section(html, "client-lag"))
        self.assertEqual(tiles(summary)["schedule_kept"]["text"], "100.00%")


class Charts(unittest.TestCase):
    def setUp(self):
        run = load_run(fixture(RUN))
        self.summary, curves = build_summary(run)
        self.charts = {c["id"]: c for c in build_charts(run, self.summary, curves)}
        starts = [parse_time(c["started_at"]) for c in client_summaries().values()]
        self.start = min(starts)

    def series(self, chart_id):
        chart = self.charts[chart_id]
        return chart, {s["label"]: dict(zip(chart["xs"], s["values"])) for s in chart["series"]}

    def expected(self, host, column):
        """(seconds since load start, value) of the rows whose cell is filled; the empty ones are skipped."""
        return [(round(parse_time(r["time"]) - self.start, 1), float(r[column]))
                for r in timeline_rows(host) if r[column] != ""]

    def test_round_trip_over_time_has_p50_and_p99_written_and_from_due_per_client(self):
        chart, lines = self.series("chart-heartbeat-time")
        self.assertTrue(chart["log_y"])
        for host in ("loopback-client-1", "loopback-client-2"):
            for label, column in (("p50 written", "rtt_p50_ms"), ("p99 written", "rtt_p99_ms"),
                                  ("p50 from due", "rtt_due_p50_ms"), ("p99 from due", "rtt_due_p99_ms")):
                points = [(x, v) for x, v in lines["%s %s" % (host, label)].items() if v is not None]
                expected = self.expected(host, column)
                self.assertEqual(points, expected, (host, label))
                self.assertEqual(len(points), 3)  # a row every 10 s carries the window: 3 in a 31 s timeline

    def test_schedule_lag_over_time_per_client_with_the_late_line(self):
        chart, lines = self.series("chart-heartbeat-lag")
        for host in ("loopback-client-1", "loopback-client-2"):
            for label, column in (("lag p50", "lag_p50_ms"), ("lag p99", "lag_p99_ms")):
                points = [(x, v) for x, v in lines["%s %s" % (host, label)].items() if v is not None]
                self.assertEqual(points, self.expected(host, column), (host, label))
        self.assertEqual(set(lines["late after 100 ms"].values()), {100})

    def test_old_fixtures_have_no_window_charts(self):
        for name in ("loopback-2x3000", "reached-3x5000"):
            run = load_run(fixture(name))
            summary, curves = build_summary(run)
            ids = [c["id"] for c in build_charts(run, summary, curves)]
            self.assertIn("chart-heartbeat", ids)
            self.assertNotIn("chart-heartbeat-time", ids)
            self.assertNotIn("chart-heartbeat-lag", ids)

    def test_timeline_percentile_cells_are_floats_and_empty_cells_none(self):
        with open(os.path.join(fixture(RUN), "hosts", "loopback-client-1", "client-timeline.csv")) as handle:
            rows = parse_timeline(handle.read())
        filled = [r for r in rows if r["rtt_p50_ms"] is not None]
        self.assertEqual(len(filled), 3)
        self.assertIsInstance(filled[-1]["rtt_p50_ms"], float)
        self.assertLess(filled[-1]["rtt_p50_ms"], 1)  # 0.039 ms, not truncated to 0
        self.assertIsNone(rows[0]["lag_p99_ms"])


class OlderClientJar(unittest.TestCase):
    """Fixtures recorded before the heartbeat schedule: no due, late, missed or from_due. They still build."""

    def test_schedule_figures_are_left_out_and_said_to_be_na(self):
        summary, folder = build_into_temp("loopback-2x3000", self)
        heartbeat = summary["result"]["heartbeat"]
        self.assertFalse(heartbeat["schedule"]["recorded"])
        self.assertIsNone(heartbeat["from_due"])
        self.assertIsNone(heartbeat["schedule"]["schedule_kept"])
        keys = [row["key"] for row in headline(summary)]
        self.assertIn("heartbeat_p99", keys)
        for key in ("heartbeat_due_p50", "schedule_kept", "heartbeat_late"):
            self.assertNotIn(key, keys)
        with open(os.path.join(folder, "report.html")) as handle:
            self.assertIn("those figures are n/a", handle.read())
        self.assertEqual(verdict(summary)[0], "REACHED")

    def test_compare_an_old_run_with_a_new_one(self):
        comparison = compare_runs([fixture("loopback-2x3000"), fixture(RUN)])
        metrics = {m["key"]: m for m in comparison["metrics"]}
        self.assertEqual(metrics["schedule_kept"]["cells"][0], "–")
        self.assertTrue(metrics["schedule_kept"]["cells"][1].endswith("%"))
        self.assertEqual(metrics["heartbeat_due_p99"]["values"][0], None)

if __name__ == "__main__":
    unittest.main()
