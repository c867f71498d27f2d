#!/usr/bin/env bash
# Prepare a Linux host to run the lab's machines as LXC system containers.
#
# The Vagrantfile runs this before `vagrant up` / `vagrant reload` with the lxc provider; it is also
# fine to run by hand. It is idempotent and quick once done. Run as root.
#
# 1. Kernel settings the containers cannot set themselves (they share this kernel): fs.file-max,
#    fs.nr_open, fs.epoll.max_user_watches, fs.inotify.max_user_instances, net.core.netdev_max_backlog,
#    nf_conntrack_max and the conntrack hash size. Only ever raised, never lowered. Sized for C1M_HOST_CONNECTIONS
#    connections, counted twice because both ends of every connection live on this one kernel.
# 2. LXC's NAT bridge (lxcbr0), started with /usr/libexec/lxc/lxc-net when the host has no systemd.
# 3. A bridge for the private network (C1M_LXC_BRIDGE with C1M_LXC_BRIDGE_ADDRESS), which the
#    containers' second NIC joins with a static address.
# 4. lxcfs, when installed and not running, so /proc/meminfo in a container shows its memory limit.
# 5. The Debian box (C1M_LXC_BOX_FILE, of C1M_DEBIAN_RELEASE), built with build-box.sh when the file is missing, and
#    added to Vagrant as C1M_LXC_BOX_NAME, once, under this script's lock: a provider that brings the
#    machines up in parallel then finds it there instead of each machine adding it at once.
#
# Environment (the Vagrantfile passes its settings):
#   C1M_HOST_CONNECTIONS     connections the lab must carry in all (default 1000000)
#   C1M_LXC_BRIDGE           private network bridge (default c1mbr0)
#   C1M_LXC_BRIDGE_ADDRESS   host address on it, CIDR (default 192.168.56.1/24)
#   C1M_LXC_BOX_FILE         box file to build if missing (default: none, skip)
#   C1M_LXC_BOX_STORE        the box's folder in Vagrant's box store: when it holds the box already,
#                            no file is needed and none is built
#   C1M_LXC_BOX_NAME         the box's name in Vagrant (default: none, the box is not added)
#   C1M_DEBIAN_RELEASE       the release build-box.sh builds (the Vagrantfile's debian_release)
#   C1M_VAGRANT_HOME         Vagrant's home to add it to (default: VAGRANT_HOME, or ~/.vagrant.d of
#                            the user who ran sudo)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
connections=${C1M_HOST_CONNECTIONS:-1000000}
bridge=${C1M_LXC_BRIDGE:-c1mbr0}
bridge_address=${C1M_LXC_BRIDGE_ADDRESS:-192.168.56.1/24}
box_file=${C1M_LXC_BOX_FILE:-}
box_store=${C1M_LXC_BOX_STORE:-}
box_name=${C1M_LXC_BOX_NAME:-}
log() { printf '[lxc-host-setup] %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { log "run as root (sudo $0)"; exit 1; }
for tool in lxc-create ip; do
  command -v "$tool" >/dev/null || { log "$tool is missing: bash install-deps.sh"; exit 1; }
done

exec 9>/run/c1m-lxc-host-setup.lock
flock 9

# --- 1. host-wide kernel settings -------------------------------------------------------------
# Every connection costs a file (socket) and an epoll watch on each end, and a conntrack entry in
# every network namespace that tracks it. The headroom covers the rest of the host.
sockets=$(( connections * 2 ))
headroom=262144
raise() { # raise KEY VALUE: set KEY to VALUE unless it is already at least VALUE
  local key=$1 want=$2 path now
  path=/proc/sys/${key//./\/}
  if [ ! -e "$path" ]; then log "skip $key (not on this kernel)"; return 0; fi
  now=$(awk '{print $1}' "$path")
  if [ "$now" -ge "$want" ] 2>/dev/null; then return 0; fi
  if sysctl -q -w "$key=$want" >/dev/null 2>&1; then
    log "$key: $now -> $want"
  else
    log "WARNING: cannot raise $key from $now to $want; the lab's preflight will say if that is too low"
  fi
}
raise fs.nr_open $(( connections + headroom ))
raise fs.file-max $(( sockets + headroom ))
raise fs.epoll.max_user_watches $(( sockets + headroom ))
raise fs.inotify.max_user_instances 1024
# The kernel role's c1m_kernel_netdev_max_backlog, which containers cannot set themselves (host-wide).
raise net.core.netdev_max_backlog 65536
raise fs.inotify.max_user_watches 524288
if [ ! -e /proc/sys/net/netfilter/nf_conntrack_max ]; then
  modprobe nf_conntrack 2>/dev/null || true
fi
if [ -e /proc/sys/net/netfilter/nf_conntrack_max ]; then
  raise net.netfilter.nf_conntrack_max $(( sockets + headroom ))
  want_buckets=$(( (sockets + headroom) / 4 ))
  hashsize=/sys/module/nf_conntrack/parameters/hashsize
  now_buckets=$(cat "$hashsize" 2>/dev/null || echo 0)
  if [ "$now_buckets" -lt "$want_buckets" ]; then
    if echo "$want_buckets" >"$hashsize" 2>/dev/null; then
      log "nf_conntrack hashsize: $now_buckets -> $want_buckets"
    else
      log "WARNING: cannot raise the nf_conntrack hash size from $now_buckets to $want_buckets"
    fi
  fi
else
  log "nf_conntrack is not loaded and cannot be loaded here; connections are not tracked"
fi
raise net.ipv4.ip_forward 1

# --- 2. LXC's NAT bridge ----------------------------------------------------------------------
lxc_net() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl "$1" lxc-net 9>&-
  else
    /usr/libexec/lxc/lxc-net "$@" 9>&-
  fi
}
# The bridge outlives its DHCP server: when dnsmasq is gone (killed with the session that started
# it), containers boot with no address on eth0 and no resolver, and sudo then warns on every call.
# Only a bridge lxc-net set up (its network_up flag) is restarted; another manager's is left alone.
lxc_dnsmasq_alive() {
  local pid
  pid=$(cat /run/lxc/dnsmasq.pid 2>/dev/null) && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dnsmasq ]
}
if ! ip link show lxcbr0 >/dev/null 2>&1; then
  lxc_net start
  log "started LXC's NAT bridge lxcbr0"
elif [ -e /run/lxc/network_up ] && ! lxc_dnsmasq_alive; then
  # A stale pid file would make lxc-net's stop kill -9 whatever process now has that number.
  rm -f /run/lxc/dnsmasq.pid
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    lxc_net restart
  else
    lxc_net stop force || true
    lxc_net start
  fi
  log "restarted LXC's NAT bridge lxcbr0: its DHCP server (dnsmasq) was not running"
fi

# --- 3. the private network's bridge ----------------------------------------------------------
if ! ip link show "$bridge" >/dev/null 2>&1; then
  ip link add name "$bridge" type bridge
  log "created bridge $bridge"
fi
if ! ip -4 addr show dev "$bridge" | grep -q "inet ${bridge_address%/*}/"; then
  ip addr add "$bridge_address" dev "$bridge"
  log "gave $bridge the address $bridge_address"
fi
ip link set "$bridge" up

# --- 4. lxcfs ---------------------------------------------------------------------------------
if command -v lxcfs >/dev/null && ! grep -q ' /var/lib/lxcfs fuse.lxcfs ' /proc/mounts; then
  if [ -e /dev/fuse ]; then
    mkdir -p /var/lib/lxcfs
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
      systemctl start lxcfs 9>&- || true
    else
      (setsid lxcfs /var/lib/lxcfs </dev/null >/var/log/lxcfs.log 2>&1 9>&- &)
      for _ in 1 2 3 4 5 6 7 8 9 10; do
        grep -q ' /var/lib/lxcfs fuse.lxcfs ' /proc/mounts && break
        sleep 0.3
      done
    fi
    if grep -q ' /var/lib/lxcfs fuse.lxcfs ' /proc/mounts; then
      log "started lxcfs (containers see their own memory in /proc/meminfo)"
    else
      log "lxcfs did not start; containers will see the host's /proc/meminfo (the roles read the cgroup limit instead)"
    fi
  fi
fi

# --- 5. the box -------------------------------------------------------------------------------
if [ -n "$box_store" ] && compgen -G "$box_store/*/lxc/metadata.json" >/dev/null; then
  : # Vagrant has this box already
elif [ -n "$box_file" ] && [ ! -s "$box_file" ]; then
  log "building the Debian ${C1M_DEBIAN_RELEASE:-?} LXC box $box_file (about 2 minutes)"
  "$here/build-box.sh" "$box_file"
  # Boxes of earlier builders are stale now: drop their files (vagrant box prune drops the rest).
  find "$(dirname "$box_file")" -maxdepth 1 -name 'c1m-debian-*-lxc-*.box' ! -name "$(basename "$box_file")" -delete
fi
if [ -n "$box_name" ] && [ -n "$box_store" ] && [ -s "$box_file" ] \
   && ! compgen -G "$box_store/*/lxc/metadata.json" >/dev/null; then
  # Under this script's lock: a provider bringing machines up in parallel finds it added once.
  "$here/../add-box.sh" "$box_name" "$box_file" 9>&- || { log "vagrant box add $box_name failed"; exit 1; }
fi
log "host ready"
