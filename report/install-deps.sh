#!/usr/bin/env bash
# Installs what the report generator and its tests need on Debian/Ubuntu, idempotently:
#   python3-jinja2  the template engine (Ansible already depends on it)
#   chromium        headless browser for the render test and the screenshot
#   fonts-dejavu-core  so headless pages have a font
set -euo pipefail
packages=(python3-jinja2 chromium fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "report deps: already installed (${packages[*]})"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "report deps: installing ${missing[*]}"
# Another apt run (e.g. a parallel provisioning step) may hold the lock for a while: wait for it.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
