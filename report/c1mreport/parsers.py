"""Parsers for the raw files one host contributes to a run folder (docs/interfaces.md).

Each takes the file's text and returns plain Python data. They are lenient on purpose: a failed run's
files may be cut short or hold an error message instead of figures, and the report must still be made.
"""

import csv
import io
import re
from datetime import datetime, timezone

from c1mlab import notation

PAGE_SIZE = 4096  # /proc/net/sockstat counts TCP memory in pages; 4 KiB on the lab's x86-64 hosts


# ISO-8601 UTC ('2026-11-21T18:33:00.123Z') -> POSIX seconds (float), or None: c1mlab's, one reading.
parse_time = notation.iso_seconds


def iso_time(seconds):
    """POSIX seconds -> ISO-8601 UTC with milliseconds ('2026-11-21T18:33:00.123Z'), or None."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_sysctl(text):
    """`sysctl -a` output -> {key: value}, whitespace inside values collapsed to one space."""
    settings = {}
    for line in text.splitlines():
        key, sep, value = line.partition(" = ")
        if not sep:
            key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key or " " in key or key.startswith(("#", "sysctl:")):
            continue
        settings[key] = " ".join(value.split())
    return settings


def _limit_number(text):
    if text is None:
        return None
    if text.lower() in ("unlimited", "infinity"):
        return "unlimited"
    return int(text) if text.isdigit() else None


def parse_limits(text):
    """/proc/<pid>/limits (or `ulimit -a`) -> {"nofile_soft", "nofile_hard", "nproc_soft", ..., "raw"}.

    /proc/<pid>/limits lines look like 'Max open files  1048576  1048576  files'.
    """
    limits = {"nofile_soft": None, "nofile_hard": None, "format": None}
    proc_names = {"Max open files": "nofile", "Max processes": "nproc",
                  "Max locked memory": "memlock", "Max address space": "as"}
    for line in text.splitlines():
        match = re.match(r"^(Max [A-Za-z ]+?)\s{2,}(\S+)\s+(\S+)", line)
        if match and match.group(1) in proc_names:
            name = proc_names[match.group(1)]
            limits[name + "_soft"] = _limit_number(match.group(2))
            limits[name + "_hard"] = _limit_number(match.group(3))
            limits["format"] = "proc"
            continue
        # bash `ulimit -a`: 'open files                      (-n) 1024'; dash: '-n: file descriptors  1024'
        match = re.search(r"\(-n\)\s+(\S+)\s*$", line) or re.match(r"^-n:.*?(\S+)\s*$", line)
        if match and limits["nofile_soft"] is None:
            limits["nofile_soft"] = _limit_number(match.group(1))
            limits["format"] = "ulimit"
    return limits


def parse_sockstat(text):
    """/proc/net/sockstat (+ sockstat6) -> {"TCP": {"inuse": n, "mem": pages, ...}, "sockets": {...}}."""
    stats = {}
    for line in text.splitlines():
        label, sep, rest = line.partition(":")
        if not sep:
            continue
        fields = rest.split()
        values = {}
        for name, number in zip(fields[0::2], fields[1::2]):
            if number.lstrip("-").isdigit():
                values[name] = int(number)
        if values:
            stats.setdefault(label.strip(), {}).update(values)
    return stats


def parse_meminfo(text):
    """/proc/meminfo -> {"MemTotal": bytes, ...}."""
    info = {}
    for line in text.splitlines():
        match = re.match(r"^(\S+):\s+(\d+)(?:\s+(kB))?", line)
        if match:
            info[match.group(1)] = int(match.group(2)) * (1024 if match.group(3) else 1)
    return info


def parse_process_status(text):
    """process.txt (the service's /proc/<pid>/status, as c1m-host snapshot keeps it) -> {"rss_bytes",
    "peak_rss_bytes", "threads"}; {} when the service was not running."""
    fields = {}
    for line in text.splitlines():
        match = re.match(r"^(VmRSS|VmHWM|Threads):\s+(\d+)(?:\s+(kB))?", line)
        if match:
            fields[match.group(1)] = int(match.group(2)) * (1024 if match.group(3) else 1)
    out = {}
    for key, name in (("rss_bytes", "VmRSS"), ("peak_rss_bytes", "VmHWM"), ("threads", "Threads")):
        if name in fields:
            out[key] = fields[name]
    return out


def parse_slabinfo(text):
    """/proc/slabinfo lines -> {cache: {"active_objs", "num_objs", "objsize", "bytes"}}.

    bytes = num_objs * objsize: the memory the cache holds for objects, in use or free in its slabs.
    """
    caches = {}
    for line in text.splitlines():
        if line.startswith(("#", "slabinfo")):
            continue
        fields = line.split()
        if len(fields) < 6 or not all(f.isdigit() for f in fields[1:6]):
            continue
        active, total, size = int(fields[1]), int(fields[2]), int(fields[3])
        caches[fields[0]] = {"active_objs": active, "num_objs": total, "objsize": size, "bytes": total * size}
    return caches


def parse_conntrack(text):
    """'count max buckets' -> {"count", "max", "buckets"}; None when 'unavailable' or unreadable."""
    if "unavailable" in text.lower():
        return None
    numbers = [int(n) for n in re.findall(r"\b\d+\b", text)]
    if len(numbers) < 2:
        return None
    return {"count": numbers[0], "max": numbers[1], "buckets": numbers[2] if len(numbers) > 2 else None}


def parse_timeline(text):
    """A timeline CSV -> list of row dicts with "t" (POSIX seconds), int columns and float *_ms columns.

    A row cut short (the process was killed mid-write) or with a bad time is skipped, not fatal.
    """
    return read_timeline(text)[0]


def read_timeline(text):
    """(rows as parse_timeline gives them, [line number of each row skipped: cut short, a bad time or a
    cell that is not a number or is negative])."""
    rows, skipped = [], []
    reader = csv.DictReader(io.StringIO(text))
    for raw in reader:
        moment = parse_time(raw.get("time"))
        if moment is None or None in raw.values():  # DictReader fills a short row's missing cells with None
            skipped.append(reader.line_num)
            continue
        row = {"t": moment}
        try:
            for column, value in raw.items():
                if column and column != "time":
                    if value == "":
                        row[column] = None  # e.g. the heartbeat percentiles, filled on every 10th row only
                        continue
                    number = float(value)
                    # The jars write -1 for memory they could not read (e.g. /proc/self/status at the
                    # process's open-files limit): unknown, not negative.
                    if column.endswith("_bytes") and number == -1:
                        row[column] = None
                        continue
                    # Every other cell is a count or a time: a negative one, inf or nan is no figure.
                    if not 0 <= number < float("inf"):
                        raise ValueError("%s is %s" % (column, value))
                    row[column] = number if column.endswith("_ms") else int(number)
        except (TypeError, ValueError):
            skipped.append(reader.line_num)
            continue
        rows.append(row)
    rows.sort(key=lambda r: r["t"])
    return rows, skipped


# The settings' notations are c1mlab.notation's (shared with the playbooks and the jars); read leniently
# here: a setting that does not read is None (no ports: []) and the report says so rather than failing.

def parse_port_spec(spec):
    """'9000-9019' / '9000,9001,9005-9010' / [9000, 9001] -> sorted list of ports; [] if absent or unreadable."""
    return notation.lenient(notation.ports, spec, [])


def parse_duration(value):
    """'30s' / '10m' / '500ms' / 30 -> seconds (float); None if absent or unreadable."""
    return notation.lenient(notation.seconds, value)


def parse_count(value):
    """'10k' / '1m' / 333334 -> int; None if absent or unreadable (a fraction such as '1.5' included)."""
    return notation.lenient(notation.count, value)
