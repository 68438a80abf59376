#!/usr/bin/env bash
# The cluster benchmark: Keygate nodes behind haproxy in TCP mode (TLS passed through to the nodes,
# whose TLS key is in the HSM), sharing a MariaDB config database and a Redis nonce store, all on
# loopback in front of one Echo backend (demo-backend); signed calls through haproxy, and faults.
#
#   bash benchmarks/cluster/run.sh [--scenarios LIST] [--shape CxM] [--seconds N] [--nodes N]
#                                  [--soak MINUTES] [--nmt] [--build] [--keep] [--out FILE]
#
#   --scenarios LIST  comma-separated, in this order (default steady,kill,drain,revoke,grant):
#                       steady  the peak: closed loop in --shape for --seconds, no fault
#                       kill    SIGKILL to node2 5 s into the window: failed calls against the calls
#                               in flight on it, and the time until every call succeeds again
#                       drain   SIGTERM to node3 5 s into the window: no call may fail
#                       revoke  three credentials revoked one after another under load: the time
#                               until every node (called directly) refuses each
#                       grant   for two credentials in turn, their app's grant of the API removed,
#                               then given again, under load: the time until every node (called
#                               directly) refuses (PERMISSION_DENIED), then serves it again
#                     a killed or drained node is started again, and haproxy has it UP, before the
#                     next scenario
#   --shape CxM       connections through haproxy x calls in flight on each (default 6x8: haproxy
#                     spreads the connections round-robin, 2 a node)
#   --seconds N       timed seconds of each scenario (default 20)
#   --nodes N         gateway nodes (default 3; 2 with --soak)
#   --soak MINUTES    instead of the scenarios: the peak for --seconds, then MINUTES at half of it
#                     (a fixed rate), one line a minute: errors (must be 0), p99, and each node's
#                     RSS, open files and threads (/proc), which must stay flat
#   --nmt             the nodes run with -XX:NativeMemoryTracking=summary, and a line per node
#                     after start, after the peak and every 5 minutes of the soak shows what the
#                     JVM has committed (heap, class, metaspace, threads, code, GC) next to the RSS:
#                     warming up or leaking (NMT costs a little CPU: quote the peak of a run without)
#   --check-inter MS  haproxy's health-check interval (default 500; a node is DOWN after 2 failed
#                     checks, so within about 2 x MS + the check's 1 s timeout)
#   --build           rebuild even if the jars look current
#   --keep            keep the temp directory (token, configs, logs of every process)
#   --out FILE        where the report goes too (default benchmarks/results/cluster-<UTC>.txt)
#
# Exit status: 0; 3 when a scenario failed its rule (calls lost beyond a kill's in-flight calls,
# any on a drain or at steady state, a revocation or grant change that did not reach a node);
# 1 when something
# could not start; 2 for bad arguments.
#
# Installs haproxy with apt-get when missing (and, through bin/install-prereqs, a JDK, Maven,
# SoftHSM2 and redis-server; bin/ensure-databases starts MariaDB and its test user). Builds
# benchmarks/load and demo-backend with Maven (offline first), as benchmarks/load/run.sh does.
# Then, in a new temp directory: a SoftHSM2 token with random PINs (one token directory, shared
# by every node: the KEK, the TLS key and the wrapped secrets are the same for all), a fresh
# MariaDB database (dropped at the end), a private redis-server on a free port, the Echo backend,
# Keygate provisioned into the database (ProvisionKeygate) and started as GatewayMain nodes on TLS,
# and haproxy; ClusterBench (benchmarks/load) drives them. Defaults take about 4 minutes.
# See docs/operations.md ("Cluster") and docs/benchmarks.md ("Cluster").
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
load_jar="$root/benchmarks/load/target/keygate-load.jar"
backend_jar="$root/demo-backend/target/echo-backend.jar"
export PATH="$PATH:/usr/sbin:/sbin" # haproxy lives there

die() { echo "cluster/run.sh: $*" >&2; exit 2; }
fail() { echo "cluster/run.sh: $*" >&2; exit 1; }
say() { echo "cluster/run.sh: $*" >&2; }
# shellcheck source=../lib.sh
source "$root/benchmarks/lib.sh"

scenarios=steady,kill,drain,revoke,grant shape=6x8 seconds=20 nodes= soak= check_inter=500
build=false keep=false out= nmt=false
while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) [ $# -ge 2 ] || die "$1 needs a value"; scenarios=$2; shift 2 ;;
    --shape) [ $# -ge 2 ] || die "$1 needs a value"; shape=$2; shift 2 ;;
    --seconds) [ $# -ge 2 ] || die "$1 needs a value"; seconds=$2; shift 2 ;;
    --nodes) [ $# -ge 2 ] || die "$1 needs a value"; nodes=$2; shift 2 ;;
    --soak) [ $# -ge 2 ] || die "$1 needs a value"; soak=$2; shift 2 ;;
    --check-inter) [ $# -ge 2 ] || die "$1 needs a value"; check_inter=$2; shift 2 ;;
    --nmt) nmt=true; shift ;;
    --build) build=true; shift ;;
    --keep) keep=true; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a file"; out=$2; shift 2 ;;
    -h|--help) sed -n '/^set -euo/q; 2,$p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (--help lists them)" ;;
  esac
done
[[ "$shape" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "--shape is CONNECTIONSxIN_FLIGHT, not '$shape'"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "--seconds takes a whole number from 1"
[[ "$check_inter" =~ ^[1-9][0-9]*$ ]] || die "--check-inter takes milliseconds"
[ -z "$soak" ] || [[ "$soak" =~ ^[1-9][0-9]*$ ]] || die "--soak takes whole minutes"
[ -n "$nodes" ] || { [ -n "$soak" ] && nodes=2 || nodes=3; }
[[ "$nodes" =~ ^[2-9]$ ]] || die "--nodes is 2 to 9"
IFS=, read -r -a scenario_list <<< "$scenarios"
for s in "${scenario_list[@]}"; do
  case "$s" in steady|kill|drain|revoke|grant) ;; *) die "unknown scenario '$s'" ;; esac
done
[ "$nodes" -ge 3 ] || [[ ! ",$scenarios," =~ ,drain, ]] || [ -n "$soak" ] ||
  die "drain stops node3: --nodes 3 at least"

# ---- what must be installed and running ----
bash "$root/bin/install-prereqs"
install_missing haproxy:haproxy mariadb:mariadb-client
bash "$root/bin/ensure-databases" > /dev/null

# ---- build (never 'mvn install') ----
stale() {
  [ ! -f "$load_jar" ] || [ ! -f "$backend_jar" ] ||
    [ -n "$(find "$root/benchmarks/load/src" "$root/benchmarks/load/pom.xml" "$root/gateway-grpc/src/main" \
      "$root/hsm-adapter/src/main" "$root/client-sdk/src/main" "$root/proto/src/main" \
      "$root/demo-backend/src/main" -newer "$load_jar" -print -quit)" ]
}
if $build || stale; then
  build_log="$root/benchmarks/load/target/build.log"
  say "building benchmarks/load and demo-backend (log: $build_log)"
  mkdir -p "$(dirname "$build_log")"
  mvn_args=(-B -q -pl benchmarks/load,demo-backend -am -DskipTests package)
  if ! (cd "$root" && mvn -o "${mvn_args[@]}") > "$build_log" 2>&1; then
    say "offline build failed; trying online"
    (cd "$root" && mvn "${mvn_args[@]}") > "$build_log" 2>&1 ||
      { cat "$build_log" >&2; fail "build failed (log above)"; }
  fi
fi

# ---- a temp directory for everything; every process started here is stopped on exit ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-cluster.XXXXXX")
chmod 700 "$tmp"
pids=() database=
# The MariaDB test user's password, in a client option file (0600), never on a command line.
(umask 077; printf '[client]\nuser=keygate\npassword=keygate\nhost=127.0.0.1\nport=3306\n' \
  > "$tmp/mariadb.cnf"; printf 'keygate\n' > "$tmp/db.password")
sql() { mariadb --defaults-extra-file="$tmp/mariadb.cnf" -e "$1"; }
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$database" ] || sql "DROP DATABASE $database" || say "could not drop database $database"
  if $keep; then say "kept $tmp"; else rm -rf -- "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
backend_port=$(free_port) redis_port=$(free_port) front_port=$(free_port) stats_port=$(free_port)

# ---- MariaDB: a fresh database (bin/ensure-databases lets the keygate user make kg_* ones) ----
database="kg_cluster_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
sql "CREATE DATABASE $database"
db_url="jdbc:mariadb://127.0.0.1:3306/$database"

# ---- Redis: private, no persistence, never evicting (docs/operations.md) ----
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
  --daemonize no --maxmemory-policy noeviction > "$tmp/redis.log" 2>&1 &
redis_pid=$!; pids+=("$redis_pid")

# ---- the Echo backend ----
"$java_bin" -jar "$backend_jar" --port "$backend_port" --name cluster-backend > "$tmp/backend.log" 2>&1 &
backend_pid=$!; pids+=("$backend_pid")

# ---- one token for every node: KEK, TLS key, wrapped secrets ----
(umask 077; random_pin > "$tmp/so.pin"; random_pin > "$tmp/user.pin")
bash "$root/softhsm-config/create-token.sh" --dir "$tmp/token" --label cluster \
  --so-pin-file "$tmp/so.pin" --pin-file "$tmp/user.pin" > /dev/null
export SOFTHSM2_CONF="$tmp/token/softhsm2.conf"
hsm_cfg="$tmp/token/cluster.sunpkcs11.cfg"
kek=cluster-kek
cat > "$tmp/logging.properties" <<PROPS
handlers=java.util.logging.FileHandler
java.util.logging.FileHandler.pattern=$tmp/%g-provision.log
java.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter
.level=INFO
PROPS
await_port "echo backend" "$backend_pid" "$backend_port" "$tmp/backend.log"
await_port redis "$redis_pid" "$redis_port" "$tmp/redis.log"
load_keys=16 revoke_keys=3 grant_keys=2 redis_timeout=1000
say "provisioning $((load_keys + revoke_keys + grant_keys)) credentials into MariaDB database $database"
"$java_bin" -Djava.util.logging.config.file="$tmp/logging.properties" -cp "$load_jar" \
  io.keygate.benchmarks.load.ProvisionKeygate "$hsm_cfg" "$tmp/user.pin" "$tmp/unused" \
  "127.0.0.1:$backend_port" "localhost:$backend_port" "$tmp/credentials" \
  --keys $((load_keys + revoke_keys + grant_keys)) --secrets wrapped --kek "$kek" --so-pin-file "$tmp/so.pin" \
  --db-url "$db_url" --db-user keygate --db-password-file "$tmp/db.password" \
  --tls-key gateway-tls --cert-out "$tmp/gateway.pem" >&2
(umask 077; head -n "$load_keys" "$tmp/credentials" > "$tmp/load.credentials"
 sed -n "$((load_keys + 1)),$((load_keys + revoke_keys))p" "$tmp/credentials" > "$tmp/revoke.credentials"
 tail -n "$grant_keys" "$tmp/credentials" > "$tmp/grant.credentials")

# ---- the nodes: GatewayMain on TLS, one after another (the first start makes shared token
# objects such as the audit-signing key; two at once could both make them) ----
mapfile -t keygate_jvm < <(bash "$root/bin/keygate-jvm-options")
! $nmt || keygate_jvm+=(-XX:NativeMemoryTracking=summary)
node_pids=() node_ports=()
for i in $(seq 1 "$nodes"); do node_ports[$i]=$(free_port); done
start_node() {
  local i=$1 dir="$tmp/node$1"
  mkdir -p "$dir"
  cat > "$dir/logging.properties" <<PROPS
handlers=java.util.logging.FileHandler
java.util.logging.FileHandler.pattern=$dir/keygate.log
java.util.logging.FileHandler.append=true
java.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter
.level=INFO
PROPS
  # Nonces live in Redis: KEYGATE_NONCES_PER_KEY bounds each key's share there; room for a key's
  # calls of the 5-minute window at this machine's peak. KEYGATE_REDIS_TIMEOUT_MS: 1 s rather than
  # 250 ms, because on a starved shared machine (load 20 on 2 cores was seen) Redis answers late
  # and the nodes rightly fail closed (NonceStoreUnavailable): failures that are no fault's.
  KEYGATE_HSM_CONFIG="$hsm_cfg" KEYGATE_HSM_PIN_FILE="$tmp/user.pin" KEYGATE_KEK="$kek" \
  KEYGATE_TLS_KEY=gateway-tls KEYGATE_LISTEN="127.0.0.1:${node_ports[$i]}" \
  KEYGATE_DATA_DIR="$dir/data" KEYGATE_DB_URL="$db_url" KEYGATE_DB_USER=keygate \
  KEYGATE_DB_PASSWORD_FILE="$tmp/db.password" KEYGATE_NONCE_STORE=redis \
  KEYGATE_REDIS_URI="redis://127.0.0.1:$redis_port" KEYGATE_NONCES_PER_KEY=1000000 \
  KEYGATE_REDIS_TIMEOUT_MS="$redis_timeout" \
    "$java_bin" "${keygate_jvm[@]}" -Djava.util.logging.config.file="$dir/logging.properties" \
      -cp "$load_jar" io.keygate.gateway.node.GatewayMain >> "$dir/keygate.out" 2>&1 &
  node_pids[$i]=$!; pids+=("$!")
  await_port "node$i" "${node_pids[$i]}" "${node_ports[$i]}" "$dir/keygate.out"
}
for i in $(seq 1 "$nodes"); do start_node "$i"; done

# ---- haproxy: TCP mode, TLS passed through; a check is a TLS handshake with the node (its key
# is in the HSM, so a node whose token is gone fails it). A connection haproxy cannot make
# (a dead or draining node refuses it) is retried on another node: the client never sees it. ----
{
  cat <<CFG
global
  maxconn 4096
  stats socket ipv4@127.0.0.1:$stats_port level admin
defaults
  mode tcp
  timeout connect 1s
  timeout check 1s
  timeout client 300s
  timeout server 300s
  retries 3
  option redispatch 1
frontend keygate
  bind 127.0.0.1:$front_port
  default_backend gateways
backend gateways
  balance roundrobin
  default-server check check-ssl verify none check-alpn h2 inter ${check_inter}ms fall 2 rise 2
CFG
  for i in $(seq 1 "$nodes"); do echo "  server node$i 127.0.0.1:${node_ports[$i]}"; done
} > "$tmp/haproxy.cfg"
haproxy -db -f "$tmp/haproxy.cfg" > "$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!; pids+=("$haproxy_pid")
await_port haproxy "$haproxy_pid" "$front_port" "$tmp/haproxy.log"

# haproxy's view of node I: "UP", "DOWN", "UP 1/2", ...
node_status() {
  local line
  exec 3<>"/dev/tcp/127.0.0.1/$stats_port"
  printf 'show stat\n' >&3
  line=$(grep "^gateways,node$1," <&3 || true)
  exec 3<&-
  echo "$line" | cut -d, -f18
}
# Waits (30 s at most) until haproxy's checks have node I fully UP.
await_up() {
  local i
  for i in $(seq 1 120); do
    [ "$(node_status "$1")" = UP ] && return 0
    sleep 0.25
  done
  fail "haproxy did not mark node$1 UP within 30 s: $(node_status "$1")"
}
for i in $(seq 1 "$nodes"); do await_up "$i"; done

# --nmt: what node I's JVM has committed, in MiB, by NMT's categories, next to its RSS. What RSS
# holds beyond the JVM's total is memory NMT does not see (SoftHSM's and glibc's own allocations).
nmt_line() {
  local pid=${node_pids[$1]} rss
  rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null || echo '?')
  "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$pid" VM.native_memory summary scale=MB 2>/dev/null |
    awk -v tag="$2" -v node="node$1" -v rss="$rss" '
      function committed(l) { sub(/.*committed=/, "", l); sub(/MB.*/, "", l); return l }
      /^Total:/ { total = committed($0) }
      /^-/ { name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name)
             if (name ~ /^(Java Heap|Class|Metaspace|Thread|Code|GC|Internal|Other|Symbol|Arena Chunk)$/)
               parts = parts sprintf(", %s %s", tolower(name), committed($0)) }
      END { printf "   nmt %-12s %s: RSS %s MiB, JVM committed %s MiB (%s)\n", tag, node, rss,
              total, substr(parts, 3) }'
}
nmt_all() {
  local i
  $nmt || return 0
  for i in $(seq 1 "$nodes"); do nmt_line "$i" "$1"; done
  echo "   $1: uptime $(uptime)"
}

if [ -z "$out" ]; then
  mkdir -p "$root/benchmarks/results"
  out="$root/benchmarks/results/cluster-$(date -u +%Y%m%dT%H%M%SZ).txt"
fi
mkdir -p "$(dirname "$out")"
exec > >(tee "$out") 2>&1

node_list=
for i in $(seq 1 "$nodes"); do node_list="$node_list${node_list:+,}127.0.0.1:${node_ports[$i]}"; done
echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ)  nproc=$(nproc)  $(uname -r)"
echo "   $("$java_bin" -version 2>&1 | head -n1); $(haproxy -v | head -n1 | cut -d' ' -f1-3);" \
  "$(redis-server --version | cut -d' ' -f1-3); $(mariadb --version | sed 's/,.*//')"
echo "   $nodes nodes (pids ${node_pids[*]:1}) on TLS behind haproxy in TCP mode (check every" \
  "${check_inter} ms, DOWN after 2 failed), MariaDB $database, Redis :$redis_port" \
  "(KEYGATE_REDIS_TIMEOUT_MS=$redis_timeout); uptime: $(uptime)"

printf '.level=WARNING\n' > "$tmp/bench-logging.properties"   # not the store's pool chatter
bench() {
  "$java_bin" -Xmx1g -Djava.util.logging.config.file="$tmp/bench-logging.properties" \
    -cp "$load_jar" io.keygate.benchmarks.load.ClusterBench \
    --target "127.0.0.1:$front_port" --trust "$tmp/gateway.pem" \
    --credentials "$tmp/load.credentials" --haproxy-stats "127.0.0.1:$stats_port" "$@"
}
status=0
run_bench() { bench "$@" || { s=$?; [ "$s" -eq 3 ] && status=3 || fail "ClusterBench exited $s"; }; }
# The peak: its rate (calls/s) is printed by ClusterBench's summary line.
peak() {
  echo "== steady: the peak, shape $shape, no fault"
  run_bench --shape "$shape" --warmup 10 --seconds "$seconds" > "$tmp/steady.txt"
  cat "$tmp/steady.txt"
  peak_rate=$(sed -n 's/.* calls succeeded (\([0-9]*\) calls\/s).*/\1/p' "$tmp/steady.txt" | tail -n1)
}

if [ -n "$soak" ]; then
  nmt_all started
  peak
  nmt_all "after peak"
  [ -n "$peak_rate" ] && [ "$peak_rate" -gt 0 ] || fail "no peak rate measured"
  rate=$((peak_rate / 2))
  watch=
  for i in $(seq 1 "$nodes"); do watch="$watch${watch:+,}node$i=${node_pids[$i]}"; done
  echo "== soak: $soak min at $rate calls/s (half the peak), a line a minute"
  if $nmt; then
    # every 5 minutes into the soak (the first 5 s are its warm-up); printed with the bench's lines
    ( for m in $(seq 5 5 "$soak"); do sleep 300; nmt_all "soak +${m} min"; done ) &
    pids+=("$!")
  fi
  run_bench --shape "$shape" --rate "$rate" --warmup 5 --seconds $((soak * 60)) \
    --report-every 60 --watch "$watch"
  nmt_all "soak end"
  echo "   uptime after: $(uptime)"
  exit "$status"
fi

for s in "${scenario_list[@]}"; do
  case "$s" in
    steady) peak ;;
    kill|drain)
      victim=2; [ "$s" = drain ] && victim=3
      echo "== $s: $([ "$s" = kill ] && echo SIGKILL || echo SIGTERM) to node$victim" \
        "(pid ${node_pids[$victim]}) 5 s into ${seconds} s, shape $shape"
      run_bench --shape "$shape" --seconds "$seconds" --fault "$s" --pid "${node_pids[$victim]}" \
        --server "node$victim" --at 5
      wait "${node_pids[$victim]}" 2>/dev/null && code=0 || code=$?
      echo "   node$victim exited $code; starting it again"
      start_node "$victim"
      await_up "$victim"
      ;;
    revoke|grant)
      if [ "$s" = revoke ]; then
        echo "== revoke: $revoke_keys credentials revoked one after another under load, shape $shape"
      else
        echo "== grant: $grant_keys apps' grants removed and given again, one after another," \
          "under load, shape $shape"
      fi
      run_bench --shape "$shape" --seconds "$seconds" --fault "$s" --at 3 \
        "--$s" "$tmp/$s.credentials" --nodes "$node_list" --db-url "$db_url" \
        --db-user keygate --db-password-file "$tmp/db.password"
      ;;
  esac
done
echo "   uptime after: $(uptime)"
exit "$status"
