#!/usr/bin/env bash
# The one test command of c1m-lab (README "Testing"; .ci/run calls it):
#   1. the jars: JUnit unit and integration tests on loopback (java/mvnw verify)
#   2. the report generator: unit tests on recorded runs and a headless-Chromium render test
#   3. the lab, static: vagrant validate, ansible syntax checks, ansible-lint, yamllint
#   4. the lab, end to end: four LXC containers, provision twice, run-test.yml, assertions on the report
# Set C1M_SKIP_E2E=1 to stop after stage 3 (a quick run while developing).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -a timings=()
stage() {
  local name=$1; shift
  local start=$SECONDS
  echo
  echo "=== ${name} ==="
  "$@"
  timings+=("$(printf '%-28s %4d s' "$name" $((SECONDS - start)))")
}

stage "java: unit + integration" java/mvnw -B -ntp -f java/pom.xml verify
stage "report: generator tests" bash report/tests/run.sh
if [ -f tests/lab/static-checks.sh ]; then
  stage "lab: static checks" bash tests/lab/static-checks.sh
fi
if [ "${C1M_SKIP_E2E:-0}" != "1" ] && [ -f tests/lab/e2e.sh ]; then
  stage "lab: end to end (LXC)" bash tests/lab/e2e.sh
fi

echo
echo "=== timings ==="
printf '%s\n' "${timings[@]}"
