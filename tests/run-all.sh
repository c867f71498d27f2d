#!/usr/bin/env bash
# The one test command of c1m-lab (README "Testing"; .ci/run calls it). It sets itself up:
#   0. the install step: bash install-deps.sh (what the lab, the report and the tests need; quick
#      when everything is there)
#   1. the jars: JUnit unit and integration tests on loopback (java/mvnw verify)
#   2. the c-epoll server (servers/c-epoll): built with cc -Werror, held, echoing, stopped, refused bad
#      input, at its open-files wall, and driven by the Java client built in stage 1 (about 15 s)
#   3. the report generator: unit tests on recorded runs and a headless-Chromium render test
#   4. the lab, static: vagrant validate, ansible syntax checks, ansible-lint, yamllint, shellcheck
#   5. a fresh host: the install step in a clean Debian 12 root and in a clean Debian 13 root
#      (debootstrap, cached), and in each the lab's box created with vagrant-lxc's template, the
#      plugins, the playbooks' syntax and lint under the release's ansible-core, the JDK, Chromium
#   6. the lab, end to end: four LXC containers, provision twice, run-test.yml, assertions on the report
#   7. the lab on libvirt VMs (real kernels; KVM or QEMU's TCG): one server and two clients, a run
#      and the conntrack scenario, assertions on both reports, the VMs destroyed
# Skip a stage while developing: C1M_SKIP_INSTALL=1, C1M_SKIP_FRESH_HOST=1, C1M_SKIP_E2E=1,
# C1M_SKIP_LIBVIRT=1.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -a timings=()
stage() {
  local name=$1; shift
  local start=$SECONDS
  echo
  echo "=== ${name} ==="
  "$@"
  timings+=("$(printf '%-34s %4d s' "$name" $((SECONDS - start)))")
}

if [ "${C1M_SKIP_INSTALL:-0}" != "1" ]; then
  stage "install: install-deps.sh" bash install-deps.sh
fi
stage "java: unit + integration" java/mvnw -B -ntp -f java/pom.xml verify
stage "servers: c-epoll" env C1M_CEPOLL_REQUIRE_CLIENT=1 nice python3 servers/c-epoll/test_c_epoll.py
stage "report: generator tests" bash report/tests/run.sh
stage "lab: static checks" bash tests/lab/static-checks.sh
if [ "${C1M_SKIP_FRESH_HOST:-0}" != "1" ]; then
  stage "fresh host: Debian 12" bash tests/fresh-host/run.sh bookworm
  stage "fresh host: Debian 13" bash tests/fresh-host/run.sh trixie
fi
if [ "${C1M_SKIP_E2E:-0}" != "1" ]; then
  stage "lab: end to end (LXC)" bash tests/lab/e2e.sh
fi
if [ "${C1M_SKIP_LIBVIRT:-0}" != "1" ]; then
  stage "lab: end to end (libvirt VMs)" bash tests/lab/e2e-libvirt.sh
fi

echo
echo "=== timings ==="
printf '%s\n' "${timings[@]}"
