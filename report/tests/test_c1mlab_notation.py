"""c1mlab.notation against the shared vectors (tests/vectors/notation.json), which the jars' tests read too."""
import json
import os
import unittest

import helpers  # noqa: F401  (puts report/ on the path)
from c1mlab import notation, plan

VECTORS = os.path.join(helpers.REPORT, "..", "tests", "vectors", "notation.json")
PARSERS = {"counts": notation.count, "durations": notation.duration_ms, "ports": notation.ports,
           "sources": notation.source_addresses}


class SharedVectors(unittest.TestCase):
    def test_every_vector(self):
        with open(VECTORS, encoding="utf-8") as handle:
            vectors = json.load(handle)
        self.assertEqual(sorted(k for k in vectors if k != "about"), sorted(PARSERS))
        for section, cases in sorted(vectors.items()):
            if section == "about":
                continue
            self.assertGreater(len(cases), 5, section)
            for case in cases:
                with self.subTest(section=section, value=case["in"]):
                    if case.get("error"):
                        with self.assertRaises(notation.NotationError):
                            PARSERS[section](case["in"])
                    else:
                        self.assertEqual(PARSERS[section](case["in"]), case["out"])


class PythonValues(unittest.TestCase):
    """What the playbooks hand over besides text: numbers and YAML lists."""

    def test_numbers(self):
        self.assertEqual(notation.count(333334), 333334)
        self.assertEqual(notation.count(1500.0), 1500)
        self.assertRaises(notation.NotationError, notation.count, 1.5)
        self.assertRaises(notation.NotationError, notation.count, True)
        self.assertEqual(notation.duration_ms(45), 45000)
        self.assertEqual(notation.seconds("500ms"), 0.5)
        self.assertEqual(notation.ports(9000), [9000])
        self.assertEqual(notation.ports([9001, "9003-9004", 9000]), [9000, 9001, 9003, 9004])

    def test_no_source_address_is_the_kernels_choice(self):
        for value in (None, "", [], " , "):
            self.assertEqual(notation.source_addresses(value), [])
            self.assertEqual(notation.source_count(value), 1)
        self.assertEqual(notation.source_count("10.0.0.0/29"), 6)
        self.assertEqual(notation.source_count(["10.0.0.2", "10.0.0.3"]), 2)

    def test_port_range(self):
        self.assertEqual(notation.port_range_size("1024 65535"), 64512)
        self.assertEqual(notation.port_range_size("40000\t40999"), 1000)
        for bad in ("1024", "65535 1024", None, "a b"):
            self.assertRaises(notation.NotationError, notation.port_range_size, bad)

    def test_lenient_reading_for_the_report(self):
        self.assertIsNone(notation.lenient(notation.count, "1.5"))
        self.assertIsNone(notation.lenient(notation.count, None))
        self.assertEqual(notation.lenient(notation.ports, "x", []), [])
        self.assertEqual(notation.lenient(notation.count, "2k"), 2000)

    def test_shares_cover_the_target_and_differ_by_at_most_one(self):
        for total in (1000000, 15000, 7, 1000001):
            for clients in (1, 2, 3, 7):
                hosts = ["c%d" % i for i in range(clients)]
                shares = [plan.share(total, hosts, h) for h in hosts]
                self.assertEqual(sum(shares), total)
                self.assertLessEqual(max(shares) - min(shares), 1)
        self.assertEqual([plan.share("1m", "abc", h) for h in "abc"], [333334, 333333, 333333])
        self.assertRaises(notation.NotationError, plan.share, 10, ["a"], "b")


if __name__ == "__main__":
    unittest.main()
