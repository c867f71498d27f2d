"""The playbook's lines: heartbeats, the client's lag, failure counts and explanations, the doctor's findings.

Texts only; the figures come from summaries, progress and evidence.
"""

import re

from . import evidence
from .failures import REAPED, TEXTS, sort_kinds
from .summaries import number

# A heartbeat the client wrote late or never is the client behind its own schedule: its lag, not the
# server's. It never counts as dead and never fails the run; this is what to do about it.
CLIENT_LAG_FIX = "fewer connections per client (more clients), more CPUs for each client, or a longer c1m_heartbeat"


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


def lag_line(heartbeats, behind_line=None):
    """The client's lag said once, with its fix: '' when every heartbeat due was sent on time."""
    hb = heartbeats or {}
    late, missed = number(hb.get("late")), number(hb.get("missed"))
    if not (late or missed):
        return ""
    line = ("client lag on %s: %s heartbeat(s) written late and %s missed of %s due (schedule kept %s): the client "
            "is behind its own heartbeat schedule. That is the client's lag, not the server's: it does not count as "
            "dead and does not fail the run. Fix: %s" % (
                ", ".join(hb.get("behind") or []) or "the clients", fmt(late), fmt(missed), fmt(number(hb.get("due"))),
                _percent(hb["schedule_kept"]) if hb.get("schedule_kept") is not None else "-", CLIENT_LAG_FIX))
    if behind_line:
        # The client's own line: when it first fell behind, and the heartbeat rate its share asks for.
        said = re.search(r"First heartbeat (.*?): this client is behind its own schedule \((.*?)\)\.", behind_line)
        line += (" [first heartbeat %s; %s]" % said.groups()) if said else \
            (" [%s]" % behind_line.split(" Fix: ", 1)[0].split(" - ", 1)[-1][:300])
    return line


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


def failure_lines(kinds, progress, shares=None, port_count=None, sources=None):
    """Progress lines naming each failure kind of `kinds` with its meaning, its fix and the evidence."""
    lines = []
    for kind in sort_kinds(kinds):
        e = evidence.explained(kind, progress, shares, port_count, sources)
        lines.append("%s (%s) on %s: %s. Fix: %s%s" % (
            kind, e["title"], ", ".join(e["hosts"]) or "?", e["meaning"], e["fix"],
            "".join(" [%s]" % item for item in e["evidence"])))
    return lines


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



# The preflight's line for a host the kernel role never ran on.
NOT_PROVISIONED = "was not provisioned (unreachable or failed above)"


def preflight_lines(findings):
    """'host: finding' for each of the kernel role's preflight findings, by host ({host: [finding, ...]});
    'host: was not provisioned ...' where a host has none recorded (None: the role never ran there)."""
    out = []
    for host, errors in findings.items():
        if errors is None:
            out.append("%s: %s" % (host, NOT_PROVISIONED))
        else:
            out.extend("%s: %s" % (host, error) for error in errors)
    return out
