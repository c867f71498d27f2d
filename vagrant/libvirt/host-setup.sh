#!/usr/bin/env bash
# Prepare a Linux host to run the lab's machines as libvirt/QEMU VMs (vagrant-libvirt).
#
# The Vagrantfile runs this as it loads for `vagrant up --provider=libvirt`; it is also fine to run by
# hand. Idempotent and quick once done. Run as root (or through sudo).
#
# 1. libvirt's daemons: started where no systemd does (`virtlogd -d`, `libvirtd -d`), or with
#    systemctl; then the connection to qemu:///system is checked.
# 2. The private network's subnet: refused when another interface of this host (LXC's c1mbr0 of the
#    same lab, a VPN, ...) already has an address in it, since the VMs' network would clash with it.
# 3. The Debian box (C1M_LIBVIRT_BOX_FILE), built with build-box.sh when missing, added to Vagrant as
#    C1M_LIBVIRT_BOX_NAME once, under this script's lock (vagrant-libvirt brings machines up in
#    parallel), and its kernel and initramfs copied where QEMU may read them (C1M_LIBVIRT_BOOT_DIR).
#
# Environment (the Vagrantfile passes its settings):
#   C1M_LIBVIRT_DRIVER      kvm or qemu (TCG), as the Vagrantfile chose: said, not changed here
#   C1M_SUBNET              the private network's first three octets (default 192.168.56)
#   C1M_LIBVIRT_BOX_FILE    box file to build if missing (default: none: a published box is used)
#   C1M_LIBVIRT_BOX_STORE   the box's folder in Vagrant's box store (a box there needs no file)
#   C1M_LIBVIRT_BOX_NAME    the box's name in Vagrant
#   C1M_LIBVIRT_BOOT_DIR    where the box's vmlinuz and initrd.img go
#   C1M_DEBIAN_RELEASE      the release build-box.sh builds (the Vagrantfile's debian_release)
#   C1M_VAGRANT_HOME        Vagrant's home to add the box to
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
driver=${C1M_LIBVIRT_DRIVER:-qemu}
subnet=${C1M_SUBNET:-192.168.56}
box_file=${C1M_LIBVIRT_BOX_FILE:-}
box_store=${C1M_LIBVIRT_BOX_STORE:-}
box_name=${C1M_LIBVIRT_BOX_NAME:-}
boot_dir=${C1M_LIBVIRT_BOOT_DIR:-}
log() { printf '[libvirt-host-setup] %s\n' "$*" >&2; }
fail() { printf 'c1m: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (sudo $0)"
for tool in virsh libvirtd virtlogd qemu-system-x86_64 qemu-img mkfs.ext4 debootstrap; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run bash install-deps.sh (it installs libvirt, QEMU and vagrant-libvirt)"
done

exec 9>/run/c1m-libvirt-host-setup.lock
if ! flock -n 9; then
  log "another lab's host setup holds /run/c1m-libvirt-host-setup.lock (building its box?): waiting"
  flock 9
fi

# --- 1. libvirt's daemons ------------------------------------------------------------------------
running() { pgrep -x "$1" >/dev/null; }
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl start virtlogd libvirtd 9>&- || fail "systemctl start libvirtd failed: see journalctl -u libvirtd"
else
  mkdir -p /var/log/libvirt
  if ! running virtlogd; then (virtlogd -d 9>&-) && log "started virtlogd (no systemd on this host)"; fi
  if ! running libvirtd; then (libvirtd -d 9>&-) && log "started libvirtd (no systemd on this host)"; fi
fi
for _ in $(seq 1 50); do
  virsh -c qemu:///system version >/dev/null 2>&1 && break
  sleep 0.2
done
virsh -c qemu:///system version >/dev/null 2>&1 \
  || fail "libvirtd does not answer on qemu:///system: see /var/log/libvirt/libvirtd.log, then start it (libvirtd -d, or systemctl start libvirtd)"
if [ "$driver" = kvm ]; then
  log "QEMU domain type: kvm (hardware virtualisation)"
else
  log "QEMU domain type: qemu (TCG, software emulation: no usable /dev/kvm; everything runs ~20x slower, so timings are this emulator's, not a machine's)"
fi

# --- 2. the private network's subnet -------------------------------------------------------------
# When this lab has machines already (C1M_LAB_EXISTS=1), a libvirt bridge (virbr*) on the subnet is its
# own network; anything else on it is a clash: another lab's network, an LXC bridge, a VPN.
addresses=$(ip -4 -o addr show to "${subnet}.0/24") || fail "ip cannot read this host's addresses for ${subnet}.0/24"
while read -r _ iface _ address _; do
  [ -n "$iface" ] || continue
  case "$iface" in virbr*) [ "${C1M_LAB_EXISTS:-0}" = 1 ] && continue ;; esac
  fail "the private network ${subnet}.0/24 is already on ${iface} (${address}), so this lab's network would clash with it: give the lab another subnet (C1M_SUBNET=<three free octets> vagrant up, or subnet: in vagrant/settings.yml), or free it (an LXC lab's bridge c1mbr0: ip link del c1mbr0; another libvirt lab: vagrant destroy -f there)"
done <<<"$addresses"

# --- 3. the box --------------------------------------------------------------------------------
[ -n "$box_name" ] || { log "host ready (published box)"; exit 0; }
store_has_box() { compgen -G "$box_store/*/libvirt/box.img" >/dev/null; }
if ! store_has_box; then
  if [ ! -s "$box_file" ]; then
    log "building the Debian ${C1M_DEBIAN_RELEASE:-?} libvirt box $box_file (about 5 minutes, once)"
    "$here/build-box.sh" "$box_file" 9>&- || fail "building the box failed (see above); nothing was added: run vagrant up again once fixed"
    # Box files of this release's earlier builders (the box is in Vagrant's store once added).
    find "$(dirname "$box_file")" -maxdepth 1 -name "c1m-debian-${C1M_DEBIAN_RELEASE:-?}-libvirt-*.box" \
      ! -name "$(basename "$box_file")" -delete
  fi
  "$here/../add-box.sh" "$box_name" "$box_file" 9>&- \
    || fail "vagrant box add $box_name failed (see above); delete $box_file to build it again"
fi
store_box=$(compgen -G "$box_store/*/libvirt/box.img" | head -n 1 || true)
[ -n "$store_box" ] || fail "the box $box_name is not in Vagrant's store ($box_store) after adding it: vagrant box list; delete $box_file to build it again"
store_dir=$(dirname "$store_box")
[ -n "$boot_dir" ] || fail "C1M_LIBVIRT_BOOT_DIR is not set (the Vagrantfile sets it)"
# QEMU runs as libvirt-qemu and cannot read Vagrant's home: the kernel and initramfs go where it can.
mkdir -p "$boot_dir"
for f in vmlinuz initrd.img; do
  cmp -s "$store_dir/$f" "$boot_dir/$f" || install -m 0644 "$store_dir/$f" "$boot_dir/$f"
done
log "host ready"
