"""A run recorded with the real jars over loopback (fixtures/record-loopback-run.sh): the report must
agree with what the jars themselves wrote, including the percentiles the client computed in Java."""

import glob
import os
import unittest

from helpers import build_into_temp, fixture, read_json

from c1mlab.hdrhistogram import decode_base64

RUN = "loopback-2x3000"


def summaries(role):
    paths = sorted(glob.glob(os.path.join(fixture(RUN), "hosts", "*", role + "-summary.json")))
    return {os.path.basename(os.path.dirname(p)): read_json(p) for p in paths}


class RealLoopbackRun(unittest.TestCase):
    def setUp(self):
        self.summary, self.folder = build_into_temp(RUN, self)
        self.result = self.summary["result"]
        self.clients = summaries("client")
        self.server = next(iter(summaries("server").values()))

    def test_headline_matches_the_jars_summaries(self):
        self.assertEqual(self.result["reached"], all(c["reached"] for c in self.clients.values()))
        self.assertEqual(self.result["established_total"], sum(c["established"] for c in self.clients.values()))
        self.assertEqual(self.result["server_peak_open"], self.server["peak_open"])
        self.assertEqual(self.result["failures"]["total"], sum(c["failed_total"] for c in self.clients.values()))
        self.assertEqual(self.result["exit_codes"], {n: c["exit_code"] for n, c in self.clients.items()})

    def test_decoder_reproduces_the_clients_own_percentiles(self):
        for name, client in self.clients.items():
            heartbeat = client["heartbeat"]
            histogram = decode_base64(heartbeat["histogram"])
            self.assertEqual(histogram.total_count, heartbeat["received"], name)
            for key, percentile in (("p50_ms", 50), ("p90_ms", 90), ("p99_ms", 99), ("p999_ms", 99.9)):
                self.assertEqual(histogram.value_at_percentile(percentile) / 1000, heartbeat[key], (name, key))
            self.assertEqual(histogram.max_value / 1000, heartbeat["max_ms"], name)

    def test_merged_heartbeat_counts_every_round_trip(self):
        heartbeat = self.result["heartbeat"]
        self.assertEqual(heartbeat["source"], "merged histograms")
        self.assertEqual(heartbeat["merged"]["count"], sum(c["heartbeat"]["received"] for c in self.clients.values()))
        lows = [c["heartbeat"]["p50_ms"] for c in self.clients.values()]
        self.assertTrue(min(lows) <= heartbeat["merged"]["p50_ms"] <= max(lows))

    def test_peak_connect_rate_respects_the_rate_limit(self):
        # two clients at --rate 1000: no second may show far more than 2000 new connections
        self.assertLessEqual(self.result["connect_rate"]["peak_per_s"], 2300)
        for peak in self.result["connect_rate"]["per_client_peak_per_s"].values():
            self.assertLessEqual(peak, 1150)

    def test_java_dual_stack_sockets_are_counted_for_the_kernel_cost(self):
        # Java's sockets show up as TCP6 in sockstat and TCPv6 in slabinfo even for IPv4 peers.
        cost = self.summary["cost"]["hosts"]["loopback-server"]
        self.assertGreaterEqual(cost["kernel_sockets"], 6000)
        self.assertIn("TCPv6", cost["kernel_source"])
        self.assertTrue(1000 < cost["kernel_bytes_per_connection"] < 10000)


if __name__ == "__main__":
    unittest.main()
