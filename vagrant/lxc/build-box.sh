#!/usr/bin/env bash
# Build the Debian base box for vagrant-lxc from nothing, with debootstrap.
#
#   vagrant/lxc/build-box.sh OUTPUT.box
#   vagrant/lxc/build-box.sh --rootfs DIR      only the configured root file system, in DIR (kept):
#                                              vagrant/libvirt/build-box.sh makes its disk from it
#
# The Debian release is C1M_DEBIAN_RELEASE (required: the Vagrantfile's debian_release setting,
# which vagrant up passes); the Java runtime is the one that release packages for the jars (release_jdk below: the
# c1m_java role's map).
#
# The box holds what the lab needs to be provisioned by Ansible and to run the jars: systemd, sshd
# (host keys made at first boot), python3, sudo, the `vagrant` user with Vagrant's insecure public
# key and password-less sudo, ifupdown with DHCP on eth0 (LXC's NAT bridge), and
# the release's JRE preinstalled so provisioning does not download it four times. C1M_BOX_EXTRA_PACKAGES
# adds packages (the libvirt box adds a kernel).
#
# Box layout for vagrant-lxc's generic template: metadata.json, lxc-config and rootfs.tar.gz, whose
# entries sit under a top-level `rootfs/` folder (the template strips two path components).
#
# Packages come from this host's own apt mirror and proxy: the first Debian archive and security
# archive in /etc/apt/sources.list and /etc/apt/sources.list.d/*.list or *.sources, and apt's
# Acquire::http::Proxy (deb.debian.org and no proxy when the host names none).
#
# Environment: C1M_DEBIAN_MIRROR, C1M_DEBIAN_SECURITY_MIRROR and C1M_APT_PROXY override those (an
# empty C1M_APT_PROXY means none), C1M_BOX_WORKDIR (scratch folder, default: a temporary folder next
# to OUTPUT), VAGRANT_INSECURE_PUBKEY (path to the key).
#
#   vagrant/lxc/build-box.sh --apt-settings    prints the mirror=, security_mirror= and proxy= a
#                                              build would use, and exits
set -euo pipefail

log() { printf '[build-box] %s\n' "$*" >&2; }
read -ra extra_packages <<<"${C1M_BOX_EXTRA_PACKAGES:-}"

# host_apt_archives: "MAIN SECURITY", the first Debian archive and security archive this host's apt
# reads ("-" for none). Only entries for Debian's suites count: another distribution's mirror has no
# bookworm.
host_apt_archives() {
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  compgen -G '/etc/apt/sources.list.d/*.list' >/dev/null && files+=(/etc/apt/sources.list.d/*.list)
  compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null && files+=(/etc/apt/sources.list.d/*.sources)
  [ ${#files[@]} -gt 0 ] || { echo "- -"; return 0; }
  awk '
    function debian(suite) {
      return suite ~ /^(buster|bullseye|bookworm|trixie|forky|sid|oldstable|stable|testing|unstable)(-security|\/updates|-updates|-backports)?$/
    }
    function consider(uri, suites,   n, i, s) {
      sub(/\/+$/, "", uri)
      if (uri !~ /^https?:\/\//) return
      n = split(suites, s, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        if (!debian(s[i])) continue
        if (s[i] ~ /(-security|\/updates)$/) { if (security == "") security = uri }
        else if (s[i] !~ /-(updates|backports)$/) { if (main == "") main = uri }
      }
    }
    function flush(   n, j, u) {
      if (deb && enabled) { n = split(uris, u, /[ \t]+/); for (j = 1; j <= n; j++) consider(u[j], suites) }
      deb = 0; enabled = 1; uris = ""; suites = ""
    }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    deb822 && /^[ \t]*$/ { flush(); next }
    deb822 && /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
    deb822 && /^Enabled:[ \t]*no/ { enabled = 0 }
    deb822 && /^URIs:/ { uris = $0; sub(/^URIs:[ \t]*/, "", uris) }
    deb822 && /^Suites:/ { suites = $0; sub(/^Suites:[ \t]*/, "", suites) }
    !deb822 && /^[ \t]*deb[ \t]/ {
      line = $0; sub(/#.*/, "", line); gsub(/\[[^]]*\]/, "", line)
      n = split(line, f, /[ \t]+/); k = 0
      for (i = 1; i <= n; i++) if (f[i] != "") g[++k] = f[i]
      if (k >= 3) consider(g[2], g[3])
    }
    END { flush(); printf "%s %s\n", (main == "" ? "-" : main), (security == "" ? "-" : security) }
  ' "${files[@]}"
}

read -r host_main host_security < <(host_apt_archives)
[ "$host_main" = "-" ] && host_main=http://deb.debian.org/debian
[ "$host_security" = "-" ] && host_security=http://deb.debian.org/debian-security
mirror=${C1M_DEBIAN_MIRROR:-$host_main}
security_mirror=${C1M_DEBIAN_SECURITY_MIRROR:-$host_security}
host_proxy=""
if command -v apt-config >/dev/null; then
  eval "$(apt-config shell host_proxy Acquire::http::Proxy)"
fi
proxy=${C1M_APT_PROXY-$host_proxy}
[ "$proxy" = DIRECT ] && proxy=""

if [ "${1:-}" = --apt-settings ]; then
  printf 'mirror=%s\nsecurity_mirror=%s\nproxy=%s\n' "$mirror" "$security_mirror" "$proxy"
  exit 0
fi

# The release has one owner, the Vagrantfile's debian_release, which passes it here.
suite=${C1M_DEBIAN_RELEASE:-}
# The Java runtime the release packages for the jars: the c1m_java role's map (its one owner).
releases_file="$(cd "$(dirname "$0")/../.." && pwd)/ansible/roles/c1m_java/vars/main.yml"
release_jdk() { sed -n "s/^  $1: *\([a-z0-9.-]*\) *\$/\1/p" "$releases_file" | grep .; }
[ -n "$suite" ] || { log "C1M_DEBIAN_RELEASE is not set: vagrant up passes the Vagrantfile's debian_release; by hand, C1M_DEBIAN_RELEASE=trixie $0 ..."; exit 2; }
jdk=$(release_jdk "$suite") || {
  log "unknown Debian release '$suite' (C1M_DEBIAN_RELEASE, the Vagrantfile's debian_release): use one of" \
    "$(sed -n 's/^  \([a-z]*\):.*/\1/p' "$releases_file" | xargs) ($releases_file)"
  exit 2
}
# debootstrap fetches with wget, which reads http_proxy.
[ -z "$proxy" ] || export http_proxy=$proxy

rootfs_only=""
if [ "${1:-}" = --rootfs ]; then
  rootfs_only=${2:?usage: build-box.sh --rootfs DIR}
  out=$rootfs_only.box   # names the scratch folder's place only: nothing is packed
else
  out=${1:?usage: build-box.sh OUTPUT.box | --rootfs DIR}
fi

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
if [ -n "$rootfs_only" ]; then
  rm -rf "$rootfs_only"
  rootfs=$rootfs_only
fi
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
deb $security_mirror $suite-security main
EOF
cp /etc/resolv.conf "$rootfs/etc/resolv.conf" 2>/dev/null || true
# The host's proxy for this build only: the box keeps no trace of it.
if [ -n "$proxy" ]; then
  printf 'Acquire::http::Proxy "%s";\n' "$proxy" >"$rootfs/etc/apt/apt.conf.d/01c1m-build-proxy"
fi

# A kernel among the extra packages makes its initramfs as it installs: with only these modules
# when C1M_BOX_INITRAMFS_MODULES names them (the libvirt box: a small initramfs boots faster).
if [ -n "${C1M_BOX_INITRAMFS_MODULES:-}" ]; then
  install -d "$rootfs/etc/initramfs-tools/conf.d"
  printf 'MODULES=list\nCOMPRESS=gzip\n' >"$rootfs/etc/initramfs-tools/conf.d/c1m-box.conf"
  printf '%s\n' $C1M_BOX_INITRAMFS_MODULES >"$rootfs/etc/initramfs-tools/modules"
fi
log "installing $jdk libnss-myhostname ${extra_packages[*]} in the chroot"
chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C sh -c '
  set -e
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  apt-get clean
  rm -rf /var/lib/apt/lists/*
' sh "$jdk" libnss-myhostname "${extra_packages[@]}" >"$work/chroot.log" 2>&1 || { tail -n 30 "$work/chroot.log" >&2; exit 1; }
rm -f "$rootfs/etc/apt/apt.conf.d/01c1m-build-proxy"

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
# eth0: the provider's NAT network (DHCP). eth1, the private network, is not listed here: LXC
# configures it itself (lxc.net.1.ipv4.address); on a VM Vagrant appends it below.
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
if [ -n "$rootfs_only" ]; then
  log "root file system ready in $rootfs"
  exit 0
fi

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
