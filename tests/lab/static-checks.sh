#!/usr/bin/env bash
# Static checks of the lab (no containers, about half a minute):
#   vagrant validate (and the inventory it writes, for the default and for 5 clients),
#   ansible-playbook --syntax-check on every playbook, ansible-lint (production profile), yamllint,
#   bash -n and ShellCheck on the lab's scripts, the Ansible filters' unit tests.
# Prints 'N passed, N failed' and exits non-zero when a check fails.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1

passed=0
failed=0
failures=()
check() {
  local name=$1; shift
  local out start=$SECONDS
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
    printf 'ok    %-58s %3ds\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL  %-58s %3ds\n' "$name" $((SECONDS - start))
    printf '%s\n' "$out" | tail -n 40 | sed 's/^/      /'
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The defaults only: no local settings file, no C1M_* overrides from the caller's shell.
unset "${!C1M_@}"
export C1M_SETTINGS_FILE=/dev/null

check "vagrant validate" vagrant validate
check "inventory.ini is the one the Vagrantfile writes" \
  bash -c 'C1M_INVENTORY='"$tmp"'/inventory.ini vagrant validate >/dev/null && diff -u inventory.ini '"$tmp"'/inventory.ini'
check "5 clients: the Vagrantfile and inventory follow the setting" bash -c '
  export C1M_CLIENTS=5 C1M_SUBNET=10.99.0 C1M_INVENTORY='"$tmp"'/five.ini
  vagrant validate >/dev/null &&
  vagrant status --machine-readable 2>/dev/null | grep -c ",state," | grep -qx 6 &&
  ansible-inventory -i '"$tmp"'/five.ini --list | /usr/bin/python3 -c "
import json, sys
inv = json.load(sys.stdin)
clients = inv[\"clients\"][\"hosts\"]
assert len(clients) == 5, clients
hosts = inv[\"_meta\"][\"hostvars\"]
assert hosts[\"c1m-client5\"][\"ansible_host\"] == \"10.99.0.15\", hosts
assert hosts[\"c1m-server\"][\"ansible_host\"] == \"10.99.0.10\", hosts
"'
for playbook in ansible/*.yml; do
  [ "$playbook" = ansible/requirements.yml ] && continue
  check "syntax: $playbook" ansible-playbook --syntax-check "$playbook"
done
check "ansible/requirements.yml names the collections the roles use" /usr/bin/python3 tests/lab/check-collections.py
check "ansible-lint --profile production" ansible-lint --profile production --nocolor ansible/
check "yamllint" yamllint -s -c tests/lab/yamllint.yml ansible/ vagrant/ tests/lab/
scripts=(install-deps.sh vagrant/*.sh vagrant/lxc/*.sh vagrant/libvirt/*.sh bench/*.sh tests/*.sh tests/lab/*.sh tests/fresh-host/*.sh .ci/run)
check "bash -n on the lab's scripts" bash -c 'for f in "$@"; do bash -n "$f" || exit 1; done' _ "${scripts[@]}"
if command -v shellcheck >/dev/null; then
  check "shellcheck" shellcheck -S warning "${scripts[@]}"
fi
check "python: helpers, filters and assertions compile" \
  /usr/bin/python3 -m py_compile ansible/roles/c1m_common/files/c1m-host ansible/filter_plugins/c1m.py ansible/filter_plugins/c1m_capacity.py \
  ansible/roles/c1m_kernel/files/c1m-kernel-facts.py tests/lab/labcheck.py tests/lab/check-run.py tests/lab/check-scenario.py \
  tests/lab/check-collections.py
check "python: filter unit tests" /usr/bin/python3 tests/lab/test_filters.py
check "python: capacity filter unit tests" /usr/bin/python3 tests/lab/test_capacity_filters.py
check "metrics port: the server role's default is the jar's (--metrics-port)" bash -c '
  role=$(sed -n "s/^c1m_server_metrics_port: *\([0-9]*\)$/\1/p" ansible/roles/c1m_server/defaults/main.yml)
  jar=$(grep -o "names = \"--metrics-port\", defaultValue = \"[0-9]*\"" java/server/src/main/java/lab/c1m/server/ServerCommand.java | grep -o "[0-9]*\"\$" | tr -d "\"")
  echo "role ${role:-?}, jar ${jar:-?}"; [ -n "$role" ] && [ "$role" = "$jar" ] && { [ "$role" -lt 9100 ] || [ "$role" -gt 9999 ]; }'
check "Debian releases: the kernel role knows those c1m_java has a JDK for" /usr/bin/python3 -c '
import yaml
java = list(yaml.safe_load(open("ansible/roles/c1m_java/vars/main.yml"))["c1m_java_release_packages"])
kernel = yaml.safe_load(open("ansible/roles/c1m_kernel/defaults/main.yml"))["c1m_kernel_debian_releases"]
print("c1m_java", java, "c1m_kernel", kernel)
assert sorted(java) == sorted(kernel)'

echo
echo "lab static checks: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
