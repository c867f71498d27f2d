#!/usr/bin/env bash
# A million in one guest, through the lab's own run-test.yml: one libvirt VM holds the server and one
# client, which reaches it over the guest's loopback (127.0.0.1 from 127.0.0.2-5, 20 ports). This is the
# single-guest test of issue 16 (2 vCPUs, 15 GB, a 60 s heartbeat), with the roles' sysctls, limits, JVM
# options and units, the follow loop, the collection and the report. It exists because under QEMU's TCG
# on a small host the four-VM lab cannot carry 1M through its emulated network (bench/lab-1m.sh and
# docs/performance.md, "1M through the lab"); loopback takes the emulated NICs out of the path.
# A benchmark, not a test: under TCG it takes about an hour and all of the host's CPUs.
#
#   bash bench/guest-1m.sh       vagrant up c1m-server, run-test.yml, record, vagrant destroy
#
# The inventory names the one VM twice (c1m-server, c1m-client1), each with its own state folder, so
# every host-side step of the lab runs unchanged. Both services share one kernel: its tables are sized
# for both (c1m_kernel_connections and c1m_kernel_sockets twice the target, the server's ports reserved).
# Ansible runs with one fork, so the two names never change the VM at the same moment.
#
# Environment: C1M_BENCH_TARGET (default 1m), C1M_BENCH_HEARTBEAT (60s), C1M_BENCH_HOLD (120s),
# C1M_BENCH_MEMORY_MB (15360), C1M_BENCH_CPUS (2), C1M_BENCH_RAMP_TIMEOUT (7200 s: under TCG the ramp
# takes most of an hour), C1M_BENCH_POLL (120 s between progress reads: each read starts Python in the
# emulated guest, which the ramp feels), C1M_BENCH_KEEP=1 keeps the VM.
set -euo pipefail
cd "$(dirname "$0")/.."

export C1M_SETTINGS_FILE=/dev/null VAGRANT_DEFAULT_PROVIDER=libvirt VAGRANT_NO_COLOR=1 VAGRANT_CHECKPOINT_DISABLE=1
export ANSIBLE_NOCOLOR=1 PYTHONUNBUFFERED=1
export C1M_SERVER_MEMORY_MB=${C1M_BENCH_MEMORY_MB:-15360} C1M_SERVER_CPUS=${C1M_BENCH_CPUS:-2}

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; else accel=tcg; fi
target=${C1M_BENCH_TARGET:-1m}
heartbeat=${C1M_BENCH_HEARTBEAT:-60s}
hold=${C1M_BENCH_HOLD:-120s}
ramp_timeout=${C1M_BENCH_RAMP_TIMEOUT:-7200}
poll=${C1M_BENCH_POLL:-120}
run_id="guest-${target}-libvirt-${accel}-$(date -u +%Y%m%dT%H%M%SZ)"
record=docs/runs/$run_id
log=$(mktemp -d /tmp/c1m-bench-guest.XXXXXX)

# shellcheck source=bench/lib.sh
source bench/lib.sh
trap 'bench_cleanup "$log"' EXIT

start=$SECONDS
label="one libvirt VM (${accel}, ${C1M_SERVER_CPUS} vCPUs, ${C1M_SERVER_MEMORY_MB} MB): server and one client over loopback, heartbeat ${heartbeat}"
echo "bench: ${target}, ${label}, hold ${hold}; run ${run_id}"
vagrant up c1m-server --provider=libvirt --no-provision 2>&1 | stdbuf -oL tr '\r' '\n' | grep --line-buffered -v Progress | tee "$log/up.log"
up_seconds=$((SECONDS - start))
address=$(sed -n 's/^c1m-server ansible_host=\([0-9.]*\).*/\1/p' inventory.ini)
[ -n "$address" ] || { echo "bench: no c1m-server address in inventory.ini" >&2; exit 1; }

cat >"$log/inventory.ini" <<EOF
# bench/guest-1m.sh: one VM under two names, the client reaching the server over loopback.
[server]
c1m-server ansible_host=${address} c1m_address=127.0.0.1

[clients]
c1m-client1 ansible_host=${address} c1m_source_ips=127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 c1m_common_state_dir=/var/lib/c1m-client

[all:vars]
ansible_user=vagrant
ansible_ssh_private_key_file=~/.vagrant.d/insecure_private_key
EOF

start=$SECONDS
rc=0
count=$(python3 -c "import sys; sys.path.insert(0, 'report'); from c1mlab.notation import count; print(count('$target'))")
ansible-playbook -i "$log/inventory.ini" --forks 1 ansible/run-test.yml \
  -e c1m_target_connections="$target" -e c1m_hold="$hold" -e c1m_heartbeat="$heartbeat" \
  -e c1m_kernel_connections=$((2 * count)) -e c1m_kernel_sockets=$((2 * count + 2000)) \
  -e "c1m_kernel_ip_local_reserved_ports={{ c1m_ports }}" \
  -e c1m_ramp_timeout="$ramp_timeout" -e c1m_stall_timeout=900 -e c1m_poll_interval="$poll" \
  -e c1m_run_id="$run_id" -e c1m_label="$label" 2>&1 | tee "$log/run-test.log" || rc=$?
run_seconds=$((SECONDS - start))

bench_record "$run_id" "$record" "$up_seconds" "$run_seconds" "$rc" "$label" "$log/inventory.ini"
echo "bench: vagrant up ${up_seconds} s, run-test.yml ${run_seconds} s, exit ${rc}"
exit "$rc"
