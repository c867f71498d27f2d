#!/usr/bin/env bash
# The scenarios end to end, on the containers tests/lab/e2e.sh brought up (sourced by it after the
# baseline run; it uses its stage, say, logdir, passed, failed, total, hold and heartbeat):
#   nofile      LimitNOFILE=1024 for both services          -> EMFILE, the doctor's "open files (hard)" FAIL
#   port-range  ip_local_port_range "40000 40999", one port -> EADDRNOTAVAIL (or a stall), "5-tuple" FAIL
#   conntrack   refused on LXC before anything changes; the host's nf_conntrack_max is untouched
#   epoll       refused on LXC likewise; the host's fs.epoll.max_user_watches is untouched
#   restart     the server killed 5 s into the hold and started 3 s later -> every connection back
# e2e.sh's scenario_list (C1M_E2E_SCENARIO_LIST: names, or all, the default) picks which.
# Each run must hit its wall, stop early, and name the failure, its fix and the doctor's finding in
# the playbook's output and the fetched report (tests/lab/check-scenario.py).
# shellcheck shell=bash disable=SC2154

scenario_run() { # scenario_run NAME [ansible -e ...]: run the test with that scenario; check its folder
  local name=$1; shift
  local id
  id="e2e-${name}-$(date -u +%Y%m%dT%H%M%SZ)"
  local rc=0
  stage "run-test.yml -e c1m_scenario=${name}" ansible-playbook ansible/run-test.yml \
    -e c1m_scenario="$name" -e c1m_target_connections="$total" -e c1m_hold="$hold" -e c1m_heartbeat="$heartbeat" \
    -e c1m_label="e2e-lxc" -e c1m_run_id="$id" -e c1m_poll_interval=3 -e c1m_ramp_timeout=300 "$@" || rc=$?
  say "assertions on reports/${id} (scenario ${name})"
  /usr/bin/python3 tests/lab/check-scenario.py "reports/${id}" "$name" "$last_log" "$rc" "$logdir/counts-${name}" || true
  add_counts "$logdir/counts-${name}" "[${name}]"
}

wanted_scenario() { # wanted_scenario NAME: whether e2e.sh's scenario_list has it
  case " ${scenario_list} " in *" all "* | *" $1 "*) return 0 ;; esac
  return 1
}

run_scenarios() {
  if wanted_scenario nofile; then scenario_run nofile; fi
  # 5,000 a client over one port need a range narrower than 10,000 to hit the wall at this scale.
  if wanted_scenario port-range; then scenario_run port-range -e 'c1m_scenario_port_range="40000 40999"'; fi
  # conntrack and epoll lower a kernel-wide setting: on LXC they must refuse, changing nothing.
  if wanted_scenario conntrack; then
    refused_on_lxc conntrack /proc/sys/net/netfilter/nf_conntrack_max -e c1m_scenario_conntrack_max=4096
  fi
  if wanted_scenario epoll; then
    refused_on_lxc epoll /proc/sys/fs/epoll/max_user_watches -e c1m_scenario_epoll_max_user_watches=1000
  fi
  # restart: killed 5 s into a 60 s hold, down 3 s; the clients must get every connection back before it ends.
  # 60 s: on a busy CI host the restarted JVM took 10 s to listen and the recovery 10 s (40 s was too short).
  if wanted_scenario restart; then
    scenario_run restart -e c1m_hold=60s -e c1m_scenario_restart_after=5s -e c1m_scenario_restart_down=3s
  fi
}

refused_on_lxc() { # refused_on_lxc NAME SYSCTL [ansible -e ...]: a scenario needing its own kernel refuses here
  # SYSCTL (a /proc/sys path) is the host's kernel-wide setting the scenario would lower: it must not change.
  local name=$1 sysctl=$2; shift 2
  local before after rc=0 key
  local start=$SECONDS
  key=${sysctl#/proc/sys/}; key=${key//\//.}
  before=$(cat "$sysctl" 2>/dev/null || echo none)
  current="run-test.yml -e c1m_scenario=${name} (must be refused on LXC)"
  say "$current"
  last_log="$logdir/${name}-refused.log"
  ansible-playbook ansible/run-test.yml -e c1m_scenario="$name" -e c1m_target_connections="$total" \
    -e c1m_run_id="e2e-${name}-refused" "$@" >"$last_log" 2>&1 || rc=$?
  grep -A8 "fatal:" "$last_log" | head -n 12
  timings+=("$(printf '%-44s %5d s' "${name} scenario (refused on LXC)" $((SECONDS - start)))")
  after=$(cat "$sysctl" 2>/dev/null || echo none)
  say "assertions on the refused ${name} scenario"
  if [ "$rc" -ne 0 ] && grep -q "needs hosts with a kernel of their own" "$last_log" \
     && [ ! -e "reports/e2e-${name}-refused" ]; then
    passed=$((passed + 1)); echo "ok    [${name}] refused on LXC containers, naming why, before any run folder"
  else
    failed=$((failed + 1)); echo "FAIL  [${name}] expected a refusal (rc $rc, see $last_log)"
  fi
  if [ "$before" = "$after" ]; then
    passed=$((passed + 1)); echo "ok    [${name}] the host's $key is unchanged ($after)"
  else
    failed=$((failed + 1)); echo "FAIL  [${name}] the host's $key changed: $before -> $after"
  fi
}
