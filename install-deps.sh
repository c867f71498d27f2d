#!/usr/bin/env bash
# Install everything c1m-lab needs on a Debian 12 or 13 host, from a bare system (idempotent, quiet,
# non-interactive; as root, or with sudo): the LXC lab (`vagrant up --provider=lxc`), the libvirt lab
# (`vagrant up --provider=libvirt`: KVM where /dev/kvm works, QEMU's TCG otherwise), the controller
# (Ansible, the JDK that builds the jars, the report with Chromium) and the tests (`bash tests/run-all.sh`
# calls this itself). tests/fresh-host/ runs it in clean Debian 12 and 13 roots and checks the lab works there.
# For VirtualBox, install it yourself (Debian does not package it).
#
# Each package with what needs it (apt's --no-install-recommends: nothing comes unasked):
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# The controller's release picks its JDK (any 17+ builds the jars, compiled for 17): Debian 12 packages
# OpenJDK 17, Debian 13 OpenJDK 21 and 25 (no 17).
release=$(. /etc/os-release 2>/dev/null && echo "${ID:-?}:${VERSION_CODENAME:-?}")
# Debian 13 no longer packages vagrant-lxc: there the lab's VMs are libvirt's (or VirtualBox's).
lxc_provider=(vagrant-lxc)
case "$release" in
  debian:bookworm) jdk=openjdk-17-jdk-headless ;;
  debian:trixie) jdk=openjdk-25-jdk-headless lxc_provider=() ;;
  *) echo "install-deps: this host is ${release/:/ } (/etc/os-release); the lab's controller runs on Debian 12 (bookworm) or 13 (trixie): use one of those (a VM or container of it will do)" >&2
     exit 2 ;;
esac

packages=(
  # Vagrant and its LXC provider (Debian 12 only, above); bsdtar unpacks boxes, curl fetches them
  vagrant "${lxc_provider[@]}" libarchive-tools curl
  # LXC; lxc-templates has /usr/share/lxc/config/debian.common.conf, which the box's lxc-config
  # includes (lxc only recommends it); lxc-net's NAT bridge needs dnsmasq and nft (iptables where
  # the kernel has no nf_tables); lxcfs shows each container its own /proc/meminfo
  lxc lxc-templates lxcfs dnsmasq-base iptables nftables
  # vagrant/lxc/host-setup.sh: ip, sysctl, modprobe (loads nf_conntrack), flock
  iproute2 procps kmod util-linux
  # libvirt: the daemons (libvirt-daemon-system creates the libvirt-qemu user QEMU runs as; its
  # config-network package the NAT network), QEMU for x86 (KVM or TCG), qemu-img, the plugin
  libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-daemon-config-network libvirt-clients
  qemu-system-x86 qemu-utils vagrant-libvirt
  # vagrant/*/build-box.sh: debootstrap and Debian's keys to check what it downloads; mkfs.ext4
  # makes the libvirt box's disk
  debootstrap debian-archive-keyring e2fsprogs
  # the controller: Ansible (with the community.general collection the roles use), SSH, sudo
  ansible openssh-client sudo rsync python3 python3-jinja2
  # the jars: the release's JDK (above); java/mvnw fetches Maven over HTTPS (curl or wget, ca-certificates)
  "$jdk" ca-certificates
  # the report's render test and screenshots: headless Chromium and a font
  chromium fonts-dejavu-core
  # the tests: the lab's static checks; a WebSocket server nobody here wrote, for the client's WebSocket
  # tests (WebSocketProcessTest runs it with Debian's /usr/bin/python3)
  ansible-lint yamllint shellcheck python3-websockets
  # the c-epoll server's test (servers/c-epoll) and the benchmark's C client: a C compiler
  gcc libc6-dev
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
# Another apt run (a parallel install step) may hold the lock for a while: wait for it.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
