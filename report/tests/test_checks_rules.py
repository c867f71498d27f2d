"""The report's settings checks take their numbers from rules.properties (via c1mlab), as the doctor does."""
import types
import unittest

import helpers  # noqa: F401  (puts report/ on the path)
from c1mlab.rules import RULES
from c1mreport import checks


def host(role, sysctl, summary=None, conntrack=None):
    return types.SimpleNamespace(name="h", role=role, sysctl=sysctl, summary=summary or {}, limits={},
                                 conntrack=conntrack, sockstat={}, meminfo={})


def status(result, setting):
    return next(c["status"] for c in result["checks"] if c["setting"] == setting)


class FromTheRules(unittest.TestCase):
    def test_open_files_needed_are_the_share_plus_the_descriptor_reserve(self):
        reserve = RULES.integer("descriptors.reserve")
        settings = {"clients": [{"host": "h", "share": 10000}]}
        for nofile, expected in ((10000 + reserve, "ok"), (10000 + reserve - 1, "short")):
            result = checks.host_checks(host("client", {"fs.nr_open": str(nofile)}), settings)
            self.assertEqual(status(result, "fs.nr_open"), expected, nofile)

    def test_ports_are_tight_past_the_tight_share_of_the_half_range(self):
        # 1,000 local ports x 2 source addresses x 1 server port: 1,000 before connect() slows.
        sysctl = {"net.ipv4.ip_local_port_range": "40000 40999"}
        summary = {"source_ips": ["10.0.0.2", "10.0.0.3"]}
        tight = RULES.fraction("capacity.tight_fraction")
        for share, expected in ((int(1000 * tight), "ok"), (int(1000 * tight) + 2, "tight"), (1002, "short")):
            result = checks.host_checks(host("client", sysctl, summary),
                                        {"clients": [{"host": "h", "share": share}], "ports_list": [9000]})
            self.assertEqual(status(result, "net.ipv4.ip_local_port_range"), expected, share)

    def test_conntrack_is_tight_past_the_tight_share_of_its_max(self):
        for maximum, expected in ((1_000_000, "tight"), (1_200_000, "ok"), (999_999, "short")):
            result = checks.host_checks(host("server", {}, conntrack={"count": 0, "max": maximum, "buckets": None}),
                                        {"target_connections": 1_000_000})
            self.assertEqual(status(result, "net.netfilter.nf_conntrack_max"), expected, maximum)


if __name__ == "__main__":
    unittest.main()
