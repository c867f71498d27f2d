#!/usr/bin/env bash
# The lab end to end on libvirt VMs: real kernels, each with its own limits and conntrack table.
#   1. host setup: libvirt's daemons, the subnet, the Debian box built here (vagrant/libvirt/), cached
#   2. `vagrant up --provider=libvirt --no-provision` with the project's Vagrantfile: one server and two
#      clients, small (KVM where /dev/kvm works, else QEMU's TCG)
#   3. ansible/run-test.yml (which provisions), 2 x C1M_E2E_LIBVIRT_PER_CLIENT connections with
#      heartbeats; the same assertions on the run folder as the LXC e2e (tests/lab/check-run.py)
#   4. the scenarios LXC refuses (C1M_E2E_LIBVIRT_SCENARIOS, default conntrack): conntrack, a small
#      nf_conntrack_max on the server's own kernel, must drop SYNs; epoll, a small max_user_watches on the
#      clients', must stop them with ENOSPC; the report must name the wall, its evidence and its fix
#      (tests/lab/check-scenario.py NAME)
# The VMs, the networks vagrant-libvirt made and the daemons this script started are removed
# afterwards, whatever happened (trap). Prints each stage's time and 'N passed, N failed'.
#
# The lab uses its own subnet and names (C1M_E2E_LIBVIRT_SUBNET, default 192.168.57; machines
# c1mv-*) and its own inventory file, so an LXC lab on this host (192.168.56, c1m-*) is left alone.
# Environment: C1M_E2E_LIBVIRT_PER_CLIENT (default 2000), C1M_E2E_LIBVIRT_HEARTBEAT (20s),
# C1M_E2E_LIBVIRT_HOLD (180s), C1M_E2E_LIBVIRT_SCENARIOS ("conntrack"; "conntrack epoll", or "" for none),
# C1M_E2E_KEEP=1 keeps the VMs, C1M_E2E_DEBIAN_RELEASE the hosts' release.
set -euo pipefail
cd "$(dirname "$0")/../.."

per_client=${C1M_E2E_LIBVIRT_PER_CLIENT:-2000}
subnet=${C1M_E2E_LIBVIRT_SUBNET:-192.168.57}
keep=${C1M_E2E_KEEP:-0}
# Under TCG a round trip through two emulated kernels takes up to seconds while the ramp runs: a
# heartbeat of 20 s (dead after 60 s) proves the connections without calling a slow server dead.
heartbeat=${C1M_E2E_LIBVIRT_HEARTBEAT:-20s}
# The hold outlasts the playbook's progress reads and its snapshot at the peak (under TCG the snapshot of
# three hosts took 100 s: with a 90 s hold it found the clients already done), so the snapshot sees the
# services running.
hold=${C1M_E2E_LIBVIRT_HOLD:-180s}
# Stage 4's scenarios: conntrack by default (each adds about 15 minutes under TCG); epoll is the other.
scenarios=${C1M_E2E_LIBVIRT_SCENARIOS-conntrack}
clients=2
total=$((per_client * clients))
stamp=$(date -u +%Y%m%dT%H%M%SZ)
run_id="e2e-libvirt-${stamp}"

logdir=$(mktemp -d /tmp/c1m-e2e-libvirt.XXXXXX)
# Only the project's defaults and this lab's size: nothing from the caller's settings, but the hosts'
# release when C1M_E2E_DEBIAN_RELEASE names one (default: the Vagrantfile's debian_release).
e2e_release=${C1M_E2E_DEBIAN_RELEASE:-}
unset "${!C1M_@}"
[ -z "$e2e_release" ] || export C1M_DEBIAN_RELEASE=$e2e_release
export C1M_SETTINGS_FILE=/dev/null C1M_NAME_PREFIX=c1mv C1M_SUBNET=$subnet C1M_CLIENTS=$clients \
  C1M_SERVER_MEMORY_MB=1536 C1M_CLIENT_MEMORY_MB=1024 C1M_SERVER_CPUS=1 C1M_CLIENT_CPUS=1 \
  C1M_INVENTORY=$logdir/inventory.ini
export VAGRANT_DEFAULT_PROVIDER=libvirt VAGRANT_NO_COLOR=1 VAGRANT_CHECKPOINT_DISABLE=1
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PYTHONUNBUFFERED=1
# Each playbook's log ends with its slowest tasks: where this stage's minutes of CI went.
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=12
exec </dev/null

# shellcheck source=tests/lab/e2e-lib.sh
. tests/lab/e2e-lib.sh

daemons_before=$(pgrep -x libvirtd >/dev/null && echo running || echo stopped)

destroy() {
  local start=$SECONDS
  say "destroy the VMs and their networks"
  vagrant destroy -f >"$logdir/destroy.log" 2>&1 || { tail -n 20 "$logdir/destroy.log"; true; }
  if command -v virsh >/dev/null && virsh -c qemu:///system version >/dev/null 2>&1; then
    # Anything of this lab Vagrant lost track of: its domains (named <folder>_c1mv-*) and volumes.
    for dom in $(virsh -c qemu:///system list --all --name | grep -E '_c1mv-(server|client[0-9]+)$' || true); do
      echo "e2e: removing leftover domain $dom"
      virsh -c qemu:///system destroy "$dom" >/dev/null 2>&1 || true
      virsh -c qemu:///system undefine "$dom" --remove-all-storage >/dev/null 2>&1 || true
    done
    # The networks vagrant-libvirt made: this lab's private one (the host at ${subnet}.1) and, once no
    # domain is left, the management network.
    local no_domains=""
    [ -z "$(virsh -c qemu:///system list --all --name | grep -v '^$' || true)" ] && no_domains=1
    for net in $(virsh -c qemu:///system net-list --all --name | grep -v '^$' || true); do
      if virsh -c qemu:///system net-dumpxml "$net" 2>/dev/null | grep -q "address='${subnet}.1'" \
         || { [ -n "$no_domains" ] && [ "$net" = vagrant-libvirt ]; }; then
        echo "e2e: removing network $net"
        virsh -c qemu:///system net-destroy "$net" >/dev/null 2>&1 || true
        virsh -c qemu:///system net-undefine "$net" >/dev/null 2>&1 || true
      fi
    done
  fi
  if [ "$daemons_before" = stopped ] && [ ! -d /run/systemd/system ]; then
    pkill -x libvirtd 2>/dev/null || true
    pkill -x virtlogd 2>/dev/null || true
  fi
  timings+=("$(printf '%-44s %5d s' "destroy" $((SECONDS - start)))")
}

finish() {
  local rc=$?
  if [ "$keep" = "1" ]; then
    echo "e2e: C1M_E2E_KEEP=1, VMs kept (C1M_NAME_PREFIX=c1mv C1M_SUBNET=$subnet C1M_CLIENTS=$clients vagrant destroy -f when done)"
  else
    destroy
  fi
  print_timings "libvirt e2e"
  report_end "$rc" "libvirt e2e"
}
trap finish EXIT

for tool in vagrant virsh ansible-playbook; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing; run bash install-deps.sh" >&2; exit 1; }
done
vagrant plugin list 2>/dev/null | grep -q vagrant-libvirt \
  || { echo "e2e: the vagrant-libvirt plugin is missing; run bash install-deps.sh" >&2; exit 1; }

# Leftovers of an interrupted run would make `vagrant up` reuse half-made machines.
if compgen -G ".vagrant/machines/c1mv-*/libvirt/id" >/dev/null; then
  vagrant destroy -f >/dev/null 2>&1 || true
fi

# 1.-2. The host setup runs as the Vagrantfile loads (its time, the box's build the first time, is
# part of this stage); then the VMs. run-test.yml provisions them itself (under TCG every Ansible task
# takes seconds, so the Vagrant provisioner's pass, which the LXC e2e tests, is not run twice here).
stage "vagrant up --provider=libvirt (1 + ${clients} VMs)" vagrant up --provider=libvirt --no-provision
grep -h "QEMU domain type" "$logdir"/vagrant-up*.log || true

# 3. The test itself.
stage "run-test.yml (${clients} x ${per_client})" ansible-playbook -i "$C1M_INVENTORY" ansible/run-test.yml \
  -e c1m_target_connections="$total" -e c1m_hold="$hold" -e c1m_heartbeat="$heartbeat" \
  -e c1m_label="e2e-libvirt-${clients}x${per_client}" -e c1m_run_id="$run_id" -e c1m_poll_interval=5 \
  -e c1m_ramp_timeout=600
say "assertions on reports/${run_id}"
C1M_CHECK_SERVER_MB=$C1M_SERVER_MEMORY_MB C1M_CHECK_CLIENT_MB=$C1M_CLIENT_MEMORY_MB C1M_CHECK_KERNEL_KEEPS_MB=256 \
  /usr/bin/python3 tests/lab/check-run.py baseline "reports/${run_id}" "$total" "$clients" "$logdir/counts" || true
add_counts "$logdir/counts" "baseline"

# 4. The scenarios LXC refuses, each on its own kernels: it must hit its wall and the report must name
# it, its evidence and its fix (tests/lab/check-scenario.py NAME).
scenario_run() { # scenario_run NAME [ansible -e ...]
  local name=$1 rc=0 start=$SECONDS id="e2e-libvirt-$1-${stamp}"; shift
  say "run-test.yml -e c1m_scenario=${name}"
  ansible-playbook -i "$C1M_INVENTORY" ansible/run-test.yml -e c1m_scenario="$name" \
    -e c1m_target_connections="$total" -e c1m_hold=10s -e c1m_heartbeat="$heartbeat" -e c1m_stall_timeout=60 \
    -e c1m_ramp_timeout=600 -e c1m_poll_interval=5 -e c1m_run_id="$id" "$@" >"$logdir/${name}.log" 2>&1 || rc=$?
  timings+=("$(printf '%-44s %5d s' "${name} scenario" $((SECONDS - start)))")
  tail -n 40 "$logdir/${name}.log"
  say "assertions on reports/${id}"
  /usr/bin/python3 tests/lab/check-scenario.py "reports/${id}" "$name" "$logdir/${name}.log" "$rc" \
    "$logdir/counts-${name}" || true
  add_counts "$logdir/counts-${name}" "$name"
}
for name in $scenarios; do
  case "$name" in
    # The server's own table at 1,024 entries, under the 4,000 it must track.
    conntrack) scenario_run conntrack -e c1m_scenario_conntrack_max=1024 ;;
    # Each client's user at 1,000 epoll watches, under its 2,000 connections (the second seed's wall).
    epoll) scenario_run epoll -e c1m_scenario_epoll_max_user_watches=$((per_client / 2)) ;;
    *) echo "e2e: no libvirt scenario $name (conntrack, epoll)" >&2; failed=$((failed + 1)) ;;
  esac
done
