#!/usr/bin/env bash
# The configuration at a million credentials on PostgreSQL: start-up load, the heap the snapshot
# holds, the cost of applying one revoke from the change feed, and how soon a revoke is in force
# on a second node polling the store (io.keygate.benchmarks.footprint.ConfigScale); then a real
# node (GatewayMain, on bin/keygate-jvm-options with KEYGATE_EXPECTED_CREDENTIALS) started on that
# store: its start-up time and resident memory. Its key cache stays empty (the blobs are made up,
# no KEK): add the cache's ~8.5 KB a key measured by WrappedVerifyBenchmark.
#
#   bash benchmarks/config-scale.sh [--build] [--credentials N] [--revokes N] [--xmx SIZE]
#
#   --credentials N  apps, each with a credential and a grant (default 1000000)
#   --revokes N      revokes measured, each way (default 20)
#   --xmx SIZE       the measuring JVM's heap (default 3g: it holds the writer's rows too)
#   --build          rebuild the benchmarks jar even if it exists
#
# Needs the test PostgreSQL (bin/ensure-databases installs and starts it); works in a schema
# kg_scale of the database keygate_test, dropped and made again at each run. About 3 minutes on
# 2 cores at the default size. See docs/benchmarks.md ("Configuration at scale").
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/benchmarks/target/benchmarks.jar"
die() { echo "config-scale.sh: $*" >&2; exit 2; }

build=false xmx=3g args=() credentials=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=true; shift ;;
    --credentials|--revokes)
      [ $# -ge 2 ] || die "$1 needs a value"; args+=("$1" "$2")
      [ "$1" = --credentials ] && credentials=$2
      shift 2 ;;
    --xmx) [ $# -ge 2 ] || die "--xmx needs a size"; xmx=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (--help lists them)" ;;
  esac
done

bash "$root/bin/install-prereqs" >/dev/null
bash "$root/bin/ensure-databases" >/dev/null
if $build || [ ! -f "$jar" ]; then
  echo "config-scale.sh: building the benchmarks jar" >&2
  (cd "$root" && mvn -q -B package -DskipTests -pl benchmarks -am)
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "config-scale.sh: $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
"$java_bin" -XX:+UseG1GC "-Xmx$xmx" -cp "$jar" io.keygate.benchmarks.footprint.ConfigScale \
  "${args[@]}" 2> >(grep -v 'Slf4jLog\|INFO: \|HikariDataSource' >&2)

# ---- a real node (GatewayMain) on that store, on the node's JVM options for this many credentials
tmp=$(mktemp -d)
node_pid=
cleanup() { [ -z "$node_pid" ] || kill "$node_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
(umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$tmp/so.pin"
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$tmp/user.pin")
bash "$root/softhsm-config/create-token.sh" --dir "$tmp/token" --label scale \
  --so-pin-file "$tmp/so.pin" --pin-file "$tmp/user.pin" > /dev/null
mapfile -t node_jvm < <(KEYGATE_EXPECTED_CREDENTIALS=$credentials bash "$root/bin/keygate-jvm-options")
port=$((20000 + RANDOM % 20000))
# No KEYGATE_KEK: the blobs are made up, so the node only loads and holds them (see above).
SOFTHSM2_CONF="$tmp/token/softhsm2.conf" KEYGATE_HSM_CONFIG="$tmp/token/scale.sunpkcs11.cfg" \
KEYGATE_HSM_PIN_FILE="$tmp/user.pin" KEYGATE_PLAINTEXT_DEV=true KEYGATE_LISTEN="127.0.0.1:$port" \
KEYGATE_DATA_DIR="$tmp/data" \
KEYGATE_DB_URL="jdbc:postgresql://127.0.0.1:5432/keygate_test?currentSchema=kg_scale" \
KEYGATE_DB_USER=keygate KEYGATE_DB_PASSWORD=keygate \
  "$java_bin" "${node_jvm[@]}" -cp "$jar" io.keygate.gateway.node.GatewayMain > "$tmp/node.out" 2>&1 &
node_pid=$!
started=$(date +%s.%N)
until grep -q 'serving calls' "$tmp/node.out"; do
  kill -0 "$node_pid" 2>/dev/null || { cat "$tmp/node.out" >&2; echo "config-scale.sh: the node exited" >&2; exit 1; }
  [ "$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { print (n - s > 300) }')" = 0 ] \
    || { echo "config-scale.sh: the node did not start within 300 s" >&2; exit 1; }
  sleep 0.2 # polling a log file for a line a process prints: no other way to wait for it
done
ready=$(date +%s.%N)
rss() { awk '/^VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$node_pid/status"; }
hwm() { awk '/^VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$node_pid/status"; }
after_start=$(rss)
jcmd "$node_pid" GC.run > /dev/null 2>&1 || true
printf 'node (GatewayMain, %s): serving %.1f s after start; RSS %s (peak %s), after a full GC %s\n' \
  "$(printf '%s ' "${node_jvm[@]}" | grep -o -- '-Xmx[^ ]*')" \
  "$(awk -v s="$started" -v r="$ready" 'BEGIN { print r - s }')" "$after_start" "$(hwm)" "$(rss)"
grep -h 'loaded version\|memory:' "$tmp/node.out" | sed 's/^/  node: /'
