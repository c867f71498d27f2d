"""What the follow loop prints after each progress read (ansible/tasks/follow-poll.yml), assembled here so
the playbook only shows it.

Two lines always (elapsed time, phase, established and open; the server's and the clients' counts), then
only what applies: the heartbeat line, failure counts, a faults line once anything was lost or went silent,
the client's lag with its fix the first time a heartbeat is late or missed, one line per failure kind the
first time it is seen (meaning, fix, this run's evidence), stale summaries, and the server's accept errors
that name a limit (at the end, or when a new kind shows up).
"""

from . import faults as faults_
from .lines import failure_counts, failure_lines, heartbeat_line, lag_line


def progress_lines(progress, follow, faults, elapsed, target, shares=None, port_count=None):
    """The lines of one read. progress: c1m_progress; follow: c1m_follow_next's state; faults: c1m_faults;
    elapsed: seconds since the clients started; target: the run's connections in all."""
    p, follow, target = progress, follow or {}, int(target)
    states = ", ".join("%s %s" % (state, count) for state, count in (p.get("states") or {}).items())
    reaped = p.get("server_reaped")
    lines = [
        "[%6.1fs %s] established %s/%s (%.1f%%), open %s" % (
            float(elapsed), follow.get("phase"), p["established"], target,
            100.0 * p["established"] / target if target else 0.0, p["open"]),
        "server open %s, failed %s, lost %s, dead %s (heartbeat unanswered)%s; clients %s" % (
            p["server_open"] if p.get("server_open") is not None else "?", p["failed"], p["lost"], p["dead"],
            (", reaped %s (server keepalive)" % reaped) if reaped is not None else "", states),
    ]
    heartbeat = heartbeat_line(p.get("heartbeat"))
    if heartbeat:
        lines.append("heartbeats " + heartbeat)
    counts = failure_counts(p)
    if counts:
        lines.append("failures " + counts)
    faults_line = faults_.line(faults)
    if faults_line:
        lines.append(faults_line)
    if follow.get("lag_new"):
        lag = lag_line(p.get("heartbeat"), p.get("behind"))
        if lag:
            lines.append(lag)
    new_kinds = follow.get("new_kinds") or []
    lines.extend(failure_lines(new_kinds, p, shares, port_count))
    stale = p.get("stale") or []
    if stale:
        lines.append("summary not updated on %s: %s" % (", ".join(s["host"] for s in stale), stale[0]["line"]))
    errors = p.get("server_errors") or {}
    if errors.get("count", 0) > 0 and (follow.get("phase") == "done" or new_kinds):
        lines.append("server accept errors naming a limit: %s, the first: %s" % (errors["count"], errors["lines"][0]))
    return lines
