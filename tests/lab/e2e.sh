#!/usr/bin/env bash
# The lab end to end on this Linux host, with LXC system containers instead of VMs:
#   1. host setup and the Debian LXC box of debian_release (built with debootstrap, or reused from vagrant/boxes/)
#   2. `vagrant up --provider=lxc` with the project's Vagrantfile (one server, three clients)
#   3. provision (Vagrant's Ansible provisioner), 4. provision again: must report changed=0
#   5. ansible/run-test.yml with 3 x 5,000 connections (the 20,000 open-files cap per process here),
#      a short hold with heartbeats
#   6. assertions on the fetched reports/<run-id>/: every connection established and held, none lost,
#      the report saying what run.json says, the plan printed before the run (plan.json) giving the
#      doctor's numbers on each host; 90,000 refused by the plan before provisioning
#   7. the scenarios on the same containers (tests/lab/e2e-scenarios.sh lists them): each wall must be hit
#      and named with the doctor's finding and the fix; those needing a kernel of their own are refused on
#      LXC; restart (the server killed mid-hold) must get every lost connection back, timed, in the report
#   8. a short run with c1m_transport=io_uring (where the host's kernel allows io_uring): every jar on
#      io_uring, its rings within the units' LimitMEMLOCK, and the settings the scenarios left restored
#   9. other servers under the lab (docs/servers.md): the seeds' C server (c1m_server_impl=c-epoll), then a
#      WebSocket server nobody here wrote (Debian's python3-websockets, c1m_server_impl=command) held over
#      c1m_protocol=websocket, then an external server (the C server run by hand on this host) with two
#      clients only (nothing assumes four machines): every share held, heartbeats answered, the report
#      naming what it could not measure
# The containers are destroyed afterwards, whatever happened (trap). Prints each stage's time and
# 'N passed, N failed'. Runs as root, non-interactively (CI=true, no stdin).
#
# Environment: C1M_E2E_PER_CLIENT (default 5000), C1M_E2E_HOLD (20s), C1M_E2E_HEARTBEAT (5s),
# C1M_E2E_KEEP=1 keeps the containers (for debugging; then `vagrant destroy -f` yourself),
# C1M_E2E_SCENARIOS=0 skips stage 7, C1M_E2E_IO_URING=0 stage 8, C1M_E2E_SERVERS=0 stage 9.
# C1M_E2E_SCENARIO_LIST picks stage 7's scenarios (default all; e.g. "nofile restart"),
# C1M_E2E_DEBIAN_RELEASE the hosts' Debian release (default: the Vagrantfile's debian_release).
set -euo pipefail
cd "$(dirname "$0")/../.."

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
servers=${C1M_E2E_SERVERS:-1}
scenario_list=${C1M_E2E_SCENARIO_LIST:-all}
e2e_release=${C1M_E2E_DEBIAN_RELEASE:-}
unset "${!C1M_@}"
export C1M_SETTINGS_FILE=/dev/null
# C1M_E2E_DEBIAN_RELEASE: the hosts' release instead of the Vagrantfile's default (debian_release).
[ -z "$e2e_release" ] || export C1M_DEBIAN_RELEASE=$e2e_release
export VAGRANT_DEFAULT_PROVIDER=lxc VAGRANT_NO_COLOR=1 VAGRANT_CHECKPOINT_DISABLE=1
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PYTHONUNBUFFERED=1
# Each playbook's log ends with its slowest tasks: where this stage's minutes of CI went.
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=12
exec </dev/null

logdir=$(mktemp -d /tmp/c1m-e2e.XXXXXX)
# shellcheck source=tests/lab/e2e-lib.sh
. tests/lab/e2e-lib.sh

# The private bridge host-setup makes, removed afterwards when this run made it (a libvirt lab on the
# same subnet would clash with it).
bridge_before=$(ip link show c1mbr0 >/dev/null 2>&1 && echo yes || echo no)

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
  if [ "$bridge_before" = no ] && ip link show c1mbr0 >/dev/null 2>&1; then
    ip link del c1mbr0 && echo "e2e: removed the private bridge c1mbr0 this run made"
  fi
  timings+=("$(printf '%-44s %5d s' "destroy" $((SECONDS - start)))")
}

finish() {
  local rc=$?
  if [ "$keep" = "1" ]; then
    echo "e2e: C1M_E2E_KEEP=1, containers kept (vagrant destroy -f when done)"
  else
    destroy
  fi
  print_timings "lab e2e"
  report_end "$rc" "lab e2e"
}
trap finish EXIT

for tool in vagrant lxc-create debootstrap ansible-playbook; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing; run bash install-deps.sh" >&2; exit 1; }
done
vagrant plugin list 2>/dev/null | grep -q vagrant-lxc || { echo "e2e: the vagrant-lxc plugin is missing; run bash install-deps.sh" >&2; exit 1; }

# Leftovers of an interrupted run would make `vagrant up` reuse half-made machines.
if [ -d .vagrant/machines ]; then
  vagrant destroy -f >/dev/null 2>&1 || true
fi

# 1. Host setup and the box: what the Vagrantfile's trigger runs, run here first so its time is
#    its own. The box is rebuilt only when vagrant/boxes/ lacks the one for this builder.
# The box's name and file as the Vagrantfile makes them (their one owner).
box_info=$(C1M_BOX_INFO=1 vagrant validate)
box_name=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["lxc"]["name"])' <<<"$box_info")
box_file=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["lxc"]["file"])' <<<"$box_info")
release=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["debian_release"])' <<<"$box_info")
box_store="${VAGRANT_HOME:-$HOME/.vagrant.d}/boxes/${box_name//\//-VAGRANTSLASH-}"
if [ -s "$box_file" ] || compgen -G "$box_store/*/lxc/metadata.json" >/dev/null; then
  box_stage="host setup (box cached)"
else
  box_stage="host setup + build the LXC box"
fi
stage "$box_stage" env C1M_DEBIAN_RELEASE="$release" C1M_LXC_BOX_FILE="$box_file" C1M_LXC_BOX_STORE="$box_store" C1M_LXC_BRIDGE=c1mbr0 \
  C1M_LXC_BRIDGE_ADDRESS=192.168.56.1/24 vagrant/lxc/host-setup.sh
# Boxes of earlier builders only take disk space.
for old in $(vagrant box list 2>/dev/null | awk '{print $1}' | grep '^c1m/debian-[a-z]*-lxc-' | grep -vx "$box_name" || true); do
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
/usr/bin/python3 tests/lab/check-run.py baseline "reports/${run_id}" "$total" "$clients" "$logdir/counts" || true
add_counts "$logdir/counts" "baseline"

# 6a. The plan the playbook printed before the run (plan.json) against what the run needed: the
#     doctor's needs on each host (open files, heap, memory, the 5-tuple) the same numbers.
say "the plan against what the run needed (reports/${run_id}/plan.json)"
/usr/bin/python3 tests/lab/check-plan.py "reports/${run_id}" "$logdir/counts-plan" || true
add_counts "$logdir/counts-plan" "plan"

# 6b'. A target these containers cannot hold (20,000 open files a process) is refused by the plan
#     before anything changes on them, naming what to add.
refused_log="$logdir/refused.log"
refused_id="e2e-refused-$(date -u +%Y%m%dT%H%M%SZ)"
say "run-test.yml with 90,000: refused by the plan"
refused_start=$SECONDS
# The playbook's output wraps long lines: what the plan said is read from its plan.json.
refused_says() {
  /usr/bin/python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))
sys.exit(0 if p["fits"] is False and p["additions"][0].startswith(sys.argv[2]) else 1)' \
    "reports/${refused_id}/plan.json" "an open-files ceiling of at least 90,276 for the server (it is 20,000)"
}
if ansible-playbook ansible/run-test.yml -e c1m_target_connections=90000 -e c1m_run_id="$refused_id" >"$refused_log" 2>&1; then
  failed=$((failed + 1)); echo "FAIL  90,000 on these containers was not refused (log: $refused_log)"
elif refused_says && grep -q "Refuse a target these hosts cannot hold" "$refused_log" \
  && ! grep -q "PLAY \[Tune the kernel" "$refused_log"; then
  passed=$((passed + 1)); echo "ok    90,000 refused by the plan before provisioning, naming what to add (the server's open files)"
else
  failed=$((failed + 1)); echo "FAIL  90,000 failed, but not by the plan's refusal (log: $refused_log)"; tail -n 30 "$refused_log"
fi
timings+=("$(printf '%-44s %5d s' "run-test.yml 90,000 (refused)" $((SECONDS - refused_start)))")

# 7. The scenarios on the same containers (tests/lab/e2e-scenarios.sh): walls hit, those needing their own
#    kernel refused on LXC, restart recovered. C1M_E2E_SCENARIOS=0 skips them.
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
  /usr/bin/python3 tests/lab/check-run.py transport "reports/${uring_id}" io_uring "$clients" "$logdir/counts-io_uring" || true
  add_counts "$logdir/counts-io_uring" "io_uring"
else
  echo "e2e: io_uring run skipped (C1M_E2E_IO_URING=0 or kernel.io_uring_disabled)"
fi

# 9. Other servers under the lab, small: the C server, python3-websockets over WebSocket, an external server.
#    30 s holds: the peak snapshot (the progress read that sees every client's share, seconds after the
#    first client reached its own and started its hold) must still see the connections.
if [ "$servers" != "0" ]; then
  cepoll_id="e2e-c-epoll-$(date -u +%Y%m%dT%H%M%SZ)"
  stage "run-test.yml -e c1m_server_impl=c-epoll (3 x 2000)" ansible-playbook ansible/run-test.yml \
    -e c1m_server_impl=c-epoll -e c1m_target_connections=6000 -e c1m_hold=30s -e c1m_heartbeat=1s \
    -e c1m_run_id="$cepoll_id" -e c1m_poll_interval=3 -e c1m_ramp_timeout=120
  say "assertions on reports/${cepoll_id}"
  /usr/bin/python3 tests/lab/check-run.py server "reports/${cepoll_id}" c-epoll raw "$clients" "$logdir/counts-c-epoll" || true
  add_counts "$logdir/counts-c-epoll" "c-epoll"

  stage "Debian's python3-websockets on the server (a server nobody here wrote)" \
    ansible server -b -m ansible.builtin.apt -a "name=python3-websockets update_cache=true cache_valid_time=3600"
  ws_id="e2e-websocket-$(date -u +%Y%m%dT%H%M%SZ)"
  ws_command='{"c1m_server_impl": "command", "c1m_server_command_src": "'"$PWD"'/tests/lab/ws-echo-server.py",
    "c1m_server_command": ["/usr/bin/python3", "/opt/c1m/ws-echo-server.py", "9000-9019"]}'
  stage "run-test.yml: python3-websockets as c1m_server_impl=command, c1m_protocol=websocket (3 x 1000)" \
    ansible-playbook ansible/run-test.yml -e "$ws_command" -e c1m_protocol=websocket \
    -e c1m_target_connections=3000 -e c1m_hold=30s -e c1m_heartbeat=2s \
    -e c1m_run_id="$ws_id" -e c1m_poll_interval=3 -e c1m_ramp_timeout=120
  say "assertions on reports/${ws_id}"
  /usr/bin/python3 tests/lab/check-run.py server "reports/${ws_id}" command websocket "$clients" "$logdir/counts-websocket" || true
  add_counts "$logdir/counts-websocket" "websocket"

  # Nothing assumes four machines, nor a server the lab runs: an external server (the C server started by
  # hand on this host at the bridge's address) and two of the three clients, with the inventory the
  # Vagrantfile writes for two clients less its server (an empty [server] group): the lab tunes, drives and
  # measures those two clients only.
  ext_ini="$logdir/inventory-external.ini"
  C1M_CLIENTS=2 C1M_INVENTORY="$logdir/inventory-2-clients.ini" vagrant validate >/dev/null
  sed '/^c1m-server /d' "$logdir/inventory-2-clients.ini" >"$ext_ini"
  cc -std=gnu11 -O2 -o "$logdir/c1m-epoll-server" servers/c-epoll/c1m-epoll-server.c
  "$logdir/c1m-epoll-server" --bind 192.168.56.1 --ports 9000-9019 --summary "$logdir/external-summary.json" \
    >"$logdir/external-server.log" 2>&1 &
  ext_pid=$!
  ext_id="e2e-external-$(date -u +%Y%m%dT%H%M%SZ)"
  stage "run-test.yml -i <2 clients, no server>: c1m_server_impl=external at 192.168.56.1 (2 x 3000)" \
    ansible-playbook -i "$ext_ini" ansible/run-test.yml -e c1m_server_impl=external -e c1m_server_address=192.168.56.1 \
    -e c1m_target_connections=6000 -e c1m_hold=30s -e c1m_heartbeat=1s \
    -e c1m_run_id="$ext_id" -e c1m_poll_interval=3 -e c1m_ramp_timeout=120 || true
  kill "$ext_pid" 2>/dev/null || true
  wait "$ext_pid" 2>/dev/null || true
  say "assertions on reports/${ext_id}"
  /usr/bin/python3 tests/lab/check-run.py server "reports/${ext_id}" external raw 2 "$logdir/counts-external" || true
  add_counts "$logdir/counts-external" "external"
else
  echo "e2e: other servers skipped (C1M_E2E_SERVERS=0)"
fi
