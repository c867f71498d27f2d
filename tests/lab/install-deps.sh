#!/usr/bin/env bash
# Install what the lab's tests need on Debian 12 (idempotent, quiet, non-interactive; run as root):
# Vagrant with the LXC (and libvirt) plugins, LXC with its NAT bridge's needs, debootstrap to build
# the box, Ansible with ansible-lint and yamllint, shellcheck, and a JDK to build the jars.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  vagrant vagrant-lxc
  lxc lxcfs debootstrap dnsmasq-base nftables iproute2 bridge-utils
  ansible ansible-lint yamllint shellcheck
  sudo python3 openssh-client rsync
  openjdk-17-jdk-headless
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "lab deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "lab deps: installing ${missing[*]}"
# Another apt run (a parallel install step) may hold the lock for a while: wait for it.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "lab deps: done"
