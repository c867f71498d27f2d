"""Servers the lab did not build (docs/servers.md): the report names the run's server and protocol, says what
it cannot measure ("n/a" with the reason) and measures a server without a summary from outside
(process.txt: its /proc status at the peak snapshot), never making a number up."""

import json
import os
import re
import shutil
import unittest

from helpers import ScratchRun

from c1mreport.build import build
from c1mreport.compare import compare_runs

SERVER = "c1m-server"
PROCESS_TXT = """# /proc/4242/status of c1m-server.service
Name:\tpython3
VmHWM:\t   81920 kB
VmRSS:\t   65536 kB
Threads:\t1
"""


class Servers(unittest.TestCase):
    def scratch(self, name="reached-3x5000"):
        scratch = ScratchRun(name)
        self.addCleanup(scratch.cleanup)
        return scratch

    def command_server(self, process_txt):
        """A recorded run as if its server had been your own (c1m_server_impl=command): no summary or timeline
        of its own, its /proc status at the peak snapshot in process.txt."""
        scratch = self.scratch()
        scratch.edit_json("run.json", lambda run: run["server"].update(impl="command"))
        for name in ("server-summary.json", "server-timeline.csv"):
            os.remove(scratch.host(SERVER, name))
        with open(scratch.host(SERVER, "process.txt"), "w") as handle:
            handle.write(process_txt)
        return scratch

    def built(self, scratch):
        summary, _ = build(scratch.path)
        with open(os.path.join(scratch.path, "report.md")) as handle:
            md = handle.read()
        with open(os.path.join(scratch.path, "report.html")) as handle:
            html = handle.read()
        return summary, md, html

    def test_a_run_recorded_before_servers_could_be_chosen_is_netty_over_raw(self):
        summary, md, _ = self.built(self.scratch())
        server = summary["cost"]["server"]
        self.assertEqual((server["impl"], server["heap_na"]), ("netty", None))
        self.assertEqual((summary["settings"]["server_impl"], summary["settings"]["protocol"]), ("netty", "raw"))
        self.assertIn("server (netty)", md)
        self.assertNotIn("heap n/a", md)

    def test_the_c_server_has_no_heap_and_says_so(self):
        scratch = self.scratch()
        scratch.edit_json("run.json", lambda run: run["server"].update(impl="c-epoll"))
        scratch.edit_json("hosts/%s/server-summary.json" % SERVER, lambda s: (
            s.pop("heap_used_bytes_at_peak", None), s.pop("heap_used_bytes", None), s.pop("jvm", None)))
        summary, md, html = self.built(scratch)
        server = summary["cost"]["server"]
        self.assertEqual(server["impl"], "c-epoll")
        self.assertEqual(server["heap_na"], "the server is c-epoll: no JVM heap")
        self.assertIn("server (c-epoll)", md)
        self.assertIn("- %s: heap n/a: the server is c-epoll: no JVM heap" % SERVER, md)
        self.assertIn("heap n/a: the server is c-epoll", html)
        # Its RSS still comes from its own summary and timeline.
        self.assertIsNotNone(server["rss_bytes_at_peak"])
        self.assertEqual(server["rss_source"], "the process's own summary and timeline")

    def test_your_own_server_without_a_summary_is_measured_from_outside(self):
        scratch = self.command_server(PROCESS_TXT)
        summary, md, _ = self.built(scratch)
        server = summary["cost"]["server"]
        sockets = server["kernel_sockets"]
        self.assertEqual(server["rss_bytes_at_peak"], 65536 * 1024)
        self.assertEqual(server["rss_source"], "VmRSS at the peak snapshot (process.txt), seen from outside")
        self.assertEqual(server["peak_open"], 15000, "the clients held 15,000: the server's count")
        self.assertEqual(server["process_bytes_per_connection_average"], round(65536 * 1024 / sockets))
        self.assertIsNone(server["process_bytes_per_connection"], "no slope is made up without a timeline")
        self.assertIn("≈ ", md)
        self.assertIn("(average)", md)
        self.assertIn("seen from outside", md)
        self.assertIn("heap n/a: the server is command", md)
        self.assertNotIn("no server-summary.json", md, "a server the lab did not build writes none: not a problem")

    def test_your_own_servers_snapshot_after_the_connections_closed_gives_no_average(self):
        scratch = self.command_server(PROCESS_TXT)
        path = scratch.host(SERVER, "sockstat.txt")
        with open(path) as handle:
            text = handle.read()
        with open(path, "w") as handle:
            handle.write(re.sub(r"TCP: inuse \d+", "TCP: inuse 40", text))
        summary, md, _ = self.built(scratch)
        server = summary["cost"]["server"]
        self.assertEqual(server["peak_open"], 15000, "the clients' peak: what the server held")
        self.assertIsNone(server["process_bytes_per_connection_average"])
        self.assertIn("per connection n/a: the snapshot saw", md)
        self.assertIsNone(server["kernel_bytes_per_connection"])

    def test_a_server_not_running_at_the_snapshot_gives_no_rss(self):
        scratch = self.command_server("# c1m-server.service is not running\n")
        summary, _, _ = self.built(scratch)
        server = summary["cost"]["server"]
        self.assertIsNone(server["rss_bytes_at_peak"])
        self.assertIsNone(server["process_bytes_per_connection_average"])

    def test_an_external_server_is_named_and_nothing_of_it_is_made_up(self):
        scratch = self.scratch()
        scratch.edit_json("run.json", lambda run: run.update(server={"hostname": None, "address": "10.9.9.9",
                                                                      "impl": "external"}))
        shutil.rmtree(scratch.host(SERVER))
        summary, md, html = self.built(scratch)
        self.assertIsNone(summary["cost"]["server"])
        self.assertEqual(summary["settings"]["server_impl"], "external")
        self.assertIn("external server at 10.9.9.9", md)
        self.assertIn("outside the lab", md)
        self.assertIn("external server at 10.9.9.9", html)
        self.assertNotIn("no server-summary.json", md)
        self.assertEqual(summary["result"]["reached"], True, "the clients decide whether the target was reached")

    def test_a_snapshot_taken_after_the_connections_closed_gives_no_kernel_figure(self):
        scratch = self.scratch()
        path = scratch.host("c1m-client-1", "sockstat.txt")
        with open(path) as handle:
            text = handle.read()
        with open(path, "w") as handle:
            handle.write(re.sub(r"TCP: inuse \d+", "TCP: inuse 2", text))
        summary, md, _ = self.built(scratch)
        cost = summary["cost"]["hosts"]["c1m-client-1"]
        self.assertIsNone(cost["kernel_bytes_per_connection"])
        # TCP and TCP6 together: 2 + the fixture's 3 IPv6 sockets.
        self.assertIn("the snapshot saw 5 TCP sockets, the peak was 5000 connections", cost["kernel_source"])
        self.assertIn("kernel per connection n/a: the snapshot saw 5 TCP sockets", md)
        self.assertIsNotNone(summary["cost"]["hosts"]["c1m-client-2"]["kernel_bytes_per_connection"])

    def test_a_shared_kernels_other_family_is_not_charged_to_this_hosts_sockets(self):
        # An IPv4 server (the C server) in a container whose host also holds 15,000 IPv6 sockets (Java clients):
        # slabinfo is the host's, sockstat this host's, so the TCPv6 cache counts only this host's 3.
        scratch = self.scratch()
        before, _, _ = self.built(scratch)
        with open(scratch.host(SERVER, "slabinfo.txt"), "a") as handle:
            handle.write("TCPv6              15040  15050   2560   12    8 : tunables    0    0    0 : slabdata   1254   1254      0\n")
        after, _, _ = self.built(scratch)
        grown = after["cost"]["server"]["kernel_bytes"] - before["cost"]["server"]["kernel_bytes"]
        self.assertEqual(grown, 3 * 2560, "three IPv6 sockets of this host's, not 15,002")

    def test_compare_names_the_server_and_the_protocol_that_differ(self):
        raw = self.scratch()
        ws = ScratchRun("reached-3x5000")
        self.addCleanup(ws.cleanup)
        ws.edit_json("run.json", lambda run: (run.update(protocol="websocket", run_id="ws-run"),
                                              run["server"].update(impl="c-epoll")))
        result = compare_runs([raw.path, ws.path])
        text = json.dumps(result, default=str)
        self.assertIn("run: server impl", text)
        self.assertIn("run: protocol", text)
        self.assertIn("websocket", text)
        self.assertIn("c-epoll", text)


if __name__ == "__main__":
    unittest.main()
