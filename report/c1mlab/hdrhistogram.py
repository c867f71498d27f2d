"""A small reader for HdrHistogram's compressed encoding, with merging and percentiles.

The client jar stores its heartbeat round trips as base64 of Java's
`Histogram.encodeIntoCompressedByteBuffer` (values in microseconds). Debian ships no Python
HdrHistogram, so this follows the Java sources (HdrHistogram 2.2.x, AbstractHistogram and
ZigZagEncoding) for the one layout the jar writes:

    compressed wrapper: int cookie 0x1c849304 (| 0x10), int length, zlib stream of:
    V2 encoding:        int cookie 0x1c849303 (| 0x10), int payload length, int normalizing offset,
                        int significant digits, long lowest discernible, long highest trackable,
                        double int-to-double ratio, then the counts as ZigZag LEB128 longs where a
                        negative number -n stands for n empty buckets.

Everything is big-endian. Percentiles and merging copy the Java arithmetic so the numbers match
what HdrHistogram itself reports (the tests check this against real encodings).
"""

import base64
import binascii
import math
import struct
import zlib

V2_ENCODING_COOKIE = 0x1C849303
V2_COMPRESSED_COOKIE = 0x1C849304
V1_ENCODING_COOKIE = 0x1C849301
V1_COMPRESSED_COOKIE = 0x1C849302
_HEADER = struct.Struct(">iiiiqqd")  # cookie, payload length, offset, digits, lowest, highest, ratio


class HistogramFormatError(ValueError):
    """The bytes are not an HdrHistogram encoding this reader understands."""


def _cookie_base(cookie):
    # The low bits of the second nibble carry the word size; the base identifies the format.
    return cookie & ~0xF0


class Histogram:
    """Counts per HdrHistogram bucket, with the layout of Java's Histogram(lowest, highest, digits)."""

    def __init__(self, lowest_discernible=1, highest_trackable=3_600_000_000, significant_digits=3):
        if lowest_discernible < 1:
            raise ValueError("lowest discernible value must be >= 1")
        if not 0 <= significant_digits <= 5:
            raise ValueError("significant digits must be 0..5")
        self.lowest_discernible = lowest_discernible
        self.highest_trackable = highest_trackable
        self.significant_digits = significant_digits
        largest_single_unit = 2 * 10 ** significant_digits
        self.unit_magnitude = int(math.log(lowest_discernible) / math.log(2))
        sub_bucket_count_magnitude = int(math.ceil(math.log(largest_single_unit) / math.log(2)))
        self.sub_bucket_half_count_magnitude = sub_bucket_count_magnitude - 1
        self.sub_bucket_count = 1 << sub_bucket_count_magnitude
        self.sub_bucket_half_count = self.sub_bucket_count // 2
        self.sub_bucket_mask = (self.sub_bucket_count - 1) << self.unit_magnitude
        self.leading_zero_count_base = 64 - self.unit_magnitude - sub_bucket_count_magnitude
        self.counts = {}  # bucket index -> count; sparse because round trips cluster
        self.total_count = 0

    # --- layout (AbstractHistogram's index arithmetic) ---
    def same_layout(self, other):
        return (self.unit_magnitude, self.sub_bucket_count) == (other.unit_magnitude, other.sub_bucket_count)

    def _bucket_index(self, value):
        return self.leading_zero_count_base - (64 - (value | self.sub_bucket_mask).bit_length())

    def index_of(self, value):
        bucket = self._bucket_index(value)
        sub_bucket = value >> (bucket + self.unit_magnitude)
        bucket_base = (bucket + 1) << self.sub_bucket_half_count_magnitude
        return bucket_base + (sub_bucket - self.sub_bucket_half_count)

    def value_from_index(self, index):
        bucket = (index >> self.sub_bucket_half_count_magnitude) - 1
        sub_bucket = (index & (self.sub_bucket_half_count - 1)) + self.sub_bucket_half_count
        if bucket < 0:
            sub_bucket -= self.sub_bucket_half_count
            bucket = 0
        return sub_bucket << (bucket + self.unit_magnitude)

    def lowest_equivalent(self, value):
        bucket = self._bucket_index(value)
        sub_bucket = value >> (bucket + self.unit_magnitude)
        return sub_bucket << (bucket + self.unit_magnitude)

    def equivalent_range_size(self, value):
        return 1 << (self.unit_magnitude + self._bucket_index(value))

    def highest_equivalent(self, value):
        return self.lowest_equivalent(value) + self.equivalent_range_size(value) - 1

    def median_equivalent(self, value):
        return self.lowest_equivalent(value) + (self.equivalent_range_size(value) >> 1)

    # --- recording and merging ---
    def record(self, value, count=1):
        if value < 0:
            raise ValueError("negative values cannot be recorded")
        if count:
            index = self.index_of(value)
            self.counts[index] = self.counts.get(index, 0) + count
            self.total_count += count

    def add(self, other):
        """Add another histogram's counts, like Java's Histogram.add (re-bucketing if layouts differ)."""
        for index, count in other.counts.items():
            if self.same_layout(other):
                self.counts[index] = self.counts.get(index, 0) + count
                self.total_count += count
            else:
                self.record(other.value_from_index(index), count)
        # A merged histogram is only as trackable as its widest input.
        self.highest_trackable = max(self.highest_trackable, other.highest_trackable)

    # --- statistics (values in the histogram's unit, microseconds for heartbeats) ---
    def value_at_percentile(self, percentile):
        if self.total_count == 0:
            return 0
        # Java trims one ulp so that e.g. 99.9% of 1000 counts is 999, not 999.0000000001 -> 1000.
        requested = min(max(math.nextafter(percentile, -math.inf), 0.0), 100.0)
        count_at_percentile = max(1, int(math.ceil(requested * self.total_count / 100.0)))
        running = 0
        for index in sorted(self.counts):
            running += self.counts[index]
            if running >= count_at_percentile:
                value = self.value_from_index(index)
                return self.lowest_equivalent(value) if percentile == 0.0 else self.highest_equivalent(value)
        return 0

    @property
    def max_value(self):
        nonzero = [i for i, c in self.counts.items() if c]
        return self.highest_equivalent(self.value_from_index(max(nonzero))) if nonzero else 0

    @property
    def min_value(self):
        nonzero = [i for i, c in self.counts.items() if c]
        return self.lowest_equivalent(self.value_from_index(min(nonzero))) if nonzero else 0

    @property
    def mean(self):
        if self.total_count == 0:
            return 0.0
        total = sum(self.median_equivalent(self.value_from_index(i)) * c for i, c in self.counts.items())
        return total / self.total_count

    def percentile_curve(self, steps_per_decade=10, max_nines=5):
        """(percentile, value) points spaced evenly on a 1/(1-p) log scale, up to the max."""
        points = []
        for step in range(0, max_nines * steps_per_decade + 1):
            percentile = 100.0 * (1.0 - 10.0 ** (-step / steps_per_decade))
            if self.total_count and (100.0 - percentile) * self.total_count / 100.0 < 1.0:
                break  # beyond this the "percentile" is just the max
            points.append((percentile, self.value_at_percentile(percentile)))
        points.append((100.0, self.max_value))
        return points


# --- decoding ---
def _zigzag_leb128_longs(data, start, end):
    """Yield the ZigZag LEB128-64b9B longs of data[start:end] (ZigZagEncoding.getLong)."""
    position = start
    while position < end:
        value = 0
        for byte_number in range(9):
            if position >= len(data):
                raise HistogramFormatError("histogram payload ends in the middle of a number")
            byte = data[position]
            position += 1
            if byte_number == 8:
                value |= byte << 56  # the ninth byte carries 8 full bits
                break
            value |= (byte & 0x7F) << (7 * byte_number)
            if not byte & 0x80:
                break
        yield (value >> 1) ^ -(value & 1)


def decode_uncompressed(data):
    """Decode a V2 (or V1) uncompressed encoding into a Histogram."""
    if len(data) < _HEADER.size:
        raise HistogramFormatError("histogram is shorter than its header (%d bytes)" % len(data))
    cookie, payload_length, _offset, digits, lowest, highest, _ratio = _HEADER.unpack_from(data, 0)
    base = _cookie_base(cookie)
    if base not in (V2_ENCODING_COOKIE, V1_ENCODING_COOKIE):
        raise HistogramFormatError("not an HdrHistogram V2 encoding (cookie 0x%08x)" % (cookie & 0xFFFFFFFF))
    if not 0 <= digits <= 5 or lowest < 1 or highest < 2 * lowest:
        raise HistogramFormatError("histogram header is not sane (digits %d, lowest %d, highest %d)"
                                   % (digits, lowest, highest))
    histogram = Histogram(lowest, highest, digits)
    start = _HEADER.size
    end = start + payload_length
    if end > len(data):
        raise HistogramFormatError("histogram payload is cut short (%d of %d bytes)"
                                   % (len(data) - start, payload_length))
    if base == V1_ENCODING_COOKIE:
        word_size = (((cookie & 0xF0) >> 4) & 0xE)
        fmt = {2: ">h", 4: ">i", 8: ">q"}.get(word_size)
        if fmt is None:
            raise HistogramFormatError("V1 histogram with unknown word size %d" % word_size)
        counts = (struct.unpack_from(fmt, data, p)[0] for p in range(start, end, word_size))
    else:
        counts = _zigzag_leb128_longs(data, start, end)
    index = 0
    for count in counts:
        if count < 0:
            index += -count  # a run of empty buckets
            continue
        if count:
            histogram.counts[index] = count
            histogram.total_count += count
        index += 1
    return histogram


def decode_compressed(data):
    """Decode the bytes of Java's encodeIntoCompressedByteBuffer."""
    if len(data) < 8:
        raise HistogramFormatError("histogram is shorter than its 8-byte header")
    cookie, compressed_length = struct.unpack_from(">ii", data, 0)
    if _cookie_base(cookie) not in (V2_COMPRESSED_COOKIE, V1_COMPRESSED_COOKIE):
        if _cookie_base(cookie) in (V2_ENCODING_COOKIE, V1_ENCODING_COOKIE):
            return decode_uncompressed(data)  # tolerate the uncompressed form too
        raise HistogramFormatError("not a compressed HdrHistogram (cookie 0x%08x)" % (cookie & 0xFFFFFFFF))
    body = data[8:8 + compressed_length]
    if len(body) < compressed_length:
        raise HistogramFormatError("compressed histogram is cut short (%d of %d bytes)"
                                   % (len(body), compressed_length))
    try:
        inflated = zlib.decompress(body)
    except zlib.error as error:
        raise HistogramFormatError("compressed histogram does not inflate: %s" % error) from None
    return decode_uncompressed(inflated)


def decode_base64(text):
    """Decode the base64 text the client summary carries."""
    try:
        data = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise HistogramFormatError("histogram is not valid base64: %s" % error) from None
    return decode_compressed(data)
