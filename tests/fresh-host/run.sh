#!/usr/bin/env bash
# The fresh-host stage of tests/run-all.sh: does the README's install step, on a Debian 12 or 13 host
# with nothing installed, give the lab all it needs? Whatever this machine has installed by hand does
# not count here.
#   tests/fresh-host/run.sh [RELEASE]     RELEASE: bookworm (Debian 12, the default) or trixie (Debian 13)
#   1. a clean root of that release (debootstrap --variant=minbase, the host's apt mirror and proxy), made
#      once and cached as a tarball in C1M_FRESH_HOST_CACHE (default /var/cache/c1m-lab/fresh-host),
#      with the .debs apt downloads into it (so a run costs no downloads but the indexes)
#   2. a new copy of that root for every run, this repository's files in it (those a clone has, and
#      new ones not yet committed), /proc, /sys, /dev and a tmpfs /dev/shm mounted, no services started
#   3. the README's install step in it, by chroot: `bash install-deps.sh` (C1M_FRESH_HOST_INSTALL)
#   4. in it, then: every command the lab's scripts call; the vagrant-lxc plugin (`vagrant plugin
#      list`); the lab's box added to Vagrant and created as an LXC container with vagrant-lxc's own
#      template, the way `vagrant up` creates it (lxc-create -B dir -t <vagrant-lxc>/scripts/lxc-template
#      -- --tarball rootfs.tar.gz --config lxc-config), and every file the box's lxc-config includes;
#      `ansible-playbook --syntax-check` of every playbook; java/mvnw -v with the JDK; the report's
#      tests, with the headless-Chromium render not skipped; the lab's static checks
#      (tests/lab/static-checks.sh: vagrant validate, ansible-lint, yamllint, shellcheck, ...).
# The box: the one vagrant/boxes/ or Vagrant's box store has for this build-box.sh, or else built in
# the fresh root by build-box.sh into vagrant/boxes/ (where the e2e stage then finds it).
# Runs as root. Prints each step's time and 'N passed, N failed'; exits 1 when a check failed.
#
# Environment: C1M_FRESH_HOST_CACHE (the cache folder), C1M_FRESH_HOST_INSTALL (the install step, run
# in the repository's copy; default `bash install-deps.sh`), C1M_FRESH_HOST_KEEP=1 keeps the root (its
# path is printed; unmount and remove it yourself).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

cache=${C1M_FRESH_HOST_CACHE:-/var/cache/c1m-lab/fresh-host}
install_step=${C1M_FRESH_HOST_INSTALL:-bash install-deps.sh}
keep=${C1M_FRESH_HOST_KEEP:-0}
suite=${1:-bookworm}
case "$suite" in
  bookworm) version=12 ;;
  trixie) version=13 ;;
  *) printf '[fresh-host] unknown release %s: bookworm (Debian 12) or trixie (Debian 13)\n' "$suite"; exit 2 ;;
esac
in_root=/c1m-lab    # the repository's copy inside the root

log() { printf '[fresh-host %s] %s\n' "$suite" "$*"; }
[ "$(id -u)" = 0 ] || { log "run as root (debootstrap, chroot, lxc-create)"; exit 1; }
for tool in debootstrap chroot mount tar; do
  command -v "$tool" >/dev/null || { log "$tool is missing: bash install-deps.sh"; exit 1; }
done

mkdir -p "$cache/apt-archives/partial"
exec 8>"$cache/lock"
flock -n 8 || { log "another fresh-host run holds $cache/lock; waiting"; flock 8; }

declare -a timings=()
timed() { # timed NAME COMMAND...: run it, keep its time
  local name=$1 start=$SECONDS rc=0; shift
  log "$name"
  "$@" || rc=$?
  timings+=("$(printf '%-52s %4d s%s' "$name" $((SECONDS - start)) "$([ $rc -eq 0 ] || echo '  FAILED')")")
  return $rc
}

# --- 1. the clean root, cached ----------------------------------------------------------------
# Same mirror and proxy as the box build: the host's own, unless C1M_DEBIAN_MIRROR and the like say.
mirror="" security_mirror="" proxy=""
eval "$(bash vagrant/lxc/build-box.sh --apt-settings)"
[ -z "$proxy" ] || export http_proxy=$proxy
key=$(printf '%s %s minbase v1\n' "$suite" "$mirror" | sha256sum | cut -c1-10)
base=$cache/debian${version}-minbase-$key.tar
make_base() {
  local tmp
  tmp=$(mktemp -d "$cache/.debootstrap.XXXXXX")
  if ! debootstrap --variant=minbase --arch=amd64 "$suite" "$tmp/root" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
    tail -n 30 "$tmp/debootstrap.log"; rm -rf "$tmp"; return 1
  fi
  cat >"$tmp/root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
EOF
  rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
  tar --numeric-owner -C "$tmp/root" -cf "$base.part" .
  mv "$base.part" "$base"
  rm -rf "$tmp"
  find "$cache" -maxdepth 1 -name "debian${version}-minbase-*.tar" ! -name "$(basename "$base")" -delete
}
if [ -s "$base" ]; then
  log "clean Debian $version root: cached ($base)"
else
  timed "debootstrap a clean Debian $version root (cached after)" make_base
fi

# --- 2. a new copy of it, with the repository --------------------------------------------------
work=$(mktemp -d /var/tmp/c1m-fresh-host.XXXXXX)
root=$work/root
mounts() { awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r; }
cleanup() {
  local rc=$? m
  for m in $(mounts); do umount -l "$m" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then
    log "C1M_FRESH_HOST_KEEP=1: the root is kept at $root"
  elif [ -n "$(mounts)" ]; then
    log "WARNING: still mounted under $root, not removed: $(mounts | tr '\n' ' ')"
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT

copy_root() {
  mkdir -p "$root"
  tar --numeric-owner -C "$root" -xf "$base"
  mkdir -p "$root$in_root"
  if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
    # What a clone has, plus new files not yet committed (ignored ones, such as builds, left out).
    git -C "$repo" ls-files -z --cached --others --exclude-standard \
      | (cd "$repo" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _) \
      | tar -C "$repo" --null -T - -cf - | tar -C "$root$in_root" -xf -
  else
    tar -C "$repo" --exclude=./.vagrant --exclude=./reports --exclude=./vagrant/boxes --exclude='*/target' \
      -cf - . | tar -C "$root$in_root" -xf -
  fi
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
  mount -t tmpfs tmpfs "$root/run"
  mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # The host's network, as its resolver and proxy: site-local CAs (a TLS-inspecting proxy's, say), which
  # ca-certificates adds to the bundle and to Java's keystore when the install step installs it.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  fi
  # A chroot has no init: packages must not start their services (lxc-net would set up a bridge).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  if [ -n "$proxy" ]; then
    printf 'Acquire::http::Proxy "%s";\n' "$proxy" >"$root/etc/apt/apt.conf.d/01c1m-proxy"
  fi
}
timed "a new copy of the root, the repository in $in_root" copy_root

in_chroot() { # in_chroot COMMAND: run a bash command line in the root, in the repository's copy
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive VAGRANT_CHECKPOINT_DISABLE=1 ${http_proxy:+http_proxy="$http_proxy"} /bin/bash -c "cd $in_root && $1"
}

# --- 3. the install step ----------------------------------------------------------------------
install_log=$work/install.log
if ! timed "install step: $install_step" in_chroot "$install_step" >"$install_log" 2>&1; then
  tail -n 30 "$install_log"
  log "the install step failed"
  printf '%s\n' "${timings[@]}"
  echo "fresh host: 0 passed, 1 failed"
  exit 1
fi
tail -n 3 "$install_log"

# --- 4. what the lab needs, there -------------------------------------------------------------
passed=0
failed=0
check() { # check NAME COMMAND: a bash command line run in the root
  local name=$1 start=$SECONDS out
  if out=$(in_chroot "$2" 2>&1); then
    passed=$((passed + 1))
    printf 'ok    %-62s %3ds\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    printf 'FAIL  %-62s %3ds\n' "$name" $((SECONDS - start))
    printf '%s\n' "$out" | tail -n 25 | sed 's/^/      /'
  fi
}

# Every command the Vagrantfile, vagrant/lxc/*.sh, vagrant-lxc and its template, the playbooks'
# controller side, the report and the tests call.
# redir: vagrant-lxc's port forwarding (Debian 12 only, as vagrant-lxc).
lxc_provider_commands=""
[ "$suite" != bookworm ] || lxc_provider_commands="redir"
commands="vagrant bsdtar curl $lxc_provider_commands lxc-create lxc-start lxc-stop lxc-destroy lxc-ls lxc-info lxc-attach
  lxc-update-config lxcfs dnsmasq iptables nft ip sysctl modprobe flock getopt sha256sum debootstrap
  chroot mount tar gzip sudo ssh rsync virsh libvirtd virtlogd qemu-system-x86_64 qemu-img mkfs.ext4 python3 ansible-playbook ansible-inventory ansible-galaxy
  ansible-lint yamllint shellcheck java javac chromium"
check "every command the lab calls is installed" '
  missing=""
  for c in '"$(echo $commands)"'; do command -v "$c" >/dev/null || missing="$missing $c"; done
  for f in /usr/libexec/lxc/lxc-net /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; do [ -e "$f" ] || missing="$missing $f"; done
  [ -z "$missing" ] || { echo "missing:$missing"; exit 1; }'
check "python3 imports jinja2 (the report)" 'python3 -c "import jinja2"'
check "vagrant plugin list: vagrant-libvirt" 'vagrant plugin list | grep -q "^vagrant-libvirt "'
check "getent passwd libvirt-qemu (the user QEMU runs as)" 'getent passwd libvirt-qemu'

# The LXC provider: Debian 12 only (Debian 13 packages no vagrant-lxc; install-deps.sh says so).
if [ "$suite" = bookworm ]; then
check "vagrant plugin list: vagrant-lxc" 'vagrant plugin list | tee /dev/stderr | grep -q "^vagrant-lxc "'
# The box: from vagrant/boxes/, or else Vagrant's store on this host, or else built here. Its name, file
# and release as the Vagrantfile makes them (their one owner), with the project's defaults.
box_info=$(C1M_SETTINGS_FILE=/dev/null C1M_BOX_INFO=1 vagrant validate)
box_json() { # box_json KEY...: the value at that path
  python3 -c 'import functools, json, sys; print(functools.reduce(lambda d, k: d[k], sys.argv[1:], json.load(sys.stdin)))' "$@" <<<"$box_info"
}
release=$(box_json debian_release)
box_name=$(box_json lxc name)
box_file=$(basename "$(box_json lxc file)")
box_store="${VAGRANT_HOME:-$HOME/.vagrant.d}/boxes/${box_name//\//-VAGRANTSLASH-}"
mkdir -p vagrant/boxes "$root$in_root/vagrant/boxes"
mount --bind "$repo/vagrant/boxes" "$root$in_root/vagrant/boxes"
store_dir=$(compgen -G "$box_store/*/lxc/metadata.json" | head -n 1 || true)
if [ ! -s "vagrant/boxes/$box_file" ] && [ -n "$store_dir" ]; then
  log "the box: from this host's Vagrant store ($(dirname "$store_dir"))"
  mkdir -p "$root/var/lib/c1m-box"
  mount --bind -o ro "$(dirname "$store_dir")" "$root/var/lib/c1m-box"
  box_dir=/var/lib/c1m-box
else
  if [ -s "vagrant/boxes/$box_file" ]; then
    log "the box: vagrant/boxes/$box_file"
  else
    timed "build the box in the fresh root (vagrant/lxc/build-box.sh)" \
      in_chroot "C1M_DEBIAN_RELEASE=$release vagrant/lxc/build-box.sh vagrant/boxes/$box_file" || true
  fi
  check "vagrant box add of the lab's box" "vagrant box add --name $box_name file://$in_root/vagrant/boxes/$box_file"
  box_dir="/root/.vagrant.d/boxes/${box_name//\//-VAGRANTSLASH-}/0/lxc"
fi

# What vagrant-lxc runs for `vagrant up` (lib/vagrant-lxc/action/create.rb, driver/cli.rb): the box's
# lxc-config goes to the template, which appends it to the container's config; lxc-create then reads
# that config, and every file it includes must exist.
check "lxc-create of the box with vagrant-lxc's template (as vagrant up)" '
  template=$(ls -d /usr/share/rubygems-integration/all/gems/vagrant-lxc-*/scripts/lxc-template | tail -n 1)
  [ -x "$template" ] || { echo "no vagrant-lxc template"; exit 1; }
  lxc-update-config -c '"$box_dir"'/lxc-config 2>/dev/null || true
  mkdir -p /var/lib/c1m-fresh
  lxc-create -P /var/lib/c1m-fresh -B dir -t "$template" -n c1m-fresh-host -- \
    --tarball '"$box_dir"'/rootfs.tar.gz --config '"$box_dir"'/lxc-config
  lxc-ls -P /var/lib/c1m-fresh | grep -qw c1m-fresh-host
  [ -x /var/lib/c1m-fresh/c1m-fresh-host/rootfs/usr/lib/systemd/systemd ]
  lxc-info -P /var/lib/c1m-fresh -n c1m-fresh-host
  lxc-destroy -P /var/lib/c1m-fresh -n c1m-fresh-host'
check "every file the box's lxc-config includes exists" '
  todo="'"$box_dir"'/lxc-config"; seen=""; missing=""
  while [ -n "$todo" ]; do
    set -- $todo; f=$1; shift; todo="$*"
    case " $seen " in *" $f "*) continue;; esac; seen="$seen $f"
    if [ ! -e "$f" ]; then missing="$missing $f"; continue; fi
    [ -d "$f" ] && continue
    todo="$todo $(sed -n "s/^[[:space:]]*lxc\.include[[:space:]]*=[[:space:]]*//p" "$f" | tr "\n" " ")"
  done
  echo "read:$seen"
  [ -z "$missing" ] || { echo "missing:$missing"; exit 1; }'
else
  log "Debian $version packages no vagrant-lxc: the LXC provider's checks run in the Debian 12 root"
fi

check "the controller check passes under this release's ansible-core, no warning" '
  out=$(ANSIBLE_DEPRECATION_WARNINGS=1 ansible-playbook -i localhost, ansible/check-controller.yml 2>&1); rc=$?
  ansible --version | head -n 1; printf "%s\n" "$out" | tail -n 4
  [ $rc -eq 0 ] && ! printf "%s\n" "$out" | grep -qE "\[(DEPRECATION )?WARNING\]"'
check "ansible-playbook --syntax-check of the playbooks" 'for p in ansible/provision.yml ansible/run-test.yml; do ansible-playbook --syntax-check "$p" || exit 1; done'
check "java/mvnw -v (fetches Maven; the release's JDK builds the jars)" 'javac -version && java/mvnw -v | tee /dev/stderr | grep -q "^Apache Maven 3"'
check "report tests with the headless-Chromium render (none skipped)" '
  out=$(bash report/tests/run.sh -v 2>&1); rc=$?; printf "%s\n" "$out" | tail -n 5
  [ $rc -eq 0 ] && ! printf "%s\n" "$out" | grep -qE "\.\.\. skipped|skipped="'
check "the lab's static checks (tests/lab/static-checks.sh)" 'bash tests/lab/static-checks.sh'

echo
echo "=== fresh host timings ==="
printf '%s\n' "${timings[@]}"
echo "fresh host (Debian $version): ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
