#!/usr/bin/env bash
# What a person waits for: the wall time of one keystore-admin verb, as plain 'java -jar' (before)
# and as bin/keystore-admin starts it (C1 only, serial GC, an AppCDS archive; docs/keystore-admin.md
# "Start-up time"), interleaved run by run so both see the same load.
#
#   bash benchmarks/cli-startup.sh [--runs N]     (default 7)
#
# The verb is 'whoami' against a port where nothing listens: it parses its options, loads its
# certificate and key, builds the TLS context, gRPC and Netty, connects and fails (exit 6), i.e.
# everything an online verb does before the server answers, without needing a server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=7
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "cli-startup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
jar="$root/keystore-admin/target/keystore-admin.jar"
[ -f "$jar" ] || bash "$root/bin/keystore-admin" --version >/dev/null
java=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
java=${java:-java}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" \
  -out "$tmp/c.pem" -subj /CN=cli-startup -days 1 2>/dev/null
export KEYGATE_ADMIN_SERVER=127.0.0.1:1 KEYGATE_ADMIN_CERT="$tmp/c.pem" \
  KEYGATE_ADMIN_KEY="$tmp/k.pem" KEYGATE_ADMIN_CA="$tmp/c.pem"
ms() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; echo $(( ($(date +%s%N) - s) / 1000000 )); }
bash "$root/bin/keystore-admin" whoami >/dev/null 2>&1 || true # makes the archive if missing
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $("$java" -version 2>&1 | head -1)"
before=() after=()
for i in $(seq "$runs"); do
  before+=("$(ms "$java" -jar "$jar" whoami)")
  after+=("$(ms bash "$root/bin/keystore-admin" whoami)")
  echo "run $i: java -jar ${before[-1]} ms, bin/keystore-admin ${after[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
b=$(median "${before[@]}") a=$(median "${after[@]}")
echo "median: java -jar $b ms, bin/keystore-admin $a ms: $(awk -v b="$b" -v a="$a" 'BEGIN {printf "%.2f", b / a}')x faster"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
