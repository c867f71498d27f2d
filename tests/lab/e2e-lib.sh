# Helpers the lab's end-to-end scripts share (tests/lab/e2e.sh for LXC, tests/lab/e2e-libvirt.sh for
# libvirt VMs); sourced, not run. The caller sets logdir, and keeps the arrays and counts below.
# shellcheck shell=bash disable=SC2034,SC2154  # logdir comes from, and last_log goes to, the sourcing script
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

add_counts() { # add_counts FILE WHAT: add the "passed failed" an assertion script wrote to FILE
  local p f
  if read -r p f <"$1" 2>/dev/null; then
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1)); echo "FAIL  $2: the assertions did not run to the end"
  fi
}

print_timings() { # print_timings TITLE
  echo
  echo "=== $1 timings ==="
  printf '%s\n' "${timings[@]}"
}

report_end() { # report_end RC TITLE: the last lines of a run, and its exit status
  local rc=$1
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=$((failed + 1))
    echo "e2e: failed in stage: ${current}"
  fi
  echo "logs: $logdir"
  echo "$2: ${passed} passed, ${failed} failed"
  if [ "$failed" -ne 0 ]; then exit 1; fi
  exit "$rc"
}
