#!/usr/bin/env python3
"""Assertions on the run folder of a scenario run of ansible/run-test.yml (tests/lab/e2e-scenarios.sh).

  check-scenario.py RUN_DIR SCENARIO PLAYBOOK_LOG PLAYBOOK_RC COUNTS_FILE

Checks that the run hit the scenario's wall (the right failure kind), stopped early instead of waiting
for a timeout, and that the doctor's finding, the failure, its meaning and the fix are in run.json,
summary.json and report.md, and in the playbook's output. Prints ok/FAIL lines; writes "passed failed"
to COUNTS_FILE.
"""
import os
import re
import sys

from labcheck import Checks, load, read

# What each scenario must show: failure kinds (any of), the doctor check that FAILs and on which role,
# what that finding's `found` says, and text report.md, the playbook's output and the logs must contain.
EXPECT = {
    "nofile": {
        "kinds": ["EMFILE"], "doctor_check": "open files (hard)", "doctor_roles": ["server", "client"],
        "found": r"^1,024 ",
        "report_md": ["## Scenario: nofile", "EMFILE", "Too many open files", "open files (hard)", "LimitNOFILE"],
        "playbook": ["EMFILE (Too many open files) on c1m-client", "Fix: raise the service's LimitNOFILE",
                     "LimitNOFILE 1024", "Scenario nofile reproduced its wall", "open files (hard) FAIL"],
        "client_log": ["First EMFILE connecting to", "Too many open files",
                       "Preflight skipped (--skip-preflight)"],
        "server_log": ["Too many open files"],
    },
    "port-range": {
        "kinds": ["EADDRNOTAVAIL"], "stall_counts": True, "doctor_check": "5-tuple", "doctor_roles": ["client"],
        "found": r"half of ip_local_port_range",
        "report_md": ["## Scenario: port-range", "Cannot assign requested address", "5-tuple",
                      "ip_local_port_range"],
        "playbook": ["EADDRNOTAVAIL (Cannot assign requested address) on c1m-client", "ip_local_port_range",
                     "Scenario port-range reproduced its wall", "5-tuple FAIL"],
        "client_log": ["Preflight skipped (--skip-preflight)"],
        "server_log": [],
    },
    "conntrack": {
        "kinds": ["ETIMEDOUT"], "stall_counts": True, "doctor_check": "nf_conntrack_max", "doctor_roles": ["server"],
        "max_follow_seconds": 600,
        "found": r"^1,024",
        "report_md": ["## Scenario: conntrack", "ETIMEDOUT", "Connection timed out", "nf_conntrack_max"],
        "playbook": ["ETIMEDOUT (Connection timed out) on c1m", "nf_conntrack_max",
                     "Scenario conntrack reproduced its wall", "nf_conntrack_max FAIL"],
        # The clients' own start-up check passes: conntrack is the server's table.
        "client_log": [],
        "server_log": [],
    },
    "epoll": {
        # Netty's register fails with errno 28; the client counts OTHER and the lab names the cause.
        "kinds": ["OTHER"], "stall_counts": True, "doctor_check": "epoll max_user_watches", "doctor_roles": ["client"],
        "max_follow_seconds": 600,
        "found": r"^1,000$",
        "report_md": ["## Scenario: epoll", "No space left on device", "fs.epoll.max_user_watches",
                      "epoll max_user_watches"],
        "playbook": ["OTHER (another error) on c1m", "epoll_ctl failed with ENOSPC",
                     "Scenario epoll reproduced its wall", "epoll max_user_watches FAIL"],
        # The jar's own start-up check is open files and the 5-tuple only (StartupCheck): it passes; the
        # doctor before the run is what FAILs epoll max_user_watches.
        "client_log": ["First OTHER connecting to", "No space left on device"],
        "server_log": [],
    },
}

CHECKS = Checks()
check = CHECKS.check


def restart_main(run_dir, playbook_log, rc, counts):
    """The restart scenario: the server killed mid-hold and started again; every lost connection back."""
    tag = "[restart] "
    flat = re.sub(r"\s+", " ", read(playbook_log).replace("''", "'"))
    check(tag + "the playbook succeeds: every lost connection came back (rc 0)", rc == 0, rc)
    run = load(os.path.join(run_dir, "run.json"))
    result = run.get("scenario_result") or {}
    target = run.get("target_connections") or 0
    # lost counts closes: a connection re-opened just before the dying server's listener closed is lost twice.
    check(tag + "run.json: recovered, all %s lost and every loss reconnected" % target,
          result.get("recovered") is True and (result.get("lost") or 0) >= target
          and result.get("reconnected") == result.get("lost") and result.get("unrecovered") == 0, result)
    recovery = result.get("recovery_seconds")
    check(tag + "run.json: the time to recover the target (%s s)" % recovery, isinstance(recovery, (int, float))
          and 0 < recovery < (run.get("hold_seconds") or 60), recovery)
    restart = result.get("restart") or {}
    check(tag + "run.json: when the server was killed and listened again",
          bool(restart.get("killed_at")) and bool(restart.get("listening_at")), restart)
    check(tag + "run.json: outcome reached_with_losses (lost is lost, even when it comes back)",
          run.get("outcome") == "reached_with_losses", run.get("outcome"))
    hosts_dir = os.path.join(run_dir, "hosts")
    hosts = sorted(os.listdir(hosts_dir)) if os.path.isdir(hosts_dir) else []
    clients = [h for h in hosts if read(os.path.join(hosts_dir, h, "role")).strip() == "client"]
    servers = [h for h in hosts if h not in clients]
    shares = {c.get("hostname"): c.get("share") for c in run.get("clients") or []}
    for host in clients:
        summary = load(os.path.join(hosts_dir, host, "client-summary.json"))
        share = shares.get(host)
        outages = [o for o in summary.get("outages") or [] if o.get("lost")]
        check(tag + "%s: --reconnect, all %s lost and reconnected, the hold completed, exit 1" % (host, share),
              summary.get("reconnect") is True and (summary.get("lost") or 0) >= share
              and summary.get("reconnected") == summary.get("lost")
              and summary.get("unrecovered") == 0 and summary.get("hold_completed") is True
              and summary.get("exit_code") == 1, {k: summary.get(k) for k in (
                  "reconnect", "lost", "reconnected", "unrecovered", "hold_completed", "exit_code", "exit_reason")})
        check(tag + "%s: the restart is an outage with every connection in it, over" % host,
              bool(outages) and outages[0].get("connections") == share and outages[0].get("ongoing") is False, outages)
        check(tag + "%s: the refused reconnects counted by kind" % host,
              (summary.get("reconnect_errors") or {}).get("ECONNREFUSED", 0) > 0, summary.get("reconnect_errors"))
        check(tag + "%s: client log names the first refused reconnect" % host,
              "First ECONNREFUSED reconnecting to" in read(os.path.join(hosts_dir, host, "client.log")))
    server = servers[0] if servers else "?"
    before = load(os.path.join(hosts_dir, server, "server-summary-before-restart.json"))
    after = load(os.path.join(hosts_dir, server, "server-summary.json"))
    check(tag + "the first server process held the target, the restarted one got it back",
          before.get("peak_open") == target and after.get("peak_open") == target,
          (before.get("peak_open"), after.get("peak_open")))
    check(tag + "the server's TCP counters before the restart and at the end",
          os.path.exists(os.path.join(hosts_dir, server, "netstat.txt"))
          and os.path.exists(os.path.join(hosts_dir, server, "netstat-before-restart.txt")))
    summary = load(os.path.join(run_dir, "summary.json"))
    faults = summary.get("faults") or {}
    check(tag + "summary.json: the storm, the listen queue since the restart, the recovery",
          (faults.get("listen_queue") or {}).get("since") == "restart" and faults.get("recovery_seconds") is not None
          and (faults.get("storm") or {}).get("peak_per_s"), {k: faults.get(k) for k in (
              "listen_queue", "recovery_seconds", "storm", "reconnect_errors")})
    check(tag + "summary.json: the scenario succeeded", (summary.get("scenario") or {}).get("wall_hit") is True,
          summary.get("scenario"))
    report = read(os.path.join(run_dir, "report.md"))
    wanted = ["## Scenario: restart", "every lost connection came back", "## Faults: outages, lost and reconnected",
              "from the first loss to every lost connection open again", "ListenOverflows", "ECONNREFUSED",
              "reconnect rate", "listening again"]
    missing = [text for text in wanted if text not in report]
    check(tag + "report.md: the restart, the storm and the time to recover", not missing, missing)
    wanted = ["Restart scenario: the server was killed (SIGKILL)", "faults lost", "reconnected",
              "Scenario restart: restart: every lost connection came back"]
    missing = [text for text in wanted if text not in flat]
    check(tag + "the playbook's output: the restart, the faults line and the verdict", not missing, missing)
    return CHECKS.finish("restart", counts)


def main(run_dir, scenario, playbook_log, rc, counts):
    if scenario == "restart":
        return restart_main(run_dir, playbook_log, rc, counts)
    want = EXPECT[scenario]
    tag = "[%s] " % scenario
    output = read(playbook_log)
    # The playbook's YAML output folds long lines: compare with the whitespace squeezed.
    flat = re.sub(r"\s+", " ", output.replace("''", "'"))
    check(tag + "the playbook succeeds: the run hit the scenario's wall (rc 0)", rc == 0, rc)
    run = load(os.path.join(run_dir, "run.json"))
    check(tag + "run.json names the scenario", run.get("scenario") == scenario, run.get("scenario"))
    info = run.get("scenario_info") or {}
    check(tag + "run.json: what was left at its breaking value, the wall and the fix",
          bool(info.get("left_at")) and bool(info.get("wall")) and bool(info.get("fix")), info)
    result = run.get("scenario_result") or {}
    check(tag + "run.json: wall hit", result.get("wall_hit") is True, result.get("text"))
    check(tag + "run.json: outcome not_reached", run.get("outcome") == "not_reached", run.get("outcome"))
    detail = run.get("outcome_detail") or ""
    # Early: the playbook saw the target out of reach or a stall, or a client gave up by itself once
    # --max-failures connects had failed for good.
    check(tag + "stopped early, not at a timeout", detail.startswith("target out of reach") or
          (want.get("stall_counts") and detail.startswith("stalled")) or "the limit set by --max-failures" in detail,
          detail[:300])
    # How long the playbook followed the clients before it stopped, from its last progress line: the
    # wall's own time, not the provisioning and collection around it (under TCG those alone take ~12 min).
    # On LXC a wall is hit in well under 3 minutes; the conntrack scenario runs on VMs, under TCG too.
    followed = [float(s) for s in re.findall(r"\[\s*([0-9.]+)s [a-z ]+\] established", flat)]
    limit = want.get("max_follow_seconds", 180)
    check(tag + "the playbook stopped following within %d s of the clients' start" % limit,
          bool(followed) and followed[-1] < limit, followed[-1:] or "no progress line")
    # run.json states the outcome: the kinds seen and the expected ones explained are the scenario's verdict.
    seen = list(result.get("seen") or [])
    kinds_hit = [k for k in want["kinds"] if k in seen]
    check(tag + "failure kind %s seen" % " or ".join(want["kinds"]),
          bool(kinds_hit) or (want.get("stall_counts") and "stall" in (result.get("hit") or [])), seen)
    for failure in result.get("failures") or []:
        if failure.get("kind") in want["kinds"]:
            check(tag + "run.json: %s with its meaning and fix" % failure["kind"],
                  bool(failure.get("meaning")) and bool(failure.get("fix")) and failure.get("for_good", 0) > 0, failure)
    check(tag + "the preflight ran, recorded its findings and did not stop the run",
          bool(run.get("preflight_problems")) and run.get("preflight_enforced") is False,
          (run.get("preflight_problems"), run.get("preflight_enforced")))

    hosts_dir = os.path.join(run_dir, "hosts")
    hosts = sorted(os.listdir(hosts_dir)) if os.path.isdir(hosts_dir) else []
    want_hosts = len(run.get("clients") or []) + 1
    check(tag + "a folder per host (%d)" % want_hosts, len(hosts) == want_hosts, hosts)
    for host in hosts:
        role = read(os.path.join(hosts_dir, host, "role")).strip()
        doctor = load(os.path.join(hosts_dir, host, "doctor.json"))
        check(tag + "%s: doctor.json" % host, isinstance(doctor.get("checks"), list), doctor.get("_error"))
        if role in want["doctor_roles"]:
            row = next((c for c in doctor.get("checks") or [] if c.get("name") == want["doctor_check"]), {})
            check(tag + "%s: the doctor FAILed %s before the run (%s)" % (host, want["doctor_check"], row.get("found")),
                  row.get("status") == "FAIL" and re.search(want["found"], row.get("found") or "") is not None
                  and bool(row.get("fix")), row)
    findings = result.get("doctor_findings") or []
    check(tag + "run.json: the doctor's finding for the scenario", bool(findings) and result.get("doctor_agrees") is True,
          findings)

    summary = load(os.path.join(run_dir, "summary.json"))
    check(tag + "summary.json: the scenario and its wall", (summary.get("scenario") or {}).get("wall_hit") is True,
          summary.get("scenario"))
    check(tag + "summary.json: the doctor's FAILs", (summary.get("doctor") or {}).get("fail_total", 0) >= 1,
          summary.get("doctor"))
    finding = next((f for f in summary.get("findings") or [] if f.get("kind") in want["kinds"]), None)
    if finding or not want.get("stall_counts"):
        check(tag + "summary.json: what went wrong names %s with the doctor's finding beside it"
              % " or ".join(want["kinds"]),
              finding is not None and any(d.startswith("doctor on ") and want["doctor_check"] in d
                                          for d in finding.get("detail") or []), finding)
    report = read(os.path.join(run_dir, "report.md"))
    missing = [text for text in want["report_md"] if text not in report]
    check(tag + "report.md names the scenario, the failure, the doctor's finding and the fix", not missing, missing)
    check(tag + "report.html was built", os.path.getsize(os.path.join(run_dir, "report.html")) > 10000
          if os.path.exists(os.path.join(run_dir, "report.html")) else False)
    missing = [text for text in want["playbook"] if text not in flat]
    check(tag + "the playbook's output names the failure, its fix and the doctor's finding", not missing, missing)
    clients = [h for h in hosts if read(os.path.join(hosts_dir, h, "role")).strip() == "client"]
    for text in want["client_log"]:
        where = [h for h in clients if text in read(os.path.join(hosts_dir, h, "client.log"))]
        check(tag + "client logs: %r" % text, len(where) == len(clients), where)
    for text in want["server_log"]:
        server = [h for h in hosts if h not in clients]
        check(tag + "server log: %r" % text, bool(server) and text in read(os.path.join(hosts_dir, server[0], "server.log")))
    return CHECKS.finish(scenario, counts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]))
