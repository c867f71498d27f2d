#!/usr/bin/env bash
# Build the Debian base box for vagrant-libvirt from nothing, so the lab needs no box download.
#
#   vagrant/libvirt/build-box.sh OUTPUT.box
#
# The root file system is the LXC box's (vagrant/lxc/build-box.sh --rootfs: debootstrap from this
# host's apt mirror and proxy, the release's JRE, sshd, sudo, the `vagrant` user with Vagrant's
# insecure key, DHCP on eth0) plus Debian's kernel. The disk is that file system alone, made without
# mounting anything (mkfs.ext4 -d), with no partition table and no boot loader: the machine boots
# the kernel and initramfs shipped beside the disk (libvirt's direct kernel boot; the Vagrantfile
# points the domain at them), with root=/dev/vda. No boot loader keeps the build free of loop devices
# and the boot short, which counts under TCG (QEMU without KVM), where every second is ~20.
#
# Box layout (vagrant-libvirt): box.img (qcow2), metadata.json, and our vmlinuz and initrd.img,
# packed as an uncompressed tar (qcow2 is sparse; gzip of it costs minutes and saves little).
#
# Environment: C1M_DEBIAN_RELEASE (required: the Vagrantfile's debian_release), C1M_BOX_DISK_GB (the disk's virtual size,
# default 20), and what vagrant/lxc/build-box.sh reads (mirrors, proxy).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
log() { printf '[libvirt-build-box] %s\n' "$*" >&2; }
out=${1:?usage: build-box.sh OUTPUT.box}
disk_gb=${C1M_BOX_DISK_GB:-20}

[ "$(id -u)" = 0 ] || { log "must run as root (debootstrap and chroot)"; exit 1; }
for tool in mkfs.ext4 qemu-img; do
  command -v "$tool" >/dev/null || { log "$tool is missing: bash install-deps.sh"; exit 1; }
done

mkdir -p "$(dirname "$out")"
outdir=$(cd "$(dirname "$out")" && pwd)
out=$outdir/$(basename "$out")
work=$(mktemp -d "$outdir/.build-libvirt-box.XXXXXX")
rootfs=$work/rootfs
cleanup() {
  for m in proc sys dev/pts dev; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  # --one-file-system: never into a /dev or /proc that failed to unmount.
  rm -rf --one-file-system "$work" "$out.part"
}
trap cleanup EXIT

# Only the drivers a libvirt guest boots from: a small initramfs loads faster under emulation than
# Debian's default (every module). nftables: the conntrack scenario's rule, without a download.
C1M_BOX_EXTRA_PACKAGES="linux-image-amd64 initramfs-tools nftables" \
C1M_BOX_INITRAMFS_MODULES="virtio_pci virtio_blk virtio_net virtio_console ext4" \
  "$here/../lxc/build-box.sh" --rootfs "$rootfs"

log "making the root file system a VM's"
printf '/dev/vda / ext4 errors=remount-ro,noatime 0 1\n' >"$rootfs/etc/fstab"
# /etc/network/interfaces is the LXC box's: DHCP on eth0, Vagrant appends the private network.
# A machine that is not a container: keep time in sync (the LXC box masks it), and the serial
# console (console=ttyS0) gets a login prompt for `virsh console`.
rm -f "$rootfs/etc/systemd/system/systemd-timesyncd.service"
kernel_version=$(find "$rootfs/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
[ -n "$kernel_version" ] && [ -f "$rootfs/boot/initrd.img-$kernel_version" ] \
  || { log "no kernel or initramfs in the root file system"; exit 1; }

mkdir -p "$work/box"
cp "$rootfs/boot/vmlinuz-$kernel_version" "$work/box/vmlinuz"
cp "$rootfs/boot/initrd.img-$kernel_version" "$work/box/initrd.img"
# The kernel and initramfs live beside the disk; the disk keeps its copies for the modules' sake.

log "making the ${disk_gb} GB disk (ext4 from the root file system, no mount)"
mkfs.ext4 -q -F -L c1m-root -d "$rootfs" "$work/disk.raw" "${disk_gb}G"
qemu-img convert -O qcow2 "$work/disk.raw" "$work/box/box.img"
rm -f "$work/disk.raw"
cat >"$work/box/metadata.json" <<EOF
{
  "provider": "libvirt",
  "format": "qcow2",
  "virtual_size": ${disk_gb},
  "c1m_kernel": "${kernel_version}",
  "c1m_release": "${C1M_DEBIAN_RELEASE}",
  "c1m_built_on": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF
(cd "$work/box" && tar -cf "$out.part" metadata.json box.img vmlinuz initrd.img)
mv "$out.part" "$out"
log "built $out ($(du -h "$out" | cut -f1), kernel $kernel_version)"
