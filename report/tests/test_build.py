"""`build` on the fixture runs: the numbers in summary.json, and every section of the page."""

import glob
import json
import os
import re
import unittest

from helpers import ScratchRun, build_into_temp, fixture, histograms, read_json

from c1mreport.build import build
from c1mreport.summarize import SETTINGS_KEYS


def client_summaries(name):
    paths = sorted(glob.glob(os.path.join(fixture(name), "hosts", "*", "client-summary.json")))
    return {os.path.basename(os.path.dirname(p)): read_json(p) for p in paths}


def server_summary(name):
    return read_json(os.path.join(fixture(name), "hosts", "c1m-server", "server-summary.json"))


def java_merged(prefix):
    return histograms()[prefix + "-merged"]


def section(html, section_id):
    """One <section> of the page, by its id."""
    match = re.search(r'<section id="%s">(.*?)</section>' % section_id, html, re.DOTALL)
    return match.group(1) if match else ""


def setting_row(html, setting):
    """The cells of one row of "Settings in force" (after the setting's name)."""
    match = re.search(r"<tr><td><code>%s</code></td>(.*?)</tr>" % re.escape(setting), section(html, "settings"))
    return re.findall(r"<td>(.*?)</td>", match.group(1)) if match else None


class CommonChecks:
    """Assertions that hold for every fixture: the headline agrees with the hosts' own summaries."""
    name = None

    def setUp(self):
        self.summary, self.folder = build_into_temp(self.name, self)
        self.result = self.summary["result"]
        with open(os.path.join(self.folder, "report.html")) as handle:
            self.html = handle.read()
        with open(os.path.join(self.folder, "report.md")) as handle:
            self.md = handle.read()

    def test_files_written_and_summary_is_the_json_on_disk(self):
        self.assertEqual(read_json(os.path.join(self.folder, "summary.json")), json.loads(json.dumps(self.summary)))

    def test_headline_matches_client_summaries(self):
        clients = client_summaries(self.name)
        self.assertEqual(self.result["established"], {n: c["established"] for n, c in clients.items()})
        self.assertEqual(self.result["established_total"], sum(c["established"] for c in clients.values()))
        self.assertEqual(self.result["reached"], all(c["reached"] for c in clients.values()))
        self.assertEqual(self.result["lost_total"], sum(c["lost"] for c in clients.values()))
        self.assertEqual(self.result["dead_total"], sum(c["dead"] for c in clients.values()))
        self.assertEqual(self.result["failures"]["total"], sum(c["failed_total"] for c in clients.values()))
        self.assertEqual(self.result["server_peak_open"], server_summary(self.name)["peak_open"])

    def test_inventory_lists_every_host(self):
        hosts = {h["name"]: h for h in self.summary["inventory"]["hosts"]}
        self.assertEqual(set(hosts), {"c1m-server", "c1m-client-1", "c1m-client-2", "c1m-client-3"})
        self.assertEqual(hosts["c1m-server"]["memory_mb"], 6144)
        self.assertEqual(hosts["c1m-client-1"]["cpus"], 2)
        self.assertEqual(hosts["c1m-server"]["kernel"], "6.1.0-28-amd64")

    def test_milestones_above_the_target_are_skipped(self):
        target = self.result["target"]
        self.assertTrue(all(m["connections"] <= target for m in self.result["time_to"]))
        self.assertEqual(self.result["time_to"][-1]["label"], "target")

    def test_cost_per_connection_is_plausible(self):
        server = self.summary["cost"]["server"]
        self.assertGreater(server["process_bytes_per_connection"], 500)
        self.assertLess(server["process_bytes_per_connection"], 5000)
        self.assertGreater(server["kernel_bytes_per_connection"], 2000)
        self.assertLess(server["kernel_bytes_per_connection"], 6000)
        self.assertIn("slabinfo", server["kernel_source"])
        self.assertEqual(server["rss_bytes_at_peak"], server_summary(self.name)["rss_bytes_at_peak"])

    def test_html_has_every_section(self):
        for marker in ('id="headline"', 'id="chart-open"', 'id="chart-rate"', 'id="chart-memory-server"',
                       'id="chart-memory-clients"', 'id="conntrack"', 'id="failures"', 'id="cost"', 'id="settings"',
                       'id="inventory"', 'id="doctor"', "Failures by kind", "Settings in force"):
            self.assertIn(marker, self.html)
        for kind in ("EMFILE", "ENFILE", "EADDRNOTAVAIL", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "ENOBUFS", "OTHER"):
            self.assertIn("<b>%s</b>" % kind, self.html)

    def test_settings_in_force_are_the_collected_values_without_a_verdict(self):
        self.assertNotIn("checks", self.summary)
        per_host = self.summary["settings"]["per_host"]
        settings = section(self.html, "settings")
        self.assertEqual(re.findall(r"<th>([^<]+)<br>", settings), list(per_host))
        for key in SETTINGS_KEYS:
            self.assertEqual(setting_row(self.html, key), [per_host[h]["sysctl"].get(key, "–") for h in per_host], key)
        for label, key in (("open files, soft limit (LimitNOFILE / ulimit -n)", "nofile_soft"),
                           ("open files, hard limit", "nofile_hard")):
            self.assertEqual(setting_row(self.html, label), [str(per_host[h][key]) for h in per_host], label)
        for verdict in ("pill", "status-", "needs", "short", "tight"):
            self.assertNotIn(verdict, settings)
        self.assertIn('href="#doctor"', settings)
        self.assertIn("| net.ipv4.tcp_mem | %s |" % " | ".join(per_host[h]["sysctl"]["net.ipv4.tcp_mem"] for h in per_host),
                      self.md)

    def test_html_is_self_contained(self):
        self.assertNotRegex(self.html, r"""(src|href)\s*=\s*["']?(https?:)?//""")
        self.assertNotIn("<link", self.html)
        self.assertIn("var uPlot=", self.html)

    def test_markdown_has_headline_and_tables(self):
        self.assertTrue(self.md.startswith("# c1m run `%s`" % self.summary["run"]["run_id"]))
        for heading in ("## Failures by kind", "## Cost", "## The doctor before the run", "## Settings in force",
                        "## Hosts"):
            self.assertIn(heading, self.md)
        self.assertNotIn("fall short", self.md)
        self.assertIn("| Peak open on the server | %s |" % "{:,}".format(self.result["server_peak_open"]), self.md)


class ReachedRun(CommonChecks, unittest.TestCase):
    name = "reached-3x5000"

    def test_numbers(self):
        r = self.result
        self.assertTrue(r["reached"])
        self.assertEqual(r["target"], 15000)
        self.assertEqual(r["established_total"], 15000)
        self.assertEqual(r["server_peak_open"], 15000)
        self.assertEqual([m["label"] for m in r["time_to"]], ["target"])
        self.assertTrue(5 < r["time_to"][0]["seconds"] < 20)
        self.assertEqual(r["failures"]["by_kind"], {})
        self.assertEqual(r["exit_codes"], {"c1m-client-1": 0, "c1m-client-2": 0, "c1m-client-3": 0})
        # 3 clients at about 500/s each
        self.assertTrue(1200 < r["connect_rate"]["peak_per_s"] < 1800, r["connect_rate"])
        self.assertTrue(1000 < r["connect_rate"]["mean_per_s"] <= r["connect_rate"]["peak_per_s"])

    def test_heartbeat_percentiles_are_merged_from_histograms(self):
        heartbeat = self.result["heartbeat"]
        expected = java_merged("reached")
        self.assertEqual(heartbeat["source"], "merged histograms")
        self.assertEqual(heartbeat["merged"]["count"], 90000)
        self.assertEqual(heartbeat["merged"]["p50_ms"], expected["percentiles"]["50.0"] / 1000)
        self.assertEqual(heartbeat["merged"]["p99_ms"], expected["percentiles"]["99.0"] / 1000)
        self.assertEqual(heartbeat["merged"]["p999_ms"], expected["percentiles"]["99.9"] / 1000)
        self.assertEqual(heartbeat["merged"]["max_ms"], expected["max"] / 1000)
        self.assertIn('id="chart-heartbeat"', self.html)

    def test_nothing_went_wrong(self):
        self.assertEqual(self.summary["findings"], [])
        self.assertNotIn('id="findings"', self.html)
        self.assertEqual(self.summary["problems"], [])
        self.assertIn(": REACHED", self.md.splitlines()[0])

    def test_conntrack(self):
        ct = self.summary["cost"]["conntrack"]["c1m-server"]
        self.assertEqual((ct["count"], ct["max"], ct["buckets"]), (15006, 262144, 65536))
        self.assertFalse(ct["full"])


class StalledOnPortsRun(CommonChecks, unittest.TestCase):
    name = "stalled-eaddrnotavail"

    def test_numbers(self):
        r = self.result
        self.assertFalse(r["reached"])
        self.assertEqual(r["target"], 1000000)
        self.assertEqual(r["established_total"], 289412 + 287950 + 290118)
        self.assertEqual(r["server_peak_open"], 867480)
        marks = {m["label"]: m["seconds"] for m in r["time_to"]}
        self.assertEqual(list(marks), ["100k", "500k", "target"])
        self.assertIsNone(marks["target"])
        self.assertTrue(0 < marks["100k"] < marks["500k"] < 60)
        self.assertEqual(r["failures"]["by_kind"], {"EADDRNOTAVAIL": 132520})
        self.assertEqual(r["failures"]["by_host"]["c1m-client-1"], {"EADDRNOTAVAIL": 333334 - 289412})
        self.assertEqual(r["failures"]["connect_errors_by_kind"]["ETIMEDOUT"], 36)
        self.assertGreater(r["connect_rate"]["peak_per_s"], 3 * r["connect_rate"]["mean_per_s"])
        self.assertEqual(set(r["exit_codes"].values()), {1})

    def test_heartbeat_off_is_said(self):
        self.assertFalse(self.result["heartbeat"]["enabled"])
        self.assertIn("heartbeats were off", self.html)
        self.assertNotIn('id="chart-heartbeat"', self.html)

    def test_the_clients_port_range_is_shown_and_explains_the_failure(self):
        self.assertEqual(setting_row(self.html, "net.ipv4.ip_local_port_range"),
                         ["1024 65535", "32768 60999", "32768 60999", "32768 60999"])
        finding = self.summary["findings"][0]
        self.assertEqual(finding["kind"], "EADDRNOTAVAIL")
        self.assertIn("ip_local_port_range", finding["fix"])
        self.assertIn("HALF", finding["fix"])
        # The 5-tuple as facts, the line the playbook prints (c1mlab.evidence): 28,232 ports, half usable,
        # and 333,334 over 20 server ports puts 16,667 on each.
        self.assertEqual(finding["detail"][:2], [
            "c1m-client-1: ip_local_port_range 32768 60999 = 28,232 ports, about 14,116 usable per (source, server, "
            "port); its share of 333,334 over 20 port(s) puts 16,667 on each",
            "c1m-client-2, c1m-client-3: ip_local_port_range 32768 60999 = 28,232 ports, about 14,116 usable per "
            "(source, server, port); its share of 333,333 over 20 port(s) puts 16,667 on each"])
        self.assertIn('id="findings"', self.html)
        self.assertIn("its share of 333,334 over 20 port(s) puts 16,667 on each", self.md)
        self.assertIn("## What went wrong", self.md)
        self.assertIn(": NOT REACHED", self.md.splitlines()[0])

    def test_failed_run_shows_log_tails(self):
        self.assertIn('id="logs"', self.html)
        self.assertIn("connect failed for good: EADDRNOTAVAIL", self.html)

    def test_conntrack_unavailable_on_the_server(self):
        self.assertIsNone(self.summary["cost"]["conntrack"]["c1m-server"])
        self.assertIn("conntrack not loaded", self.html)


class LostConnectionsRun(CommonChecks, unittest.TestCase):
    name = "lost-connections"

    def test_numbers(self):
        r = self.result
        self.assertTrue(r["reached"])
        self.assertEqual(r["lost"], {"c1m-client-1": 420, "c1m-client-2": 1840, "c1m-client-3": 388})
        self.assertEqual(r["lost_total"], 2648)
        self.assertEqual(r["dead_total"], 423)
        self.assertEqual(r["failures"]["total"], 0)
        self.assertEqual([m["label"] for m in r["time_to"]], ["100k", "target"])
        self.assertIn(": REACHED, LOST SOME", self.md.splitlines()[0])

    def test_heartbeat_merged_matches_java(self):
        heartbeat = self.result["heartbeat"]
        expected = java_merged("lost")
        for key, percentile in (("p50_ms", "50.0"), ("p90_ms", "90.0"), ("p99_ms", "99.0"), ("p999_ms", "99.9")):
            self.assertEqual(heartbeat["merged"][key], expected["percentiles"][percentile] / 1000, key)
        self.assertEqual(heartbeat["merged"]["count"], expected["total_count"])
        # The worst client's p99 is far above the merged one: averaging or taking the max would mislead.
        self.assertGreater(heartbeat["per_client"]["c1m-client-2"]["p99_ms"], heartbeat["merged"]["p99_ms"])

    def test_tcp_memory_and_the_servers_log_explain_the_losses(self):
        self.assertEqual(setting_row(self.html, "net.ipv4.tcp_mem")[0], "3072 4096 6144")
        kinds = [f["kind"] for f in self.summary["findings"]]
        self.assertEqual(kinds, ["lost", "dead"])
        lost, dead = self.summary["findings"]
        # sockstat's pages in use at peak beside tcp_mem: past its max (6,144), as facts.
        self.assertEqual(lost["detail"][0], "c1m-server at peak: 6,151 pages of TCP buffers in use (24.0 MiB); "
                                            "net.ipv4.tcp_mem 3072 4096 6144 (min pressure max, in pages)")
        self.assertTrue(any("out of memory" in line for line in lost["detail"]))
        self.assertEqual(dead["detail"], ["the same evidence as for the lost connections above"])


class Fallbacks(unittest.TestCase):
    def scratch(self, name):
        scratch = ScratchRun(name)
        self.addCleanup(scratch.cleanup)
        return scratch

    def test_missing_histogram_falls_back_to_per_client_percentiles_and_says_so(self):
        scratch = self.scratch("lost-connections")
        scratch.edit_json("hosts/c1m-client-2/client-summary.json",
                          lambda s: s["heartbeat"].update(histogram=None))
        summary, paths = build(scratch.path)
        heartbeat = summary["result"]["heartbeat"]
        self.assertEqual(heartbeat["source"], "per-client percentiles")
        self.assertIsNone(heartbeat["merged"])
        self.assertIn("c1m-client-2: no histogram", heartbeat["note"])
        clients = client_summaries("lost-connections")
        self.assertEqual(heartbeat["upper_bound"]["p99_ms"], max(c["heartbeat"]["p99_ms"] for c in clients.values()))
        with open(paths["report.html"]) as handle:
            html = handle.read()
        self.assertIn("merged percentiles unavailable", html)
        self.assertIn("Histograms were missing", html)

    def test_corrupt_histogram_is_named(self):
        scratch = self.scratch("reached-3x5000")
        scratch.edit_json("hosts/c1m-client-1/client-summary.json",
                          lambda s: s["heartbeat"].update(histogram="HISTFAAAAAAAAAAAA"))
        summary, _ = build(scratch.path)
        self.assertIn("c1m-client-1: histogram unreadable", summary["result"]["heartbeat"]["note"])

    def test_server_folder_missing(self):
        import shutil
        scratch = self.scratch("stalled-eaddrnotavail")
        shutil.rmtree(scratch.host("c1m-server"))
        summary, paths = build(scratch.path)
        self.assertIsNone(summary["result"]["server_peak_open"])
        self.assertTrue(any("c1m-server is named in run.json" in p for p in summary["problems"]))
        self.assertEqual(summary["result"]["established_total"], 867480)
        self.assertTrue(os.path.exists(paths["report.html"]))

    def test_run_that_failed_to_start(self):
        import shutil
        scratch = self.scratch("reached-3x5000")
        shutil.rmtree(os.path.join(scratch.path, "hosts"))
        scratch.edit_json("run.json", lambda r: r.update(outcome="failed_to_start"))
        summary, paths = build(scratch.path)
        self.assertFalse(summary["result"]["reached"])
        self.assertTrue(any("no hosts/ folder" in p for p in summary["problems"]))
        with open(paths["report.md"]) as handle:
            self.assertIn("NO CONNECTIONS", handle.readline())

    def test_client_without_summary_and_timeline_cut_short(self):
        scratch = self.scratch("reached-3x5000")
        os.remove(scratch.host("c1m-client-3", "client-summary.json"))
        with open(scratch.host("c1m-client-2", "client-timeline.csv"), "a") as handle:
            handle.write("2026-11-21T10:16:40.1")
        summary, _ = build(scratch.path)
        self.assertFalse(summary["result"]["reached"])  # one client never reported
        self.assertTrue(any("c1m-client-3: no client-summary.json" in p for p in summary["problems"]))

    def test_timeouts_with_conntrack_full_point_at_conntrack(self):
        scratch = self.scratch("stalled-eaddrnotavail")
        scratch.edit_json("hosts/c1m-client-1/client-summary.json",
                          lambda s: s["failed"].update(ETIMEDOUT=100))
        with open(scratch.host("c1m-client-1", "conntrack.txt"), "w") as handle:
            handle.write("262144 262144 65536\n")
        summary, _ = build(scratch.path)
        finding = next(f for f in summary["findings"] if f["kind"] == "ETIMEDOUT")
        self.assertTrue(any("conntrack on c1m-client-1 is at its max" in d for d in finding["detail"]))
        self.assertIn("nf_conntrack_max", finding["fix"])
        self.assertTrue(summary["cost"]["conntrack"]["c1m-client-1"]["full"])


if __name__ == "__main__":
    unittest.main()
