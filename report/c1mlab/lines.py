"""The playbook's lines: heartbeats, the client's lag, failure counts and explanations, the doctor's findings.

Texts only; the figures come from summaries, progress and evidence.
"""

from . import evidence, legacy
from .failures import REAPED, TEXTS, sort_kinds
from .summaries import doctor_findings, number

# A heartbeat the client wrote late or never is the client behind its own schedule: its lag, not the
# server's, never dead and never part of the verdict. Its kind says which lag: the one in the ramp (connects
# and heartbeats sharing the client's loops) or the one in the hold (the heartbeats alone too many); with no
# kind known (a client that has not said, an older jar), the hold's.
LAG_KINDS = ("lag-ramp", "lag-hold")


def lag_kind(behind):
    """The lag's kind from the client's `behind` (schema 3), else lag-hold."""
    kind = behind.get("kind") if isinstance(behind, dict) else None
    return kind if kind in LAG_KINDS else "lag-hold"


def fmt(number_):
    return "{:,}".format(number_) if isinstance(number_, int) else str(number_)


def _ms(value):
    if value is None:
        return "-"
    value = float(value)
    return "%.0f" % value if value >= 100 else ("%.1f" % value if value >= 10 else "%.2f" % value)


def _percent(fraction):
    value = float(fraction) * 100
    # Two decimals; a third where two would round a shortfall up to 100%.
    return ("%.3f%%" if value < 100 and round(value, 2) >= 100 else "%.2f%%") % value


def heartbeat_line(heartbeats):
    """'schedule kept 99.97% (12 late, 0 missed: the client's lag), round trip p50/p99/max 0.04/25.6/89.2 ms
    from written, 0.86/42.4/106 ms from due' from c1m_heartbeats; '' when heartbeats are off."""
    hb = heartbeats or {}
    if not hb.get("enabled"):
        return ""
    parts = []
    if hb.get("schedule_kept") is not None:
        lag = ""
        if number(hb.get("late")) + number(hb.get("missed")):
            lag = " (%s late, %s missed: the client's lag)" % (fmt(number(hb.get("late"))), fmt(number(hb.get("missed"))))
        parts.append("schedule kept %s%s" % (_percent(hb["schedule_kept"]), lag))
    elif hb.get("recorded"):
        parts.append("schedule kept - (none due yet)")
    trips = []
    for key, label in (("rtt", "from written"), ("rtt_due", "from due")):
        rtt = hb.get(key)
        if rtt:
            trips.append("%s/%s/%s ms %s%s" % (_ms(rtt.get("p50_ms")), _ms(rtt.get("p99_ms")), _ms(rtt.get("max_ms")),
                                               label, " (worst client)" if rtt.get("source") == "worst client" else ""))
    parts.append(("round trip p50/p99/max " + ", ".join(trips)) if trips else "no round trip yet")
    return ", ".join(parts)


def behind_words(behind):
    """What the client said when it first fell behind, in words: 'first heartbeat written 10.8 s after it was
    due (late: more than 2.0 s), while the ramp was still connecting; 2,000 connections x one heartbeat every
    20s = 100/s on 1 event loops'. From the summary's data (schema 3); an older summary's own sentence as it
    wrote it (c1mlab.legacy); '' when there is none."""
    if not isinstance(behind, dict):
        return legacy.behind(behind)
    if behind.get("how") == "missed":
        what = "skipped, %s of them, a whole interval behind (missed)" % fmt(number(behind.get("missed")))
    else:
        what = "written %.1f s after it was due (late: more than %.1f s)" % (
            number(behind.get("lag_ms")) / 1000.0, number(behind.get("late_after_ms")) / 1000.0)
    return "first heartbeat %s, %s; %s connections x one heartbeat every %s = %s/s on %s event loops" % (
        what, "while the ramp was still connecting" if behind.get("kind") == "lag-ramp" else "while holding",
        fmt(number(behind.get("connections"))), behind.get("heartbeat"), fmt(number(behind.get("per_second"))),
        behind.get("loops"))


def lag_line(heartbeats, behind=None):
    """The client's lag said once, with its meaning and fix (its kind's, failure-kinds.properties): '' when every
    heartbeat due was sent on time. behind: the first lagging client's `behind` (its summary's)."""
    hb = heartbeats or {}
    late, missed = number(hb.get("late")), number(hb.get("missed"))
    if not (late or missed):
        return ""
    texts = TEXTS[lag_kind(behind)]
    line = "client lag on %s: %s heartbeat(s) written late and %s missed of %s due (schedule kept %s): %s. Fix: %s" % (
        ", ".join(hb.get("behind") or []) or "the clients", fmt(late), fmt(missed), fmt(number(hb.get("due"))),
        _percent(hb["schedule_kept"]) if hb.get("schedule_kept") is not None else "-", texts["meaning"],
        texts["fix.lab"])
    words = behind_words(behind)
    return line + ((" [%s]" % words[:300]) if words else "")


def reaped_line(figures):
    """The server's keepalive closing connections, said with its meaning and fix (the failure table's
    `reaped`): '' when it closed none. figures: c1m_run_summary's (reaped, lost, server_keepalive)."""
    figures = figures or {}
    reaped = number(figures.get("reaped"))
    if not reaped:
        return ""
    lost = number(figures.get("lost"))
    evidence = [figures.get("server_keepalive") or "server keepalive: not stated by the server"]
    if lost:
        evidence.append("the clients lost %s connection(s) in the same run: live connections closed by the "
                        "safety net" % fmt(lost))
    return "reaped (%s) on the server: %s connection(s): %s Fix: %s%s" % (
        REAPED.errno_name, fmt(reaped), REAPED.meaning, TEXTS["reaped"]["fix.lab"].rstrip(".") + ".",
        "".join(" [%s]" % item for item in evidence))


def failure_line(e):
    """One explained failure kind (evidence.explained's entry) as a line: its meaning, its fix and the evidence."""
    return "%s (%s) on %s: %s. Fix: %s%s" % (
        e["kind"], e["title"], ", ".join(e["hosts"]) or "?", e["meaning"], e["fix"],
        "".join(" [%s]" % item for item in e["evidence"]))


def failure_lines(kinds, progress, shares=None, port_count=None, sources=None):
    """Progress lines naming each failure kind of `kinds` with its meaning, its fix and the evidence."""
    return [failure_line(evidence.explained(kind, progress, shares, port_count, sources)) for kind in sort_kinds(kinds)]


def failure_counts(progress):
    """'EMFILE 12,000 (3,000 for good), ETIMEDOUT 5' for the progress line; '' when none."""
    kinds = progress.get("kinds") or {}
    parts = []
    for kind in sort_kinds(kinds):
        entry = kinds[kind]
        if not (entry["attempts"] or entry["for_good"]):
            parts.append("%s (seen in the log; no count yet)" % kind)
            continue
        parts.append("%s %s%s" % (kind, fmt(max(entry["attempts"], entry["for_good"])),
                                  (" (%s for good)" % fmt(entry["for_good"])) if entry["for_good"] else ""))
    return ", ".join(parts)


def doctor_line(row):
    """One doctor finding as a line: 'host: check FAIL - found X, needs Y - fix: Z'."""
    return "%s: %s %s - found %s, needs %s%s" % (
        row.get("host"), row.get("name"), row.get("status"), row.get("found"), row.get("needed"),
        (" - fix: %s" % row["fix"]) if row.get("fix") else "")



# The preflight's line for a host whose doctor never reported (the host was never provisioned, or the jar
# refused its own options and wrote no report).
NOT_PROVISIONED = "has no doctor's report: it was not provisioned or its doctor failed (see above)"


def preflight(reports):
    """The preflight's verdict, read from the jars' doctor, the one judge of whether a host can hold its share:
    {"problems": [...], "warnings": [...]} from {host: the doctor's JSON report, or None where there is none}.
    A FAIL row is a problem, a WARN row a warning, each one line ('host: check FAIL - found ..., needs ... -
    fix: ...'); a host without a report is a problem, named."""
    problems = ["%s: %s" % (host, NOT_PROVISIONED) for host, report in sorted((reports or {}).items()) if not report]
    rows = doctor_findings(reports)
    problems.extend(doctor_line(row) for row in rows if row["status"] == "FAIL")
    return {"problems": problems, "warnings": [doctor_line(row) for row in rows if row["status"] == "WARN"]}
