#!/usr/bin/env bash
# Add a box file built here to Vagrant, as the user who runs Vagrant (the box store is theirs), outside
# any project (no Vagrantfile is read). The host-setup scripts call it under their lock; fd 9 (the
# lock) is not passed on to vagrant.
#
#   vagrant/add-box.sh NAME FILE      C1M_VAGRANT_HOME: Vagrant's home to add it to (optional)
set -euo pipefail
name=${1:?usage: add-box.sh NAME FILE}
file=${2:?usage: add-box.sh NAME FILE}
as_user=()
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then as_user=(sudo -u "$SUDO_USER" -H); fi
printf '[add-box] adding the box %s to Vagrant\n' "$name" >&2
cd /
exec "${as_user[@]}" env -u VAGRANT_CWD -u VAGRANT_VAGRANTFILE \
  ${C1M_VAGRANT_HOME:+VAGRANT_HOME="$C1M_VAGRANT_HOME"} VAGRANT_CHECKPOINT_DISABLE=1 \
  vagrant box add --force --name "$name" "file://$file" 9>&- </dev/null
