"""The HdrHistogram reader against real Java encodings (fixtures/histograms/histograms.json)."""

import base64
import struct
import unittest
import zlib

from helpers import histograms

from c1mlab.hdrhistogram import (HistogramFormatError, Histogram, decode_base64, decode_compressed,
                                    _zigzag_leb128_longs)


class DecodeMatchesJava(unittest.TestCase):
    def test_every_fixture_histogram_matches_what_java_reported(self):
        for name, expected in histograms().items():
            with self.subTest(name=name):
                histogram = decode_base64(expected["base64"])
                self.assertEqual(histogram.total_count, expected["total_count"])
                self.assertEqual(histogram.significant_digits, expected["digits"])
                self.assertEqual(histogram.lowest_discernible, expected["lowest"])
                self.assertEqual(histogram.max_value, expected["max"])
                self.assertEqual(histogram.min_value, expected["min"])
                self.assertAlmostEqual(histogram.mean, expected["mean"], delta=1e-6 * max(1, expected["mean"]))
                for percentile, value in expected["percentiles"].items():
                    self.assertEqual(histogram.value_at_percentile(float(percentile)), value,
                                     "%s p%s" % (name, percentile))

    def test_merging_matches_java_add(self):
        data = histograms()
        for prefix in ("reached", "lost"):
            merged = Histogram(1, 60_000_000, 3)
            for i in (1, 2, 3):
                merged.add(decode_base64(data["%s-c%d" % (prefix, i)]["base64"]))
            expected = data[prefix + "-merged"]
            self.assertEqual(merged.total_count, expected["total_count"])
            for percentile, value in expected["percentiles"].items():
                self.assertEqual(merged.value_at_percentile(float(percentile)), value, "%s p%s" % (prefix, percentile))

    def test_merging_different_layouts_rebuckets_like_java(self):
        data = histograms()
        merged = Histogram(1, 3_600_000_000, 3)
        for name in ("coarse-2digits", "lowest-1000", "reached-c1"):
            merged.add(decode_base64(data[name]["base64"]))
        expected = data["mixed-merged"]
        self.assertEqual(merged.total_count, expected["total_count"])
        for percentile, value in expected["percentiles"].items():
            self.assertEqual(merged.value_at_percentile(float(percentile)), value)

    def test_merged_percentile_is_not_the_average_of_client_percentiles(self):
        data = histograms()
        clients = [decode_base64(data["lost-c%d" % i]["base64"]) for i in (1, 2, 3)]
        averaged = sum(c.value_at_percentile(99.0) for c in clients) / 3
        self.assertNotEqual(data["lost-merged"]["percentiles"]["99.0"], averaged)


class RecordAndIndex(unittest.TestCase):
    def test_index_and_value_round_trip(self):
        h = Histogram(1, 3_600_000_000, 3)
        for value in (0, 1, 2047, 2048, 2049, 4095, 123_456, 3_599_999_999):
            self.assertEqual(h.lowest_equivalent(h.value_from_index(h.index_of(value))), h.lowest_equivalent(value))

    def test_record_then_percentiles(self):
        h = Histogram(1, 60_000_000, 3)
        for value in range(1, 1001):
            h.record(value)
        self.assertEqual(h.value_at_percentile(50.0), 500)
        self.assertEqual(h.value_at_percentile(99.9), 999)
        self.assertEqual(h.max_value, 1000)

    def test_empty_histogram(self):
        h = Histogram()
        self.assertEqual(h.value_at_percentile(99.0), 0)
        self.assertEqual(h.max_value, 0)
        self.assertEqual(h.mean, 0.0)


class BadInput(unittest.TestCase):
    def test_not_base64(self):
        with self.assertRaises(HistogramFormatError):
            decode_base64("this is not base64!")

    def test_wrong_cookie(self):
        with self.assertRaisesRegex(HistogramFormatError, "cookie"):
            decode_compressed(struct.pack(">ii", 0x12345678, 0) + b"x" * 40)

    def test_truncated_compressed_body(self):
        data = base64.b64decode(histograms()["reached-c1"]["base64"])
        with self.assertRaisesRegex(HistogramFormatError, "cut short"):
            decode_compressed(data[:-10])

    def test_corrupt_deflate_stream(self):
        data = bytearray(base64.b64decode(histograms()["reached-c1"]["base64"]))
        data[8:20] = b"\x00" * 12
        with self.assertRaises(HistogramFormatError):
            decode_compressed(bytes(data))

    def test_uncompressed_v2_is_accepted(self):
        data = base64.b64decode(histograms()["reached-c2"]["base64"])
        inner = zlib.decompress(data[8:])
        self.assertEqual(decode_compressed(inner).total_count, 30000)


class ZigZag(unittest.TestCase):
    def encode(self, value):
        value = (value << 1) ^ (value >> 63)
        value &= (1 << 64) - 1
        out = bytearray()
        for _ in range(8):
            if value >> 7 == 0:
                out.append(value)
                return bytes(out)
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value & 0xFF)  # ninth byte: 8 bits
        return bytes(out)

    def test_round_trip_including_nine_byte_values(self):
        for value in (0, 1, -1, 63, -64, 64, 8191, -8192, 2 ** 40, -(2 ** 40), 2 ** 62, -(2 ** 63), 2 ** 63 - 1):
            encoded = self.encode(value)
            self.assertEqual(list(_zigzag_leb128_longs(encoded, 0, len(encoded))), [value], value)


if __name__ == "__main__":
    unittest.main()
