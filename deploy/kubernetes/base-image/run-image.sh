#!/usr/bin/env bash
# Runs a docker-save image tarball (distribution/target/keygate-image.tar) without Docker: unpacks
# its layers into ROOT and runs its entry point there, as its user, with its environment, under
# chroot in new mount and PID namespaces (its own /proc, /dev and /dev/pts, the host's network).
# A check that the image works, not a container runtime: no cgroups, no seccomp, no network
# namespace.
#
#   run-image.sh IMAGE.tar ROOT [ARG...]     (as root; ARGs replace the image's Cmd)
#
# ROOT is unpacked once (delete it to unpack again). For example:
#   run-image.sh keygate-image.tar /var/tmp/kg-root init /var/lib/keygate/token --listen 0.0.0.0:8443
#   run-image.sh keygate-image.tar /var/tmp/kg-root serve --config /var/lib/keygate/token/keygate.conf
# KEYGATE_* and SOFTHSM2_CONF from this environment are passed on; RUN_AS=UID:GID overrides the
# image's user; ENTRYPOINT=PROGRAM replaces the entry point (e.g. ENTRYPOINT=java ... -version).
set -euo pipefail

[ $# -ge 2 ] || { sed -n '2,14p' "${BASH_SOURCE[0]}" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run-image.sh: run as root (chroot, mounts)" >&2; exit 2; }
image=$(readlink -f "$1") root=$2
shift 2

if [ ! -e "$root/.run-image-unpacked" ]; then
  meta=$(mktemp -d)
  trap 'rm -rf "$meta"' EXIT
  tar -xf "$image" -C "$meta" manifest.json
  mkdir -p "$root"
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' \
      "$meta/manifest.json" > "$meta/layers"
  while read -r layer; do
    tar -xf "$image" -C "$meta" "$layer"
    if tar -tf "$meta/$layer" --warning=no-unknown-keyword | grep -q '\(^\|/\)\.wh\.'; then
      echo "run-image.sh: layer $layer has whiteouts, which this script does not apply" >&2; exit 3
    fi
    tar -xf "$meta/$layer" -C "$root" --numeric-owner --same-permissions --warning=no-unknown-keyword
    rm -f "$meta/$layer"
  done < "$meta/layers"
  config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$meta/manifest.json")
  tar -xf "$image" -C "$meta" "$config"
  cp "$meta/$config" "$root/.run-image-config.json"
  touch "$root/.run-image-unpacked"
  rm -rf "$meta"
  trap - EXIT
fi

# The image's entry point, Cmd, environment, user and working directory, NUL-separated:
# ENTRYPOINT... \0\0 CMD-or-ARGS... \0\0 ENV... \0\0 USER \0 WORKDIR
mapfile -d '' -t spec < <(python3 - "$root/.run-image-config.json" "${ENTRYPOINT:-}" "$@" <<'EOF'
import json, os, sys
config = json.load(open(sys.argv[1]))["config"]
entry = [sys.argv[2]] if sys.argv[2] else (config.get("Entrypoint") or [])
args = sys.argv[3:] or (config.get("Cmd") or [])
env = list(config.get("Env") or [])
env += [k + "=" + v for k, v in os.environ.items() if k.startswith("KEYGATE_") or k == "SOFTHSM2_CONF"]
user = os.environ.get("RUN_AS") or config.get("User") or "0"
if ":" not in user:
    user += ":" + user
out = entry + [""] + args + [""] + env + ["", user, config.get("WorkingDir") or "/"]
sys.stdout.write("\0".join(out) + "\0")
EOF
)
command=() env=()
i=0
while [ -n "${spec[$i]}" ]; do command+=("${spec[$i]}"); i=$((i + 1)); done
i=$((i + 1))
while [ -n "${spec[$i]}" ]; do command+=("${spec[$i]}"); i=$((i + 1)); done
i=$((i + 1))
while [ -n "${spec[$i]}" ]; do env+=("${spec[$i]}"); i=$((i + 1)); done
user=${spec[$((i + 1))]} workdir=${spec[$((i + 2))]}

export RUN_IMAGE_ROOT=$root
exec unshare --mount --pid --fork --propagation private bash -c '
  set -euo pipefail
  root=$RUN_IMAGE_ROOT user=$1 workdir=$2
  shift 2
  mkdir -p "$root/proc" "$root/dev" "$root/tmp"
  chmod 1777 "$root/tmp"
  mount -t proc proc "$root/proc"
  mount -t tmpfs -o mode=755,nosuid tmpfs "$root/dev"
  for node in null zero random urandom tty; do
    touch "$root/dev/$node"; mount --bind "/dev/$node" "$root/dev/$node"
  done
  mkdir "$root/dev/pts" "$root/dev/shm"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
  ln -s pts/ptmx "$root/dev/ptmx"
  mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null || true
  exec chroot --userspec="$user" "$root" /usr/bin/env -i "${@}"
' run-image "$user" "$workdir" "${env[@]}" sh -c 'cd "$0" && exec "$@"' "$workdir" "${command[@]}"
