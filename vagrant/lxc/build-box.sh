#!/usr/bin/env bash
# Build the Debian 12 (bookworm) base box for vagrant-lxc from nothing, with debootstrap.
#
#   vagrant/lxc/build-box.sh OUTPUT.box
#
# The box holds what the lab needs to be provisioned by Ansible and to run the jars: systemd, sshd
# (host keys made at first boot), python3, sudo, the `vagrant` user with Vagrant's insecure public
# key and password-less sudo, ifupdown with DHCP on eth0 (LXC's NAT bridge), and
# openjdk-17-jre-headless preinstalled so provisioning does not download the JRE four times.
#
# Box layout for vagrant-lxc's generic template: metadata.json, lxc-config and rootfs.tar.gz, whose
# entries sit under a top-level `rootfs/` folder (the template strips two path components).
#
# Environment: C1M_DEBIAN_MIRROR (default http://deb.debian.org/debian), C1M_BOX_WORKDIR (scratch
# folder, default: a temporary folder next to OUTPUT), VAGRANT_INSECURE_PUBKEY (path to the key).
set -euo pipefail

out=${1:?usage: build-box.sh OUTPUT.box}
mirror=${C1M_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
log() { printf '[build-box] %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { log "must run as root (debootstrap and chroot)"; exit 1; }
command -v debootstrap >/dev/null || { log "debootstrap is missing: apt-get install debootstrap"; exit 1; }

pubkey=${VAGRANT_INSECURE_PUBKEY:-}
if [ -z "$pubkey" ]; then
  for candidate in /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub \
                   /opt/vagrant/embedded/gems/gems/vagrant-*/keys/vagrant.pub \
                   /usr/share/vagrant/keys/vagrant.pub; do
    [ -f "$candidate" ] && pubkey=$candidate && break
  done
fi
[ -n "$pubkey" ] && [ -f "$pubkey" ] || { log "cannot find Vagrant's insecure public key (set VAGRANT_INSECURE_PUBKEY)"; exit 1; }

mkdir -p "$(dirname "$out")"
outdir=$(cd "$(dirname "$out")" && pwd)
out=$outdir/$(basename "$out")
work=${C1M_BOX_WORKDIR:-$(mktemp -d "$outdir/.build-box.XXXXXX")}
rootfs=$work/rootfs
cleanup() {
  for m in proc sys dev/pts dev; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log "debootstrap $suite into $rootfs from $mirror"
debootstrap --variant=minbase --arch=amd64 \
  --include=systemd,systemd-sysv,dbus,openssh-server,python3,python3-apt,sudo,ifupdown,isc-dhcp-client,iproute2,iputils-ping,procps,ca-certificates,less,netbase,kmod,gzip,tar \
  "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

mount -t proc proc "$rootfs/proc"
mount -t sysfs sys "$rootfs/sys"
mount --bind /dev "$rootfs/dev"
mount --bind /dev/pts "$rootfs/dev/pts"

cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${C1M_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $suite-security main
EOF
cp /etc/resolv.conf "$rootfs/etc/resolv.conf" 2>/dev/null || true

log "installing openjdk-17-jre-headless and libnss-myhostname in the chroot"
chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C sh -c '
  set -e
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless libnss-myhostname >/dev/null
  apt-get clean
  rm -rf /var/lib/apt/lists/*
' >"$work/chroot.log" 2>&1 || { tail -n 30 "$work/chroot.log" >&2; exit 1; }

log "configuring users, ssh and network"
chroot "$rootfs" /bin/sh -c '
  set -e
  useradd --create-home --shell /bin/bash --user-group vagrant
  echo "vagrant:vagrant" | chpasswd
  install -d -m 0700 -o vagrant -g vagrant /home/vagrant/.ssh
'
install -m 0600 "$pubkey" "$rootfs/home/vagrant/.ssh/authorized_keys"
chroot "$rootfs" chown -R vagrant:vagrant /home/vagrant/.ssh
printf 'vagrant ALL=(ALL) NOPASSWD:ALL\nDefaults:vagrant !requiretty\n' >"$rootfs/etc/sudoers.d/vagrant"
chmod 0440 "$rootfs/etc/sudoers.d/vagrant"

cat >"$rootfs/etc/network/interfaces" <<'EOF'
# eth0: LXC's NAT bridge (DHCP). eth1, the private network, is configured by LXC itself
# (lxc.net.1.ipv4.address), so it is not listed here.
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
EOF

# Host keys are made at first boot, so every container gets its own.
rm -f "$rootfs"/etc/ssh/ssh_host_*
install -d "$rootfs/etc/systemd/system/ssh.service.d"
cat >"$rootfs/etc/systemd/system/ssh.service.d/10-host-keys.conf" <<'EOF'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
EOF
cat >"$rootfs/etc/ssh/sshd_config.d/10-vagrant.conf" <<'EOF'
UseDNS no
PasswordAuthentication no
EOF

# No /etc/hostname: systemd then keeps the name LXC gives the container (lxc.uts.name), which the
# Vagrantfile sets to the machine's name.
rm -f "$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
# The container's own name must resolve without DNS (sudo looks it up on every call and warns into
# Ansible's output when it cannot): nss-myhostname answers for it, whatever LXC names it.
grep -qE '^hosts:.*\bmyhostname\b' "$rootfs/etc/nsswitch.conf" \
  || sed -i -E 's/^(hosts:\s+files)/\1 myhostname/' "$rootfs/etc/nsswitch.conf"
grep -qE '^hosts:.*\bmyhostname\b' "$rootfs/etc/nsswitch.conf" \
  || { log "could not add myhostname to /etc/nsswitch.conf"; exit 1; }
: >"$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"
rm -f "$rootfs/etc/resolv.conf"
# Units that cannot work in a container and only clutter `systemctl --failed`.
for unit in systemd-networkd-wait-online.service systemd-timesyncd.service; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done

for m in dev/pts dev sys proc; do umount -l "$rootfs/$m"; done

log "packing the box"
cat >"$work/lxc-config" <<'EOF'
lxc.include = /usr/share/lxc/config/debian.common.conf
lxc.arch = amd64
EOF
cat >"$work/metadata.json" <<EOF
{
  "provider": "lxc",
  "version": "1.0.0",
  "built-on": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "template-opts": {}
}
EOF
(cd "$work" && tar --numeric-owner -czf rootfs.tar.gz ./rootfs/*)
(cd "$work" && tar -czf "$out.part" metadata.json lxc-config rootfs.tar.gz)
mv "$out.part" "$out"
log "built $out ($(du -h "$out" | cut -f1))"
