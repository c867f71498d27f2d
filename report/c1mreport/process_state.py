"""How each host's process ended, from its summary: a summary whose state is not final ("running",
"ramping", "holding") is the last one a process wrote before it died (SIGKILL, OOM): the playbook stops
every process, which then writes a final "stopped"/"done" summary, before it collects them. Such a host
is marked stale instead of being shown as running."""

from .parsers import parse_time

FINAL = ("stopped", "done")


def process_state(summary, finished_at=None):
    """{"state", "stale", "exit_code", "updated_at", "age_s", "text"} for one host's summary (or None)."""
    if not summary:
        return {"state": None, "stale": None, "exit_code": None, "updated_at": None, "age_s": None,
                "text": "no summary"}
    state = summary.get("state")
    exit_code = summary.get("exit_code")
    updated = summary.get("updated_at_ms")
    updated_s = updated / 1000.0 if isinstance(updated, (int, float)) else parse_time(summary.get("updated_at"))
    finished = parse_time(finished_at)
    age = round(finished - updated_s, 1) if finished is not None and updated_s is not None else None
    out = {"state": state, "stale": state not in FINAL, "exit_code": exit_code,
           "updated_at": summary.get("updated_at"), "age_s": age}
    if state in FINAL:
        out["text"] = "%s, exit %s" % (state, "?" if exit_code is None else exit_code)
    else:
        out["text"] = "stale: the process died (its summary still says %s, last refreshed %s%s)" % (
            state or "nothing", summary.get("updated_at") or "at an unknown time",
            "" if age is None else ", %s s before the run ended" % age)
    return out
