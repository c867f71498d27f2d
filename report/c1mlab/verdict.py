"""The verdict: whether a run reached its target ("reached", one definition for the playbook and the
report), its outcome, and whether a scenario hit its wall.
"""

from .failures import TEXTS

# A run's kinds, each judged its own way (passed() below).
BASELINE, WALL, RESTART = "baseline", "wall", "restart"


KINDS = (BASELINE, WALL, RESTART)


def kind(info):
    """A scenario's kind, as its file declares it (c1m_scenario_info.kind): restart (a fault, judged by
    recovery), wall (a limit left at its breaking value, judged by the failure it causes) or baseline (judged
    by the target reached and held). Runs recorded before scenarios declared it: read from what they hold."""
    info = info or {}
    if info.get("kind") is not None:
        if info["kind"] not in KINDS:
            raise ValueError("scenario %s declares kind %r: one of %s" % (info.get("name"), info["kind"], ", ".join(KINDS)))
        return info["kind"]
    if info.get("restart") is not None:
        return RESTART
    return WALL if info.get("expect") else BASELINE


def passed(run_kind, outcome, scenario_result):
    """Whether the playbook passes: a baseline reached and held its target; a wall scenario hit its wall; a
    restart got every lost connection back."""
    scenario_result = scenario_result or {}
    if run_kind == RESTART:
        return bool(scenario_result.get("recovered"))
    if run_kind == WALL:
        return bool(scenario_result.get("wall_hit"))
    return outcome == "reached"


def reached(client_summaries, target, server_peak=None):
    """Whether the run reached its target (reached_and_why without the why)."""
    return reached_and_why(client_summaries, target, server_peak)[0]


def reached_and_why(client_summaries, target, server_peak=None):
    """(reached, why): whether the run reached its target: every client the run started reported reaching its
    share and their peak open connections add up to the target. With no client summary at all, the server's
    peak is the only witness.

    client_summaries: {client: its summary (summaries.checked: a figure that did not read is None), or None when
    it wrote none that reads}; target: the run's connections, None when unknown.
    reached is False when a client says it did not reach its share; else None (unknown, never false) when a
    client wrote no summary, its reached or peak_open did not read, or the target is unknown, and why then
    names each (host, file, field).
    """
    summaries = dict(client_summaries or {})
    written = dict((host, s) for host, s in summaries.items() if s)
    target_unknown = ["the target (run.json: target_connections) is unknown"] if target is None else []
    if not written:
        if target_unknown:
            return None, target_unknown
        return int(target) > 0 and int(server_peak or 0) >= int(target), []
    if any(s.get("reached") is False for s in written.values()):
        return False, []
    why = ["%s wrote no readable client-summary.json" % host for host, s in summaries.items() if not s]
    why += ["%s/client-summary.json: %s did not read" % (host, key) for host, s in written.items()
            for key in ("reached", "peak_open") if s.get(key) is None]
    if why or target_unknown:
        return None, why + target_unknown
    return sum(s["peak_open"] for s in written.values()) >= int(target), []


def outcome(was_reached, exit_codes, lost, dead, reaped=0):
    """"reached" (and held: every client exited 0, none lost or dead, none reaped by the server's keepalive),
    "reached_with_losses" or "not_reached". Late or missed heartbeats (the client's lag) play no part; a
    connection the server's keepalive closed does: a safety net that closed connections is never a clean run."""
    if not was_reached:  # unknown included: a run that cannot show it reached did not pass
        return "not_reached"
    clean = all(code == 0 for code in (exit_codes or {}).values())
    # lost or dead None: a summary held them as something else than a count, so the hold is not shown clean.
    return "reached" if clean and lost == 0 and dead == 0 and not reaped else "reached_with_losses"


def scenario_result(info, failures_seen, doctor_rows, outcome, detail=""):
    """Whether a scenario hit its wall, and the doctor's finding for it before the run.

    info: the scenario's c1m_scenario_info (expect: failure kinds; stall_counts: a stall is the wall
    too; doctor_checks: the doctor's check names that name the limit); failures_seen: from
    c1m_failures_seen; doctor_rows: from c1m_doctor_findings.
    """
    info = info or {}
    expect = list(info.get("expect") or [])
    seen = [f["kind"] for f in failures_seen or []]
    hit = [k for k in expect if k in seen]
    stalled = bool(info.get("stall_counts")) and str(detail or "").startswith("stalled")
    if info.get("stall_counts") and str(detail or "").startswith("stalled"):
        hit.append("stall")
    checks = list(info.get("doctor_checks") or [])
    doctor = [r for r in doctor_rows or [] if r.get("name") in checks and r.get("status") == "FAIL"]
    wall_hit = bool(hit) and outcome != "reached"
    explained = [f for f in failures_seen or [] if f["kind"] in hit]
    lines = []
    if not expect:
        text = "baseline: every limit tuned; no wall expected"
    elif wall_hit:
        text = "%s: hit its wall as expected: %s" % (info.get("name"), ", ".join(
            ("%s (%s)" % (k, TEXTS.get(k, TEXTS["OTHER"])["title"])) if k != "stall" else
            "a stall (no new connection)" for k in hit))
    else:
        text = "%s: did NOT hit its wall (expected %s; seen: %s; outcome %s)" % (
            info.get("name"), " or ".join(expect + (["a stall"] if info.get("stall_counts") else [])),
            ", ".join(seen) or "no failure", outcome)
    for row in doctor:
        lines.append("doctor on %s before the run: %s %s - found %s, needs %s" % (
            row["host"], row["name"], row["status"], row["found"], row["needed"]))
    return {"name": info.get("name"), "wall_hit": wall_hit if expect else None, "expected": expect,
            "stall_counts": bool(info.get("stall_counts")), "stalled": stalled, "seen": seen, "hit": hit,
            "text": text, "doctor_findings": doctor, "doctor_lines": lines,
            "doctor_agrees": bool(doctor) if expect else None,
            "fix": info.get("fix"), "failures": explained}

