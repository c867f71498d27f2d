#!/usr/bin/env bash
# The lab end to end on this Linux host, with LXC system containers instead of VMs:
#   1. host setup and the Debian 12 LXC box (built with debootstrap, or reused from vagrant/boxes/)
#   2. `vagrant up --provider=lxc` with the project's Vagrantfile (one server, three clients)
#   3. provision (Vagrant's Ansible provisioner), 4. provision again: must report changed=0
#   5. ansible/run-test.yml with 3 x 5,000 connections (the 20,000 open-files cap per process here),
#      a short hold with heartbeats
#   6. assertions on the fetched reports/<run-id>/: every connection established and held, none lost
#   7. the scenarios on the same containers (tests/lab/e2e-scenarios.sh): nofile and port-range must
#      hit their walls and name them with the doctor's finding and the fix; conntrack is refused on LXC
#   8. a short run with c1m_transport=io_uring (where the host's kernel allows io_uring): every jar on
#      io_uring, its rings within the units' LimitMEMLOCK, and the settings the scenarios left restored
# The containers are destroyed afterwards, whatever happened (trap). Prints each stage's time and
# 'N passed, N failed'. Runs as root, non-interactively (CI=true, no stdin).
#
# Environment: C1M_E2E_PER_CLIENT (default 5000), C1M_E2E_HOLD (20s), C1M_E2E_HEARTBEAT (5s),
# C1M_E2E_KEEP=1 keeps the containers (for debugging; then `vagrant destroy -f` yourself),
# C1M_E2E_SCENARIOS=0 skips stage 7, C1M_E2E_IO_URING=0 stage 8.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

per_client=${C1M_E2E_PER_CLIENT:-5000}
hold=${C1M_E2E_HOLD:-20s}
heartbeat=${C1M_E2E_HEARTBEAT:-5s}
clients=3
total=$((per_client * clients))
run_id="e2e-$(date -u +%Y%m%dT%H%M%SZ)"

# The project's defaults only: no local settings file, no C1M_* from the caller, LXC provider.
keep=${C1M_E2E_KEEP:-0}
scenarios=${C1M_E2E_SCENARIOS:-1}
io_uring=${C1M_E2E_IO_URING:-1}
unset "${!C1M_@}"
export C1M_SETTINGS_FILE=/dev/null
export VAGRANT_DEFAULT_PROVIDER=lxc VAGRANT_NO_COLOR=1 VAGRANT_CHECKPOINT_DISABLE=1
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PYTHONUNBUFFERED=1
exec </dev/null

logdir=$(mktemp -d /tmp/c1m-e2e.XXXXXX)
declare -a timings=()
last_log=""
passed=0
failed=0
current=""

say() { printf '\n=== %s ===\n' "$*"; }
stage() { # stage NAME COMMAND...: run, time it, keep its log
  local name=$1; shift
  local start=$SECONDS log
  log="$logdir/$(printf '%s' "$name" | tr -c 'a-zA-Z0-9' '-').log"
  last_log=$log
  current=$name
  say "$name"
  if "$@" 2>&1 | tee "$log"; then
    timings+=("$(printf '%-44s %5d s' "$name" $((SECONDS - start)))")
  else
    timings+=("$(printf '%-44s %5d s  FAILED' "$name" $((SECONDS - start)))")
    echo "e2e: stage '$name' failed (log: $log)" >&2
    return 1
  fi
}

print_timings() {
  echo
  echo "=== lab e2e timings ==="
  printf '%s\n' "${timings[@]}"
}

destroy() {
  local start=$SECONDS
  say "destroy the containers"
  vagrant destroy -f >"$logdir/destroy.log" 2>&1 || { tail -n 20 "$logdir/destroy.log"; true; }
  # Any of the lab's containers Vagrant lost track of (their names are the machines' names).
  for name in $(lxc-ls 2>/dev/null | tr ' ' '\n' | grep -E '^c1m-(server|client[0-9]+)$' || true); do
    echo "e2e: removing leftover container $name"
    lxc-stop -k -n "$name" >/dev/null 2>&1 || true
    lxc-destroy -n "$name" >/dev/null 2>&1 || true
  done
  timings+=("$(printf '%-44s %5d s' "destroy" $((SECONDS - start)))")
}

finish() {
  local rc=$?
  if [ "$keep" = "1" ]; then
    echo "e2e: C1M_E2E_KEEP=1, containers kept (vagrant destroy -f when done)"
  else
    destroy
  fi
  print_timings
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=$((failed + 1))
    echo "e2e: failed in stage: ${current}"
  fi
  echo "logs: $logdir"
  echo "lab e2e: ${passed} passed, ${failed} failed"
  if [ "$failed" -ne 0 ]; then exit 1; fi
  exit "$rc"
}
trap finish EXIT

for tool in vagrant lxc-create debootstrap ansible-playbook; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing; run tests/lab/install-deps.sh" >&2; exit 1; }
done
vagrant plugin list 2>/dev/null | grep -q vagrant-lxc || { echo "e2e: the vagrant-lxc plugin is missing; run tests/lab/install-deps.sh" >&2; exit 1; }

# Leftovers of an interrupted run would make `vagrant up` reuse half-made machines.
if [ -d .vagrant/machines ]; then
  vagrant destroy -f >/dev/null 2>&1 || true
fi

# 1. Host setup and the box: what the Vagrantfile's trigger runs, run here first so its time is
#    its own. The box is rebuilt only when vagrant/boxes/ lacks the one for this builder.
box_hash=$(sha256sum vagrant/lxc/build-box.sh | cut -c1-10)
box_name="c1m/debian12-lxc-${box_hash}"
box_file="$root/vagrant/boxes/c1m-debian12-lxc-${box_hash}.box"
box_store="${VAGRANT_HOME:-$HOME/.vagrant.d}/boxes/${box_name//\//-VAGRANTSLASH-}"
if [ -s "$box_file" ] || compgen -G "$box_store/*/lxc/metadata.json" >/dev/null; then
  box_stage="host setup (box cached)"
else
  box_stage="host setup + build the LXC box"
fi
stage "$box_stage" env C1M_LXC_BOX_FILE="$box_file" C1M_LXC_BOX_STORE="$box_store" C1M_LXC_BRIDGE=c1mbr0 \
  C1M_LXC_BRIDGE_ADDRESS=192.168.56.1/24 vagrant/lxc/host-setup.sh
# Boxes of earlier builders only take disk space.
for old in $(vagrant box list 2>/dev/null | awk '{print $1}' | grep '^c1m/debian12-lxc-' | grep -vx "$box_name" || true); do
  vagrant box remove -f --all "$old" >/dev/null 2>&1 || true
done

# 2. The containers, 3. the first provisioning, 4. the second (changed=0 everywhere).
stage "vagrant up --provider=lxc (4 containers)" vagrant up --provider=lxc --no-provision
stage "provision (vagrant provision)" vagrant provision
stage "provision again (must change nothing)" vagrant provision
recap=$(sed -n '/PLAY RECAP/,$p' "$last_log")
echo "$recap"
hosts_in_recap=$(echo "$recap" | grep -c 'ok=' || true)
unchanged=$(echo "$recap" | grep -c 'changed=0 .*failed=0' || true)
if [ "$hosts_in_recap" -ge 4 ] && [ "$unchanged" -eq "$hosts_in_recap" ]; then
  passed=$((passed + 1)); echo "ok    second provisioning: changed=0 failed=0 on all $hosts_in_recap hosts"
else
  failed=$((failed + 1)); echo "FAIL  second provisioning changed something (or failed): see the recap above"
fi

# 5. The test itself.
stage "run-test.yml (${clients} x ${per_client}, hold ${hold})" ansible-playbook ansible/run-test.yml \
  -e c1m_target_connections="$total" -e c1m_hold="$hold" -e c1m_heartbeat="$heartbeat" \
  -e c1m_label="e2e-lxc-${clients}x${per_client}" -e c1m_run_id="$run_id" -e c1m_poll_interval=3 \
  -e c1m_ramp_timeout=300

# 6. What the run folder says.
say "assertions on reports/${run_id}"
export C1M_E2E_COUNTS="$logdir/counts"
set +e
/usr/bin/python3 - "reports/${run_id}" "$total" "$per_client" <<'PY'
import json
import os
import sys

run_dir, total, per_client = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok    " + name)
    else:
        failed += 1
        print("FAIL  " + name + (": " + str(detail) if detail else ""))


def load(path):
    try:
        with open(os.path.join(run_dir, path)) as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        return {"_error": str(error)}


run = load("run.json")
check("run.json: outcome reached", run.get("outcome") == "reached", run.get("outcome_detail") or run)
check("run.json: target %d over 3 clients" % total,
      run.get("target_connections") == total and len(run.get("clients", [])) == 3, run.get("clients"))
check("run.json: shares of %d each" % per_client,
      [c.get("share") for c in run.get("clients", [])] == [per_client] * 3, run.get("clients"))
for key in ("run_id", "started_at", "finished_at", "scenario", "ports", "connect_rate", "hold", "heartbeat", "server"):
    if key not in run:
        check("run.json has " + key, False)
check("run.json: scenario baseline, no wall expected", run.get("scenario") == "baseline"
      and (run.get("scenario_result") or {}).get("wall_hit", "missing") is None, run.get("scenario_result"))

hosts = sorted(os.listdir(os.path.join(run_dir, "hosts"))) if os.path.isdir(os.path.join(run_dir, "hosts")) else []
check("a folder per host (4)", len(hosts) == 4, hosts)
common = ["role", "sysctl.txt", "limits.txt", "sockstat.txt", "conntrack.txt", "meminfo.txt", "slabinfo.txt", "facts.json"]
for host in hosts:
    role = open(os.path.join(run_dir, "hosts", host, "role")).read().strip()
    wanted = common + ["%s-summary.json" % role, "%s-timeline.csv" % role, "%s.log" % role]
    missing = [name for name in wanted if not os.path.exists(os.path.join(run_dir, "hosts", host, name))]
    check("%s (%s): every file of the run folder layout" % (host, role), not missing, missing)
    facts = load("hosts/%s/facts.json" % host)
    want_mb = 6144 if role == "server" else 4096
    check("%s: memory limit %d MB as the VM sizes" % (host, want_mb), facts.get("memory_mb") == want_mb, facts.get("memory_mb"))
    header = open(os.path.join(run_dir, "hosts", host, "%s-timeline.csv" % role)).readline().strip()
    want_header = ("time,open,accepted,closed,rss_bytes,heap_used_bytes" if role == "server"
                   else "time,open,established,failed,lost,rss_bytes,heap_used_bytes")
    check("%s: timeline header" % host, header == want_header, header)
    doctor = load("hosts/%s/doctor.json" % host)
    check("%s: doctor.json with no FAIL" % host, isinstance(doctor.get("checks"), list) and doctor.get("fail") == 0,
          [c for c in doctor.get("checks") or [] if c.get("status") == "FAIL"] or doctor.get("_error"))
    limits = open(os.path.join(run_dir, "hosts", host, "limits.txt")).read()
    check("%s: limits.txt is the running service's" % host, "/proc/" in limits.splitlines()[0], limits.splitlines()[:1])

clients = [h for h in hosts if open(os.path.join(run_dir, "hosts", h, "role")).read().strip() == "client"]
for host in clients:
    s = load("hosts/%s/client-summary.json" % host)
    check("%s: reached, %d established, none failed" % (host, per_client),
          s.get("reached") is True and s.get("established") == per_client and s.get("peak_open") == per_client
          and s.get("failed_total") == 0, {k: s.get(k) for k in ("reached", "established", "peak_open", "failed_total")})
    check("%s: held with none lost or dead" % host, s.get("lost") == 0 and s.get("dead") == 0,
          {k: s.get(k) for k in ("lost", "dead", "exit_reason")})
    hb = s.get("heartbeat") or {}
    check("%s: heartbeats sent and answered" % host, (hb.get("sent") or 0) > 0 and (hb.get("received") or 0) > 0, hb)
    check("%s: exit code 0" % host, s.get("exit_code") == 0, (s.get("exit_code"), s.get("exit_reason")))

server = [h for h in hosts if h not in clients]
srv = load("hosts/%s/server-summary.json" % server[0]) if server else {}
check("server: peak_open == %d" % total, srv.get("peak_open") == total, srv.get("peak_open"))
check("server: stopped cleanly", srv.get("state") == "stopped", srv.get("state"))
print("assertions: %d passed, %d failed" % (passed, failed))
with open(os.path.join(os.environ.get("C1M_E2E_COUNTS", "/dev/null")), "w") as out:
    out.write("%d %d\n" % (passed, failed))
sys.exit(1 if failed else 0)
PY
set -e
if read -r p f <"$logdir/counts" 2>/dev/null; then
  passed=$((passed + p)); failed=$((failed + f))
else
  failed=$((failed + 1)); echo "FAIL  the assertions did not run to the end"
fi

# 7. The scenarios on the same containers: nofile and port-range hit their walls, conntrack is
#    refused on LXC (tests/lab/e2e-scenarios.sh). C1M_E2E_SCENARIOS=0 skips them.
if [ "$scenarios" != "0" ]; then
  # shellcheck source=tests/lab/e2e-scenarios.sh
  . tests/lab/e2e-scenarios.sh
  run_scenarios
fi

# 8. The same lab on io_uring (c1m_transport), small and short.
if [ "$io_uring" != "0" ] && [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = "0" ]; then
  uring_id="e2e-io_uring-$(date -u +%Y%m%dT%H%M%SZ)"
  stage "run-test.yml -e c1m_transport=io_uring (3 x 2000)" ansible-playbook ansible/run-test.yml \
    -e c1m_transport=io_uring -e c1m_target_connections=6000 -e c1m_hold=5s -e c1m_heartbeat=1s \
    -e c1m_run_id="$uring_id" -e c1m_poll_interval=3 -e c1m_ramp_timeout=120
  say "assertions on reports/${uring_id}"
  set +e
  rm -f "$logdir/counts"
  /usr/bin/python3 - "reports/${uring_id}" <<'PY'
import glob
import json
import os
import sys

run_dir = sys.argv[1]
run = json.load(open(os.path.join(run_dir, "run.json")))
checks = [("[io_uring] run.json: outcome reached, transport io_uring",
           run.get("outcome") == "reached" and run.get("transport") == "io_uring",
           (run.get("outcome"), run.get("transport"), run.get("outcome_detail")))]
summaries = sorted(glob.glob(os.path.join(run_dir, "hosts", "*", "*-summary.json")))
transports = {path.split(os.sep)[-2]: json.load(open(path)).get("transport") for path in summaries}
checks.append(("[io_uring] every jar ran on io_uring, none fell back (4 hosts)",
               len(transports) == 4 and set(transports.values()) == {"io_uring"}, transports))
failed = 0
for name, ok, detail in checks:
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok else ": %s" % (detail,)))
    failed += 0 if ok else 1
print("%d %d" % (len(checks) - failed, failed), file=open(os.environ["C1M_E2E_COUNTS"], "w"))
PY
  set -e
  if read -r p f <"$logdir/counts" 2>/dev/null; then
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1)); echo "FAIL  the io_uring assertions did not run to the end"
  fi
else
  echo "e2e: io_uring run skipped (C1M_E2E_IO_URING=0 or kernel.io_uring_disabled)"
fi
