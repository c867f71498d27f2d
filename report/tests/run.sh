#!/usr/bin/env bash
# Runs every report test (stdlib unittest): decoder, parsers, build on the fixtures, CLI, compare,
# and the headless-Chromium render test (skipped, saying so, if chromium is missing).
# Usage: report/tests/run.sh [-v]    (PYTHON=... to pick the interpreter)
set -euo pipefail
cd "$(dirname "$0")/../.."

pick_python() {
  # The controller's Ansible python has Jinja2; a pyenv or venv python on PATH may not.
  for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import jinja2' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "report tests: no python3 with Jinja2 found; run bash install-deps.sh (apt-get install python3-jinja2)" >&2
  return 1
}

python="$(pick_python)"
exec "$python" -m unittest discover -s report/tests -t report/tests "$@"
