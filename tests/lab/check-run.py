#!/usr/bin/env python3
"""Assertions on the run folder of a lab run that must reach its target (tests/lab/e2e.sh).

  check-run.py baseline RUN_DIR TOTAL CLIENTS COUNTS_FILE
      TOTAL connections over CLIENTS clients, shares differing by at most one: every connection
      established and held, none lost, every file of the layout on every host (CLIENTS + 1), the
      doctor with no FAIL, the server's peak equal to the total, and the report (summary.json,
      report.md) saying what run.json says
  check-run.py transport RUN_DIR NAME CLIENTS COUNTS_FILE
      reached, and every jar ran on that transport (none fell back)
  check-run.py server RUN_DIR IMPL PROTOCOL CLIENTS COUNTS_FILE
      reached with that server (c1m_server_impl) and protocol: every client held its share over it with
      none lost or dead, and the report names the server and says what it could not measure

Prints ok/FAIL lines; writes "passed failed" to COUNTS_FILE.
"""
import glob
import os
import sys

from labcheck import Checks, load, read

# The machines' sizes (the Vagrantfile's defaults unless the caller made others), and what a VM's kernel
# keeps of its RAM before MemTotal (0 in a container, whose limit is exact).
MACHINE_MB = {"server": int(os.environ.get("C1M_CHECK_SERVER_MB", "6144")),
              "client": int(os.environ.get("C1M_CHECK_CLIENT_MB", "4096"))}
KERNEL_KEEPS_MB = int(os.environ.get("C1M_CHECK_KERNEL_KEEPS_MB", "0"))

CHECKS = Checks()
check = CHECKS.check


def baseline(run_dir, total, count):
    def here(path):
        return load(os.path.join(run_dir, path))

    # The split the playbook makes (c1m_share): the first total % count clients take one more.
    want_shares = [total // count + (1 if i < total % count else 0) for i in range(count)]
    run = here("run.json")
    check("run.json: outcome reached", run.get("outcome") == "reached", run.get("outcome_detail") or run)
    check("run.json: target %d over %d clients" % (total, count),
          run.get("target_connections") == total and len(run.get("clients", [])) == count, run.get("clients"))
    check("run.json: shares %s" % "/".join(str(n) for n in sorted(set(want_shares), reverse=True)),
          [c.get("share") for c in run.get("clients", [])] == want_shares, run.get("clients"))
    shares = {c.get("hostname") or c.get("host"): c.get("share") for c in run.get("clients", [])}
    for key in ("run_id", "started_at", "finished_at", "scenario", "ports", "connect_rate", "hold", "heartbeat", "server"):
        if key not in run:
            check("run.json has " + key, False)
    check("run.json: scenario baseline, no wall expected", run.get("scenario") == "baseline"
          and (run.get("scenario_result") or {}).get("wall_hit", "missing") is None, run.get("scenario_result"))

    hosts = sorted(os.listdir(os.path.join(run_dir, "hosts"))) if os.path.isdir(os.path.join(run_dir, "hosts")) else []
    check("a folder per host (%d)" % (count + 1), len(hosts) == count + 1, hosts)
    common = ["role", "sysctl.txt", "limits.txt", "sockstat.txt", "conntrack.txt", "meminfo.txt", "slabinfo.txt", "facts.json"]
    for host in hosts:
        role = read(os.path.join(run_dir, "hosts", host, "role")).strip()
        wanted = common + ["%s-summary.json" % role, "%s-timeline.csv" % role, "%s.log" % role]
        missing = [name for name in wanted if not os.path.exists(os.path.join(run_dir, "hosts", host, name))]
        check("%s (%s): every file of the run folder layout" % (host, role), not missing, missing)
        facts = here("hosts/%s/facts.json" % host)
        want_mb = MACHINE_MB["server" if role == "server" else "client"]
        got_mb = facts.get("memory_mb") or 0
        check("%s: memory %d MB as the machine's size (less at most %d MB the kernel keeps)" % (host, want_mb, KERNEL_KEEPS_MB),
              want_mb - KERNEL_KEEPS_MB <= got_mb <= want_mb, got_mb)
        header = read(os.path.join(run_dir, "hosts", host, "%s-timeline.csv" % role)).split("\n")[0].strip()
        want_header = ("time,open,accepted,closed,rss_bytes,heap_used_bytes" if role == "server"
                       else "time,open,established,failed,lost,rss_bytes,heap_used_bytes")
        # Newer client timelines add columns after these (docs/interfaces.md).
        check("%s: timeline header starts with %s" % (host, want_header),
              header == want_header or header.startswith(want_header + ","), header)
        doctor = here("hosts/%s/doctor.json" % host)
        check("%s: doctor.json with no FAIL" % host, isinstance(doctor.get("checks"), list) and doctor.get("fail") == 0,
              [c for c in doctor.get("checks") or [] if c.get("status") == "FAIL"] or doctor.get("_error"))
        after = here("hosts/%s/doctor-after.json" % host)
        check("%s: the doctor ran again after the run (doctor-after.json)" % host,
              isinstance(after.get("checks"), list) and len(after["checks"]) == len(doctor.get("checks") or []),
              after.get("_error") or len(after.get("checks") or []))
        limits = read(os.path.join(run_dir, "hosts", host, "limits.txt")) or "\n"
        # The server runs until collect; a client may have ended its hold before the playbook's first progress
        # read on a loaded machine, and its snapshot then says so (the limits its unit sets) instead.
        first = limits.splitlines()[0]
        if role == "server":
            check("%s: limits.txt is the running service's" % host, "/proc/" in first, first)
        else:
            check("%s: limits.txt is the running service's, or says it had ended" % host,
                  "/proc/" in first or "is not running; the limits its unit sets" in first, first)

    clients = [h for h in hosts if read(os.path.join(run_dir, "hosts", h, "role")).strip() == "client"]
    check("the clients' folders are run.json's clients", sorted(clients) == sorted(shares), (clients, sorted(shares)))
    for host in clients:
        s = here("hosts/%s/client-summary.json" % host)
        per_client = shares.get(host)
        check("%s: reached, %s established, none failed" % (host, per_client),
              s.get("reached") is True and s.get("established") == per_client and s.get("peak_open") == per_client
              and s.get("failed_total") == 0, {k: s.get(k) for k in ("reached", "established", "peak_open", "failed_total")})
        check("%s: held with none lost or dead" % host, s.get("lost") == 0 and s.get("dead") == 0,
              {k: s.get(k) for k in ("lost", "dead", "exit_reason")})
        hb = s.get("heartbeat") or {}
        check("%s: heartbeats sent and answered" % host, (hb.get("sent") or 0) > 0 and (hb.get("received") or 0) > 0, hb)
        # The schedule's own figures: what was due, the share kept, and the round trip from due time.
        check("%s: heartbeats due, the schedule kept and the round trip from due time reported" % host,
              (hb.get("due") or 0) >= (hb.get("sent") or 0) > 0 and isinstance(hb.get("schedule_kept"), (int, float))
              and (hb.get("from_due") or {}).get("p99_ms") is not None,
              {k: hb.get(k) for k in ("due", "sent", "late", "missed", "schedule_kept", "from_due")})
        check("%s: exit code 0" % host, s.get("exit_code") == 0, (s.get("exit_code"), s.get("exit_reason")))

    server = [h for h in hosts if h not in clients]
    srv = here("hosts/%s/server-summary.json" % server[0]) if server else {}
    check("server: peak_open == %d" % total, srv.get("peak_open") == total, srv.get("peak_open"))
    check("server: stopped cleanly", srv.get("state") == "stopped", srv.get("state"))

    # The report says what run.json says.
    summary = here("summary.json")
    result, settings = summary.get("result") or {}, summary.get("settings") or {}
    check("summary.json: reached, target %d, %d established" % (total, total),
          result.get("reached") is True and result.get("target") == total and result.get("established_total") == total,
          {k: result.get(k) for k in ("reached", "target", "established_total")})
    check("summary.json: the same %d clients and shares as run.json" % count,
          sorted(result.get("established") or {}) == sorted(shares)
          and {c.get("host"): c.get("share") for c in settings.get("clients") or []} == shares,
          (result.get("established"), settings.get("clients")))
    heartbeat = result.get("heartbeat") or {}
    check("summary.json: the schedule kept and the merged round trip from due time",
          (heartbeat.get("schedule") or {}).get("recorded") is True
          and ((heartbeat.get("from_due") or {}).get("merged") or {}).get("p99_ms") is not None,
          {k: heartbeat.get(k) for k in ("schedule", "from_due")})
    report_md = read(os.path.join(run_dir, "report.md")) or ""
    check("report.md names every client", all(host in report_md for host in shares), sorted(shares))
    check("report.html is there", os.path.getsize(os.path.join(run_dir, "report.html")) > 0
          if os.path.exists(os.path.join(run_dir, "report.html")) else False)


def transport(run_dir, name, count):
    run = load(os.path.join(run_dir, "run.json"))
    check("[%s] run.json: outcome reached, transport %s" % (name, name),
          run.get("outcome") == "reached" and run.get("transport") == name,
          (run.get("outcome"), run.get("transport"), run.get("outcome_detail")))
    summaries = sorted(glob.glob(os.path.join(run_dir, "hosts", "*", "*-summary.json")))
    seen = {path.split(os.sep)[-2]: load(path).get("transport") for path in summaries}
    check("[%s] every jar ran on %s, none fell back (%d hosts)" % (name, name, count + 1),
          len(seen) == count + 1 and set(seen.values()) == {name}, seen)


def server(run_dir, impl, protocol, count):
    name = "%s/%s" % (impl, protocol)
    run = load(os.path.join(run_dir, "run.json"))
    check("[%s] run.json: outcome reached, server impl %s, protocol %s" % (name, impl, protocol),
          run.get("outcome") == "reached" and (run.get("server") or {}).get("impl") == impl
          and run.get("protocol") == protocol,
          (run.get("outcome"), run.get("server"), run.get("protocol"), run.get("outcome_detail")))
    clients = sorted(glob.glob(os.path.join(run_dir, "hosts", "*", "client-summary.json")))
    seen = {path.split(os.sep)[-2]: load(path) for path in clients}
    check("[%s] every client spoke %s and held its share, none lost or dead (%d clients)" % (name, protocol, count),
          len(seen) == count and all(s.get("protocol") == protocol and s.get("reached") and not s.get("lost")
                                     and not s.get("dead") for s in seen.values()),
          {h: (s.get("protocol"), s.get("reached"), s.get("lost"), s.get("dead")) for h, s in seen.items()})
    beats = sum(((s.get("heartbeat") or {}).get("received") or 0) for s in seen.values())
    check("[%s] heartbeats were answered (%d)" % (name, beats), beats > 0, beats)
    server_dir = os.path.join(run_dir, "hosts", (run.get("server") or {}).get("hostname") or "?")
    summary = load(os.path.join(server_dir, "server-summary.json")) if impl in ("netty", "c-epoll") else None
    if impl == "c-epoll":
        check("[%s] the C server's summary: impl c-epoll, peak %s" % (name, run.get("target_connections")),
              summary.get("impl") == "c-epoll" and summary.get("peak_open") == run.get("target_connections"),
              (summary.get("impl"), summary.get("peak_open")))
    if impl == "command":
        process = read(os.path.join(server_dir, "process.txt")) or ""
        check("[%s] process.txt is the running server's /proc status" % name,
              process.startswith("# /proc/") and "VmRSS:" in process, process.splitlines()[:1])
    report_md = read(os.path.join(run_dir, "report.md")) or ""
    if impl == "external":
        address = (run.get("server") or {}).get("address")
        hosts = sorted(os.listdir(os.path.join(run_dir, "hosts")))
        check("[%s] only the clients were touched and collected (%s)" % (name, ", ".join(hosts)),
              len(hosts) == count and not os.path.isdir(server_dir), hosts)
        check("[%s] report.md names the external server at %s and says it is not measured" % (name, address),
              "external server at %s" % address in report_md and "is outside the lab" in report_md
              and "| protocol | %s |" % protocol in report_md, address)
        return
    cost = (load(os.path.join(run_dir, "summary.json")).get("cost") or {}).get("server") or {}
    check("[%s] the peak snapshot saw the connections: the server's kernel bytes a connection %s" % (
        name, cost.get("kernel_bytes_per_connection")), 1000 < (cost.get("kernel_bytes_per_connection") or 0) < 20000,
        cost.get("kernel_source"))
    if impl == "command":
        check("[%s] the server's RSS a connection, measured from outside: %s B (average)" % (
            name, cost.get("process_bytes_per_connection_average")),
            cost.get("process_bytes_per_connection_average") is not None, cost.get("rss_source"))
    check("[%s] report.md names the server (%s) and the protocol" % (name, impl),
          "server (%s)" % impl in report_md and "| protocol | %s |" % protocol in report_md, impl)
    check("[%s] report.md says the heap is n/a without a JVM" % name,
          "heap n/a: the server is %s" % impl in report_md, impl)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "baseline":
        baseline(args[0], int(args[1]), int(args[2]))
        sys.exit(CHECKS.finish("assertions", args[3]))
    if mode == "transport":
        transport(args[0], args[1], int(args[2]))
        sys.exit(CHECKS.finish(args[1], args[3]))
    if mode == "server":
        server(args[0], args[1], args[2], int(args[3]))
        sys.exit(CHECKS.finish("%s/%s" % (args[1], args[2]), args[4]))
    sys.exit("check-run.py: unknown mode %r (baseline, transport or server)" % mode)
