"""Reading what the jars wrote: `c1m-host status` records, the summaries, the doctor's JSON reports, and
the run's figures from the fetched summaries (the playbook's one-screen summary; the verdict reads them).
"""

import json

from . import figures, notation



# The summaries' versions this checkout reads (docs/interfaces.md, `schema`); a summary without one is 1.
SCHEMAS = (1, 2, 3)
# The jars count in Java longs: a larger number is none a process wrote.
MAX_COUNT = 2 ** 63 - 1


class Shape:
    """What one field of a summary must be: ok(value) says whether it is, what says what it should be, and
    fields (an object's) or items (a list's) the shape of what it holds."""

    def __init__(self, what, ok, fields=None, items=None):
        self.what, self.ok, self.fields, self.items = what, ok, fields, items


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


def _is_number(value):
    # A time or a rate: finite and not negative (JSON's NaN and Infinity are no figure).
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < float("inf")


def _is_bytes(value):
    # The jars write -1 for memory they could not read (unknown, said as such by the report).
    return isinstance(value, int) and not isinstance(value, bool) and -1 <= value <= MAX_COUNT


COUNT = Shape("a count", _is_count)
NUMBER = Shape("a number of at least 0", _is_number)
BYTES = Shape("a number of bytes", _is_bytes)
SHARE = Shape("a share from 0 to 1", lambda v: _is_number(v) and v <= 1)
FLAG = Shape("true or false", lambda v: isinstance(v, bool))
EXIT_CODE = Shape("an exit code", lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255)
TEXT = Shape("a text", lambda v: isinstance(v, str))
TEXTS = Shape("a list of texts", lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v))
COUNTS = Shape("a list of counts", lambda v: isinstance(v, list) and all(_is_count(i) for i in v))
# `failed`, `connect_errors` and `reconnect_errors` hold one count a failure kind.
BY_KIND = Shape("a count by failure kind", lambda v: isinstance(v, dict) and all(_is_count(i) for i in v.values()))


def _object(fields=None):
    return Shape("an object", lambda v: isinstance(v, dict), fields=fields)


def _objects(fields):
    return Shape("a list of objects", lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
                 items=fields)


_PERCENTILES = {key: NUMBER for key in ("p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms")}
ROUND_TRIP = dict(_PERCENTILES, count=COUNT, histogram=TEXT, histogram_unit=TEXT)
# The client's heartbeat object (docs/interfaces.md): counts, the round trips and the schedule.
HEARTBEAT = dict(ROUND_TRIP, interval_ms=COUNT, due=COUNT, sent=COUNT, late=COUNT, missed=COUNT, received=COUNT,
                 recovered=COUNT, late_after_ms=COUNT, dead_after_ms=COUNT, schedule_kept=SHARE, phase=TEXT,
                 from_due=_object(ROUND_TRIP), lag=_object(_PERCENTILES), ramp=_object(ROUND_TRIP))
OUTAGE = dict(start=TEXT, end=TEXT, seconds=NUMBER, ongoing=FLAG, connections=COUNT, dead=COUNT, recovered=COUNT,
              lost=COUNT, reconnected=COUNT, recovery_seconds=NUMBER)
# Every field of a server or client summary a reader here takes a figure from, and its shape: one place, so no
# reader meets a text where it adds or a list where it reads keys (fields not named are not read).
FIELDS = dict(
    {key: COUNT for key in ("target", "established", "open", "peak_open", "accepted", "closed", "reaped",
                            "failed_total", "lost", "dead", "heartbeat_stalls", "reconnected", "unrecovered",
                            "reconnect_errors_total", "down", "outage_count", "nofile_soft", "nofile_hard",
                            "bytes_echoed", "hold_ms", "updated_at_ms")},
    **{key: BY_KIND for key in ("failed", "connect_errors", "reconnect_errors")},
    **{key: NUMBER for key in ("ramp_seconds", "connect_rate_per_s", "recovery_seconds", "held_seconds")},
    **{key: BYTES for key in ("rss_bytes", "heap_used_bytes", "rss_bytes_at_peak", "heap_used_bytes_at_peak")},
    **{key: FLAG for key in ("reached", "hold_completed", "reconnect")},
    **{key: TEXT for key in ("role", "state", "server", "impl", "transport", "protocol", "ws_path", "ws_host", "ws_subprotocol",
                             "ws_echo", "hostname", "netty_version", "exit_reason",
                             "hold_ended_early", "started_at", "reached_at", "first_connection_at", "peak_at",
                             "updated_at", "timeline_problem")},
    exit_code=EXIT_CODE, ports=COUNTS, source_ips=TEXTS, ws_headers=TEXTS,
    # --protocol websocket: connections the server ended with a Close frame (also in lost), the first one's words.
    websocket=_object(dict(closes=COUNT, first_close=TEXT)), heartbeat=_object(HEARTBEAT), outages=_objects(OUTAGE),
    jvm=_object(dict(version=TEXT, vendor=TEXT, gc=TEXT, max_heap_bytes=BYTES, args=TEXTS)),
    keepalive=_object(dict(text=TEXT, sized_from=TEXT)), first_failures=_object(), ramp_end=_object(),
    accept_errors=_object(dict(count=COUNT)), per_port_open=_object(),
    # schema 3 says it as data, schema 2 as the client's sentence (c1mlab.legacy).
    behind=Shape("an object or a text", lambda v: isinstance(v, (dict, str))),
)


def shown(value):
    """A value as a problem line quotes it: its repr, cut at 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _shaped(values, fields, where, path, problems):
    """A copy of values in which each field not of its shape (fields) is named in problems, as "where: path.key
    is value, not what", and made None; objects and lists of objects are checked field by field."""
    values = dict(values)
    for key, shape in fields.items():
        value = values.get(key)
        if value is None:
            continue
        if not shape.ok(value):
            problems.append("%s: %s%s is %s, not %s: shown as unknown" % (where, path, key, shown(value), shape.what))
            values[key] = None
        elif shape.fields:
            values[key] = _shaped(value, shape.fields, where, "%s%s." % (path, key), problems)
        elif shape.items:
            values[key] = [_shaped(item, shape.items, where, "%s%s[%d]." % (path, key, i), problems)
                           for i, item in enumerate(value)]
    return values


def checked(summary, where):
    """(summary, problems): a summary as the jars write it, checked before a figure is read from it.

    Not a JSON object, or a schema this checkout does not read: (None, [why]), its figures left out. A field
    not of its shape (FIELDS: a count negative, past a long or not a whole number, a flag that is a text, an
    object that is not one): named (where, field, value) and made None, shown as unknown.
    where: what to call it in a problem, e.g. "c1m-client1/client-summary.json".
    """
    if not isinstance(summary, dict):
        kind = {list: "list", str: "string", int: "number", float: "number", bool: "boolean",
                type(None): "null"}.get(type(summary), "value")
        return None, ["%s is a JSON %s, not a summary object: its figures are left out" % (where, kind)]
    schema = summary.get("schema", 1)
    if type(schema) is not int or schema not in SCHEMAS:
        return None, ["%s has schema %s; this checkout reads schema %s: its figures are left out (fix: the report "
                      "generator of the checkout that built the jars)" % (where, shown(schema),
                                                                          " and ".join(map(str, SCHEMAS)))]
    problems = []
    return _shaped(summary, FIELDS, where, "", problems), problems


class Unreadable(ValueError):
    """A JSON file that cannot be read: the message names it and why (what it holds is left out)."""


# No file of a run nests deeper than a few levels (a summary's heartbeat.from_due: 3).
MAX_DEPTH = 32


def _depth(value):
    """How deep value nests, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def load_json(path, where):
    """The JSON value in the file at path (where: what to call it). Unreadable when it cannot be read, is not
    UTF-8 text or JSON, holds a number Python does not read, or nests deeper than MAX_DEPTH (a RecursionError
    in the reader or later, never a traceback); FileNotFoundError when it is not there, for the caller to say."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise Unreadable("%s could not be read: %s" % (where, error.strerror or error)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable("%s is not UTF-8 text (byte 0x%02x at offset %d)" % (where, data[error.start], error.start)) \
            from None
    if not text.strip():
        raise Unreadable("%s is empty" % where)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable("%s is not valid JSON (%s at line %d, column %d)" % (where, error.msg, error.lineno,
                                                                               error.colno)) from None
    except RecursionError:
        raise Unreadable("%s is nested too deeply to read" % where) from None
    except ValueError as error:  # e.g. a number of more digits than Python reads (int_max_str_digits)
        raise Unreadable("%s is not JSON that reads (%s)" % (where, str(error)[:120])) from None
    if _depth(value) > MAX_DEPTH:  # what parsed may still be too deep for a reader's repr or str later
        raise Unreadable("%s is nested too deeply to read" % where)
    return value


def read(path, where):
    """(summary or None, problems): the summary file at path, read (load_json) and checked (checked()): the one
    reader of a jar's summary file, for the report and the playbook's end. Unreadable: None and a line saying
    why; a missing file: (None, []), for the caller to say."""
    try:
        value = load_json(path, where)
    except FileNotFoundError:
        return None, []
    except Unreadable as error:
        return None, ["%s: its figures are left out" % error]
    return checked(value, where)


# The states a summary ends in: the client's "done", the server's (or any jar's exit 3) "stopped".
FINAL_STATES = ("done", "stopped")


def stale(summary, where):
    """A line when a summary never reached a final state: its process ended without writing its last one
    (killed, crashed, or its disk full), so its figures are those of its last write. None when final."""
    if not isinstance(summary, dict) or summary.get("state") in FINAL_STATES:
        return None
    return ("%s says %s (last written %s): its process ended without a final summary (killed, crashed or out of "
            "disk; see its log): its figures are those of that moment" % (
                where, summary.get("state") or "no state", summary.get("updated_at") or "at an unknown time"))


class NoJson(ValueError):
    """A helper printed no JSON (the message says what it printed and what to do)."""


def number(value):
    """A summary's count, 0 when absent or unreadable (a summary cut short must not stop the playbook)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def json_after_noise(output, what="the helper"):
    """(value, noise): the JSON a helper script printed, past any lines sudo or the shell printed first.

    Scripts run with become share a terminal with sudo, so its warnings ("sudo: unable to resolve
    host ...") land in stdout ahead of the JSON: they are returned as noise, not taken as data.
    """
    text = output or ""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if line.lstrip()[:1] in ("{", "["):
            try:
                value = json.loads("\n".join(lines[start:]))
            except ValueError:
                continue
            return value, [noise_line for noise_line in lines[:start] if noise_line.strip()]
    raise NoJson(
        "%s printed no JSON. Its output was: %r. If that is a sudo or shell warning, fix the host "
        "(e.g. add its hostname to /etc/hosts); if it is empty, run the helper by hand on the host."
        % (what, text[:500]))


def status_record(status):
    """A `c1m-host status` object, or a registered loop result holding one (keeps the inventory name)."""
    if isinstance(status, dict) and "stdout" in status:
        host = status.get("item")
        try:
            parsed = json.loads(status.get("stdout") or "{}")
        except ValueError:
            parsed = {}
        parsed["inventory_hostname"] = host
        return parsed
    return status or {}


def _bounds(section):
    """p50 / p99 / max of one round trip (figures.round_trips) for the one-screen summary: merged from the
    clients' HdrHistograms ("merged"), else the worst client's figure as a bound ("worst client"); None
    when no client reports it."""
    if not section:
        return None
    if section.get("merged"):
        out = dict((key, section["merged"][key]) for key in ("p50_ms", "p99_ms", "max_ms"))
        out.update(count=section["merged"]["count"], source="merged")
        return out
    bound = section.get("upper_bound") or {}
    if all(bound.get(key) is None for key in ("p50_ms", "p99_ms", "max_ms")):
        return None
    out = dict((key, bound.get(key)) for key in ("p50_ms", "p99_ms", "max_ms"))
    out.update(count=sum(number(f.get("count")) for f in section["per_client"].values()), source="worst client")
    return out


def _by_host(client_summaries):
    """{host: summary}, sorted by host; a list of summaries is keyed by their hostname (made unique: loopback
    clients share one)."""
    if isinstance(client_summaries, dict):
        return dict(sorted(client_summaries.items()))
    out = {}
    for i, summary in enumerate(client_summaries or []):
        name = (summary or {}).get("hostname") or "client%d" % i
        out[name if name not in out else "%s#%d" % (name, i)] = summary
    return out


def heartbeats(client_summaries):
    """The clients' heartbeats for the playbook's lines (figures.heartbeat): counts summed, the schedule kept
    and both round trips (from written, from due) as p50 / p99 / max.

    client_summaries: {host: summary or None} or a list of summaries. A client jar older than the schedule
    has no due / late / missed / from_due: then `recorded` is false and those figures are None.
    """
    beats = figures.heartbeat(_by_host(client_summaries))
    plan = beats["schedule"]
    result = {"enabled": beats["enabled"], "interval_ms": beats["interval_ms"], "recorded": plan["recorded"],
              "sent": beats["sent"] or 0, "received": beats["received"] or 0,
              "due": None, "late": None, "missed": None, "schedule_kept": None, "behind": [],
              "rtt": None, "rtt_due": None}
    if not beats["enabled"]:
        return result
    if plan["recorded"]:
        result.update((key, plan[key]) for key in ("due", "late", "missed", "schedule_kept", "behind"))
    result["rtt"] = _bounds(beats["written"])
    result["rtt_due"] = _bounds(beats["from_due"])
    return result


def run_summary(client_summaries, server_summary, target):
    """One-screen figures of a finished run (figures.run_figures, flattened for the playbook's lines).

    client_summaries: {host: summary or None}; server_summary: summary or None.
    """
    clients = _by_host(client_summaries)
    run = figures.run_figures(clients, server_summary, notation.count(target))
    written = [s for s in clients.values() if s]
    result = {
        "target": run["target"], "clients_reporting": len(written),
        "clients_reached": sum(1 for reached in run["reached_per_client"].values() if reached),
        "established": run["established_total"] or 0, "peak_open_clients": run["peak_open_total"] or 0,
        "failed_total": run["failures"]["total"], "lost": run["lost_total"], "dead": run["dead_total"],
        # The server's: connections its keepalive closed (None: a server jar that does not say), and its setting.
        "reaped": run["reaped_total"], "server_keepalive": run["server_keepalive"],
        "time_to_reach_s": None, "heartbeat_p99_ms": None, "heartbeat_max_ms": None,
        "client_exit_codes": run["exit_codes"],
        "server_peak_open": run["server_peak_open"], "server_open_at_end": run["server_open_at_end"],
    }
    # Heartbeats: both round trips merged over the clients, the schedule kept, late and missed (the
    # client's lag: reported, never part of the outcome). dead stays the server-silent count.
    beats = heartbeats(clients)
    result["heartbeat"] = beats
    for prefix, key in (("heartbeat_", "rtt"), ("heartbeat_due_", "rtt_due")):
        for field in ("p50_ms", "p99_ms", "max_ms"):
            result[prefix + field] = (beats[key] or {}).get(field)
    for key in ("due", "late", "missed"):
        result["heartbeat_" + key] = beats[key]
    result["schedule_kept"] = beats["schedule_kept"]
    # The clients' own ramp time: the slowest client's, once every client reached its share.
    ramp = [float(seconds) for host, seconds in run["ramp_seconds"].items()
            if seconds is not None and run["reached_per_client"][host]]
    if ramp and result["clients_reached"] == len(clients):
        result["time_to_reach_s"] = round(max(ramp), 3)
    result["failures_by_kind"] = run["failures"]["by_kind"]
    result["connect_errors_by_kind"] = run["failures"]["connect_errors_by_kind"]
    result["outcome"] = run["outcome"]
    return result


STATUS_ORDER = {"FAIL": 0, "WARN": 1, "OK": 2}


def doctor(reports, roles=None):
    """What each host's doctor found before the run, for the playbook and the report:
    {host: {role, connections, ok, warn, fail, findings}} of the hosts with a report, where findings are
    its FAIL and WARN rows ({name, status, found, needed, fix}), FAILs first. The counts are the ones the
    doctor's report states, counted from its checks when it states none.

    reports: {host: the doctor's JSON report, or None when the jar wrote none}; roles: {host: role} for a
    report that does not name its role.
    """
    hosts = {}
    for host, report in (reports or {}).items():
        if not report:
            continue
        checks = [c for c in report.get("checks") or [] if isinstance(c, dict)]
        entry = {"role": report.get("role") or (roles or {}).get(host), "connections": report.get("connections")}
        for status in ("OK", "WARN", "FAIL"):
            stated = report.get(status.lower())
            entry[status.lower()] = stated if isinstance(stated, int) else sum(
                1 for c in checks if c.get("status") == status)
        findings = sorted((c for c in checks if c.get("status") in ("FAIL", "WARN")),
                          key=lambda c: STATUS_ORDER.get(c.get("status"), 3))
        entry["findings"] = [{key: c.get(key) for key in ("name", "status", "found", "needed", "fix")}
                             for c in findings]
        hosts[host] = entry
    return hosts


def doctor_findings(reports, statuses=("FAIL", "WARN")):
    """The doctor's rows of these statuses on every host, hosts in name order, FAILs first:
    [{host, role, name, status, found, needed, fix}] (from doctor())."""
    rows = []
    for host, entry in sorted(doctor(reports).items()):
        for check in entry["findings"]:
            if check["status"] in statuses:
                rows.append(dict({"host": host, "role": entry["role"]}, **check))
    return rows


def doctor_changes(before, after):
    """The checks whose status differs between the doctor before the run and the doctor run again after it,
    on the hosts that have both: [{host, name, before, after, found, needed, fix}], hosts and checks in the
    order of the reports. A check only one of them ran is said with the other side None."""
    changes = []
    for host in sorted(after or {}):
        if not (before or {}).get(host) or not after[host]:
            continue
        then = dict((c.get("name"), c) for c in before[host].get("checks") or [] if isinstance(c, dict))
        for check in after[host].get("checks") or []:
            if not isinstance(check, dict):
                continue
            was = then.pop(check.get("name"), {})
            if was.get("status") != check.get("status"):
                changes.append({"host": host, "name": check.get("name"), "before": was.get("status"),
                                "after": check.get("status"), "found": check.get("found"),
                                "needed": check.get("needed"), "fix": check.get("fix")})
        changes.extend({"host": host, "name": name, "before": was.get("status"), "after": None,
                        "found": None, "needed": was.get("needed"), "fix": None} for name, was in then.items())
    return changes


def doctor_counts(reports):
    """{host: {role, ok, warn, fail}} of the doctor's reports (None where a host had none)."""
    hosts = doctor(reports)
    return dict((host, dict((key, hosts[host][key]) for key in ("role", "ok", "warn", "fail")) if host in hosts
                 else None) for host in sorted(reports or {}))
