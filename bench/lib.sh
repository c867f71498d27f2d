# shellcheck shell=bash
# Shared by the 1M benches (bench/lab-1m.sh, bench/guest-1m.sh): sourced, not run.

# bench_cleanup LOG: the EXIT trap: vagrant destroy -f, unless C1M_BENCH_KEEP=1; keeps the exit status.
bench_cleanup() {
  local rc=$? log=$1
  if [ "${C1M_BENCH_KEEP:-0}" = 1 ]; then
    echo "bench: VMs kept (vagrant destroy -f when done)"
  else
    echo "bench: vagrant destroy -f"
    vagrant destroy -f >"$log/destroy.log" 2>&1 || tail -n 20 "$log/destroy.log"
  fi
  echo "bench: logs in $log"
  exit "$rc"
}

# bench_record RUN_ID RECORD UP_SECONDS RUN_SECONDS RC LABEL [FILE...]: copy the run's small files (its
# summaries, report, run.json, plan.json, each host's summaries, timelines and kernel facts; no logs) from
# reports/RUN_ID to RECORD (docs/runs/<run-id>, to be committed), the FILEs too, and the stage times.
bench_record() {
  local run_id=$1 record=$2 up_seconds=$3 run_seconds=$4 rc=$5 label=$6 f
  shift 6
  [ -d "reports/$run_id" ] || return 0
  mkdir -p "$record"
  for f in "reports/$run_id"/*.json "reports/$run_id/report.md" "reports/$run_id/report.html"; do
    if [ -f "$f" ]; then cp "$f" "$record/"; fi
  done
  (cd "reports/$run_id" && find hosts -type f \( -name '*-summary*.json' -o -name '*-timeline.csv' \
      -o -name 'facts.json' -o -name 'sysctl.txt' -o -name 'limits.txt' -o -name 'sockstat.txt' \
      -o -name 'meminfo.txt' -o -name 'conntrack.txt' -o -name 'role' \)) \
    | while read -r f; do mkdir -p "$record/$(dirname "$f")"; cp "reports/$run_id/$f" "$record/$f"; done
  for f in "$@"; do cp "$f" "$record/"; done
  printf 'vagrant up: %d s\nrun-test.yml: %d s (exit %d)\nsettings: %s\n' \
    "$up_seconds" "$run_seconds" "$rc" "$label" >"$record/times.txt"
  echo "bench: recorded in $record ($(du -sh "$record" | cut -f1)); the full run folder is reports/$run_id"
}
