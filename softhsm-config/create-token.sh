#!/usr/bin/env bash
# Creates (idempotently) a SoftHSM2 token for Keygate and prints its slot id.
#
#   create-token.sh --dir DIR --label LABEL --so-pin-file FILE --pin-file FILE
#
# DIR gets softhsm2.conf (tokens under DIR/tokens) and LABEL.sunpkcs11.cfg.
# Export SOFTHSM2_CONF=DIR/softhsm2.conf before starting any JVM that opens the token.
# If a token with LABEL already exists in DIR it is kept as it is (PIN files are
# then not read); otherwise a free slot is initialised with the PINs from the files.
# PINs are read from files and fed to softhsm2-util through a pseudo-terminal,
# so they never appear on a command line. Only the slot id goes to stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir= label= so_pin_file= pin_file=
library=${SOFTHSM2_LIBRARY:-}

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --so-pin-file) so_pin_file=$2; shift 2 ;;
    --pin-file) pin_file=$2; shift 2 ;;
    --library) library=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "create-token.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$dir" ] && [ -n "$label" ] || usage
case "$label" in *[!A-Za-z0-9._-]*|"") echo "create-token.sh: label may use only A-Z a-z 0-9 . _ -" >&2; exit 2 ;; esac
[ ${#label} -le 32 ] || { echo "create-token.sh: label longer than 32 characters" >&2; exit 2; }

if ! command -v softhsm2-util >/dev/null 2>&1; then
  echo "create-token.sh: softhsm2 is not installed. Install it with: apt-get install -y softhsm2 opensc" >&2
  exit 3
fi
if [ -z "$library" ]; then
  for candidate in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
                   /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
    [ -f "$candidate" ] && { library=$candidate; break; }
  done
fi
[ -n "$library" ] && [ -f "$library" ] || { echo "create-token.sh: libsofthsm2.so not found; set SOFTHSM2_LIBRARY" >&2; exit 3; }

mkdir -p "$dir/tokens"
chmod 700 "$dir" "$dir/tokens"
dir=$(cd "$dir" && pwd)
conf="$dir/softhsm2.conf"
if [ ! -f "$conf" ]; then
  sed "s|@TOKEN_DIR@|$dir/tokens|" "$here/softhsm2.conf.template" > "$conf"
fi
export SOFTHSM2_CONF="$conf"

# Prints the decimal slot id of the token labelled $1, or nothing.
slot_of() {
  softhsm2-util --show-slots 2>/dev/null | awk -v want="$1" '
    /^Slot [0-9]+/ { slot = $2 }
    /^[ \t]+Label:/ { sub(/^[ \t]+Label:[ \t]*/, ""); sub(/[ \t]+$/, ""); if ($0 == want && !found) { print slot; found = 1 } }'
  # No early exit: with pipefail, softhsm2-util writing into a closed pipe (SIGPIPE, 141) would
  # fail the script once enough tokens exist.
}

slot=$(slot_of "$label")
if [ -z "$slot" ]; then
  [ -n "$so_pin_file" ] && [ -n "$pin_file" ] || { echo "create-token.sh: --so-pin-file and --pin-file are needed to create a token" >&2; exit 2; }
  so_pin=$(head -n1 "$so_pin_file" | tr -d '\r\n')
  pin=$(head -n1 "$pin_file" | tr -d '\r\n')
  [ ${#so_pin} -ge 4 ] && [ ${#pin} -ge 4 ] || { echo "create-token.sh: PINs must have at least 4 characters" >&2; exit 2; }
  command -v script >/dev/null 2>&1 || { echo "create-token.sh: 'script' (package bsdutils) is needed" >&2; exit 3; }
  # softhsm2-util reads PINs only from a terminal; 'script' gives it one.
  if ! printf '%s\n%s\n%s\n%s\n' "$so_pin" "$so_pin" "$pin" "$pin" \
      | script -q -E never -ec "softhsm2-util --init-token --free --label '$label'" /dev/null >/dev/null 2>&1; then
    echo "create-token.sh: softhsm2-util could not initialise token '$label' in $dir" >&2
    exit 4
  fi
  unset so_pin pin
  slot=$(slot_of "$label")
  [ -n "$slot" ] || { echo "create-token.sh: token '$label' was not created in $dir" >&2; exit 4; }
fi

sed -e "s|@NAME@|Keygate-$label|" -e "s|@LIBRARY@|$library|" -e "s|@SLOT@|$slot|" \
  "$here/sunpkcs11.cfg.template" > "$dir/$label.sunpkcs11.cfg"
echo "$slot"
