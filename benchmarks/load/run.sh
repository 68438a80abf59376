#!/usr/bin/env bash
# The load benchmark: Keygate next to haproxy, nginx and nghttpx as gRPC proxies, all on loopback,
# all plaintext HTTP/2 (h2c), all in front of the same Echo backend (demo-backend).
#
#   bash benchmarks/load/run.sh [--seconds N] [--warmup N] [--rounds N] [--initial-warmup N]
#                               [--shapes 1x1,4x16] [--build] [--keep] [--out FILE]
#                               [--jvm-defaults] [--keys N[,N...]] [--secrets wrapped|token]
#                               [--signature-version 1|2] [--relay] [--backend-threads loop|pool]
#
#   --seconds N         timed seconds of each run (default 10)
#   --warmup N          untimed seconds before each run's window (default 2)
#   --rounds N          rounds; each drives every target in every shape once (default 3)
#   --initial-warmup N  seconds of every target before round 1, untimed but for the last (default 5)
#   --shapes LIST       CONNECTIONSxIN_FLIGHT,... (default 1x1,4x16)
#   --build             rebuild even if the jars look current
#   --keep              keep the temp directory (token, configs, logs of every process)
#   --out FILE          where the TSV of every run goes (default benchmarks/results/load-<UTC>.tsv)
#   --jvm-defaults      run Keygate on the JVM's own memory defaults instead of a node's
#                       (bin/keygate-jvm-options, which also reads KEYGATE_JAVA_OPTS), to compare
#   --keys LIST         credentials the signature API is called with, spread round-robin (default
#                       1); several counts (e.g. 5,5000) start one Keygate node per count, each on
#                       its own token and store, driven in turn in every round as
#                       keygate-signature-N, and the report divides the most keys' latency by the
#                       fewest's per round (keygate-none and keygate-probe then run on a node of
#                       their own)
#   --signature-version N  1 (default): a signed call is its headers and one message; 2: each
#                       signed call also sends its end marker, which the node checks in the HSM
#                       too (docs/signature-spec.md, section 13)
#   --backend-threads T loop (default): the Echo backends answer on their event loops; pool: on
#                       grpc's default cached pool, as before 7 Dec 2026 (dozens of threads that
#                       compete for the cores with every proxy; docs/benchmarks.md)
#   --relay             also drive netty-relay: a bare HTTP/2 frame relay on Netty (FrameRelay), a
#                       ruler for what a Java proxy on Netty costs without grpc-java's call layer
#   --secrets KIND      wrapped (default): the key hierarchy, as nodes issue new credentials: a KEK
#                       made by the security officer, each secret made in the HSM and stored
#                       wrapped under it, the node started with KEYGATE_KEK; token: each secret a
#                       token key of its own (the first design; 0.1 to 1 s a key to provision,
#                       growing with the token's objects: 5,000 keys can take an hour)
#
# Exit status: 0; 3 when a run had errors (any grpc-status but 0), stuck calls or inline signing;
# 1 when a target failed its preflight call or something could not start; 2 for bad arguments.
#
# Installs haproxy, nginx and nghttp2-proxy (nghttpx) with apt-get when missing (and, through
# bin/install-prereqs, a JDK, Maven and SoftHSM2). Builds benchmarks/load and demo-backend with
# Maven (offline first). Then, in a new temp directory: a SoftHSM2 token with random PINs, the
# Echo backend and a second one for the probe API, Keygate provisioned and started as GatewayMain
# in plaintext development mode, the three proxies with their configs; and runs LoadBench against
# them. Defaults take about 10 minutes on 2 cores; '--seconds 5 --rounds 3' about half that.
# See docs/benchmarks.md ("Load benchmark").
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/benchmarks/load"
load_jar="$here/target/keygate-load.jar"
backend_jar="$root/demo-backend/target/echo-backend.jar"
export PATH="$PATH:/usr/sbin:/sbin" # haproxy and nginx live there

die() { echo "load/run.sh: $*" >&2; exit 2; }    # the caller's mistake
fail() { echo "load/run.sh: $*" >&2; exit 1; }   # something could not be built or started
say() { echo "load/run.sh: $*" >&2; }
# shellcheck source=../lib.sh
source "$root/benchmarks/lib.sh"   # install_missing, free_port, await_port, random_pin

build=false keep=false out= jvm_defaults=false keys=1 secrets=wrapped relay=false backend_threads=loop
bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds|--warmup|--rounds|--initial-warmup|--shapes|--signature-version)
      [ $# -ge 2 ] || die "$1 needs a value"; bench_args+=("$1" "$2"); shift 2 ;;
    --build) build=true; shift ;;
    --keep) keep=true; shift ;;
    --jvm-defaults) jvm_defaults=true; shift ;;
    --relay) relay=true; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a file"; out=$2; shift 2 ;;
    --keys) [ $# -ge 2 ] || die "--keys needs a value"; keys=$2; shift 2 ;;
    --secrets) [ $# -ge 2 ] || die "--secrets needs a value"; secrets=$2; shift 2 ;;
    --backend-threads) [ $# -ge 2 ] || die "--backend-threads needs a value"; backend_threads=$2; shift 2 ;;
    -h|--help) sed -n '/^set -euo/q; 2,$p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (--help lists them)" ;;
  esac
done
case "$secrets" in wrapped|token) ;; *) die "--secrets is wrapped or token, not '$secrets'" ;; esac
case "$backend_threads" in loop|pool) ;; *) die "--backend-threads is loop or pool, not '$backend_threads'" ;; esac
IFS=, read -r -a key_counts <<< "$keys"
[ ${#key_counts[@]} -ge 1 ] || die "--keys needs at least one count"
for n in "${key_counts[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "--keys takes whole numbers from 1, comma-separated, not '$keys'"
done
[ "$(printf '%s\n' "${key_counts[@]}" | sort -u | wc -l)" -eq ${#key_counts[@]} ] ||
  die "--keys lists a count twice: '$keys'"

# ---- what must be installed ----
bash "$root/bin/install-prereqs"
install_missing haproxy:haproxy nginx:nginx nghttpx:nghttp2-proxy

# ---- build (never 'mvn install': the reactor builds what the two jars need) ----
stale() {
  [ ! -f "$load_jar" ] || [ ! -f "$backend_jar" ] ||
    [ -n "$(find "$root/benchmarks/load/src" "$root/benchmarks/load/pom.xml" "$root/gateway-grpc/src/main" \
      "$root/hsm-adapter/src/main" "$root/client-sdk/src/main" "$root/proto/src/main" \
      "$root/demo-backend/src/main" -newer "$load_jar" -print -quit)" ]
}
if $build || stale; then
  say "building benchmarks/load and demo-backend (log: $here/target/build.log)"
  mkdir -p "$here/target"
  mvn_args=(-B -q -pl benchmarks/load,demo-backend -am -DskipTests package)
  if ! (cd "$root" && mvn -o "${mvn_args[@]}") > "$here/target/build.log" 2>&1; then
    say "offline build failed; trying online"
    (cd "$root" && mvn "${mvn_args[@]}") > "$here/target/build.log" 2>&1 ||
      { cat "$here/target/build.log" >&2; fail "build failed (log above)"; }
  fi
fi

# ---- a temp directory for everything; every process started here is stopped on exit ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-load.XXXXXX")
chmod 700 "$tmp"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if $keep; then say "kept $tmp"; else rm -rf -- "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
backend_port=$(free_port) probe_port=$(free_port) keygate_port=$(free_port)
haproxy_port=$(free_port) nginx_port=$(free_port) nghttpx_port=$(free_port)

# ---- the Echo backends (one behind everything; one only behind Keygate's probe API) ----
"$java_bin" -jar "$backend_jar" --port "$backend_port" --name bench-backend \
  --threads "$backend_threads" > "$tmp/backend.log" 2>&1 &
backend_pid=$!; pids+=("$backend_pid")
"$java_bin" -jar "$backend_jar" --port "$probe_port" --name probe-backend \
  --threads "$backend_threads" > "$tmp/probe-backend.log" 2>&1 &
probe_pid=$!; pids+=("$probe_pid")

# ---- Keygate: token, provisioning, then the production main in plaintext mode ----
# One count: one node serves every Keygate target. Several: one node per count, each on its own
# token and store, so that a node with few keys holds nothing of the other's (token objects,
# unwrapped keys, credentials in its snapshot), and one more node for keygate-none and
# keygate-probe, so that the signature nodes see the same traffic (and JIT warm-up) and differ
# only in their keys.
(umask 077; random_pin > "$tmp/so.pin"; random_pin > "$tmp/user.pin")
kek=bench-kek
await_port "echo backend" "$backend_pid" "$backend_port" "$tmp/backend.log"
await_port "probe backend" "$probe_pid" "$probe_port" "$tmp/probe-backend.log"
# Signed calls leave a nonce for the 5-minute window: room for every signed call of a run.
nonces=4000000
keygate_jvm=()   # --jvm-defaults: what the JVM picks for this machine
$jvm_defaults ||
  mapfile -t keygate_jvm < <(KEYGATE_NONCE_CAPACITY=$nonces bash "$root/bin/keygate-jvm-options")
node_keys=("${key_counts[@]}")
[ ${#key_counts[@]} -eq 1 ] || node_keys+=(1)   # the node of keygate-none and keygate-probe
node_names=() node_pids=() node_ports=() node_dirs=() node_notes=()
for i in "${!node_keys[@]}"; do
  n=${node_keys[$i]}
  if [ ${#key_counts[@]} -eq 1 ]; then
    name=keygate-signature
  elif [ "$i" -lt ${#key_counts[@]} ]; then
    name="keygate-signature-$n"
  else
    name=keygate
  fi
  node="$tmp/$name"
  mkdir -p "$node"
  bash "$root/softhsm-config/create-token.sh" --dir "$node/token" --label bench \
    --so-pin-file "$tmp/so.pin" --pin-file "$tmp/user.pin" > /dev/null
  cat > "$node/logging.properties" <<PROPS
handlers=java.util.logging.FileHandler
java.util.logging.FileHandler.pattern=$node/keygate.log
java.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter
.level=INFO
PROPS
  provision_args=(--keys "$n" --secrets "$secrets")
  node_env=()
  if [ "$secrets" = wrapped ]; then
    provision_args+=(--kek "$kek" --so-pin-file "$tmp/so.pin")
    node_env=(KEYGATE_KEK="$kek")
  fi
  say "provisioning $name: $n credential(s), secrets $secrets"
  t0=$(date +%s.%N)
  SOFTHSM2_CONF="$node/token/softhsm2.conf" "$java_bin" \
    -Djava.util.logging.config.file="$node/logging.properties" -cp "$load_jar" \
    io.keygate.benchmarks.load.ProvisionKeygate "$node/token/bench.sunpkcs11.cfg" "$tmp/user.pin" \
    "$node/data" "127.0.0.1:$backend_port" "127.0.0.1:$probe_port" "$node/credential" \
    "${provision_args[@]}" >&2
  t1=$(date +%s.%N)
  port=$(free_port)
  env "${node_env[@]}" SOFTHSM2_CONF="$node/token/softhsm2.conf" \
  KEYGATE_HSM_CONFIG="$node/token/bench.sunpkcs11.cfg" KEYGATE_HSM_PIN_FILE="$tmp/user.pin" \
  KEYGATE_PLAINTEXT_DEV=true KEYGATE_LISTEN="127.0.0.1:$port" KEYGATE_DATA_DIR="$node/data" \
  KEYGATE_NONCE_CAPACITY=$nonces KEYGATE_NONCES_PER_KEY=$nonces KEYGATE_NONCES_PER_TENANT=$nonces \
    "$java_bin" "${keygate_jvm[@]}" -Djava.util.logging.config.file="$node/logging.properties" \
      -cp "$load_jar" io.keygate.gateway.node.GatewayMain > "$node/keygate.out" 2>&1 &
  pids+=("$!")
  node_names+=("$name") node_pids+=("$!") node_ports+=("$port") node_dirs+=("$node")
  node_notes+=("$(awk -v n="$n" -v a="$t0" -v b="$t1" \
    'BEGIN { printf "%d key%s, provisioned in %.1f s", n, n == 1 ? "" : "s", b - a }')")
done
main=$((${#node_keys[@]} - 1))   # the node of keygate-none and keygate-probe
keygate_pid=${node_pids[$main]} keygate_port=${node_ports[$main]}

# ---- the proxies: as many threads / workers as cores, no access logs ----
cores=$(nproc)
cat > "$tmp/haproxy.cfg" <<CFG
global
  nbthread $cores
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 120s
  timeout server 120s
frontend grpc
  bind 127.0.0.1:$haproxy_port proto h2
  # haproxy-probe: the probe backend by authority, as Keygate routes its probe API
  use_backend probe if { req.hdr(host),field(1,:) -m str probe.localhost }
  default_backend echo
backend echo
  server echo 127.0.0.1:$backend_port proto h2
backend probe
  server probe 127.0.0.1:$probe_port proto h2
CFG
haproxy -db -f "$tmp/haproxy.cfg" > "$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!; pids+=("$haproxy_pid")

mkdir -p "$tmp/nginx"
# keepalive_requests: nginx closes a client connection (GOAWAY) and an upstream connection after
# 1000 requests by default; the upstream keepalive pool keeps it from connecting per call.
cat > "$tmp/nginx/nginx.conf" <<CFG
worker_processes $cores;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  upstream echo {
    server 127.0.0.1:$backend_port;
    keepalive 128;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$nginx_port http2;
    location / { grpc_pass grpc://echo; }
  }
}
CFG
nginx -e "$tmp/nginx/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" > "$tmp/nginx/out.log" 2>&1 &
nginx_pid=$!; pids+=("$nginx_pid")

nghttpx --conf=/dev/null --workers="$cores" \
  "--frontend=127.0.0.1,$nghttpx_port;no-tls" "--backend=127.0.0.1,$backend_port;;proto=h2" \
  --errorlog-file="$tmp/nghttpx.log" > "$tmp/nghttpx.out" 2>&1 &
nghttpx_pid=$!; pids+=("$nghttpx_pid")

if $relay; then
  # A node's collector, leak-detector setting and loops (one a core); a heap for a relay.
  relay_port=$(free_port)
  "$java_bin" -Xmx256m -XX:+UseG1GC -Dio.netty.leakDetection.level=disabled -cp "$load_jar" \
    io.keygate.benchmarks.load.FrameRelay "$relay_port" "$backend_port" "$cores" \
    > "$tmp/relay.log" 2>&1 &
  relay_pid=$!; pids+=("$relay_pid")
  await_port netty-relay "$relay_pid" "$relay_port" "$tmp/relay.log"
fi
await_port haproxy "$haproxy_pid" "$haproxy_port" "$tmp/haproxy.log"
await_port nginx "$nginx_pid" "$nginx_port" "$tmp/nginx/error.log"
await_port nghttpx "$nghttpx_pid" "$nghttpx_port" "$tmp/nghttpx.out"
for i in "${!node_pids[@]}"; do
  await_port "${node_names[$i]} (${node_keys[$i]} keys)" "${node_pids[$i]}" "${node_ports[$i]}" \
    "${node_dirs[$i]}/keygate.out"
done

cat > "$tmp/targets" <<TARGETS
# name             address                  authority            auth       pid           backend pid   credentials
direct             127.0.0.1:$backend_port  localhost            none       $backend_pid  $backend_pid
haproxy            127.0.0.1:$haproxy_port  localhost            none       $haproxy_pid  $backend_pid
nginx              127.0.0.1:$nginx_port    localhost            none       $nginx_pid    $backend_pid
nghttpx            127.0.0.1:$nghttpx_port  localhost            none       $nghttpx_pid  $backend_pid
keygate-none       127.0.0.1:$keygate_port  none.localhost       none       $keygate_pid  $backend_pid
TARGETS
if $relay; then
  echo "netty-relay 127.0.0.1:$relay_port localhost none $relay_pid $backend_pid" >> "$tmp/targets"
fi
for i in "${!key_counts[@]}"; do
  echo "${node_names[$i]} 127.0.0.1:${node_ports[$i]} signature.localhost signature" \
    "${node_pids[$i]} $backend_pid ${node_dirs[$i]}/credential" >> "$tmp/targets"
done
echo "keygate-probe 127.0.0.1:$keygate_port probe.localhost none $keygate_pid $probe_pid" \
  >> "$tmp/targets"
echo "haproxy-probe 127.0.0.1:$haproxy_port probe.localhost none $haproxy_pid $probe_pid" \
  >> "$tmp/targets"

if [ -z "$out" ]; then
  mkdir -p "$root/benchmarks/results"
  out="$root/benchmarks/results/load-$(date -u +%Y%m%dT%H%M%SZ).tsv"
fi
mkdir -p "$(dirname "$out")"

echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ)  nproc=$cores  $(uname -r)"
echo "   $("$java_bin" -version 2>&1 | head -n1); $(haproxy -v | head -n1 | cut -d' ' -f1-3);" \
  "$(nginx -v 2>&1 | sed 's/.*: //'); $(nghttpx --version | head -n1)"
echo "   uptime before: $(uptime)"
echo "   echo backends: handlers on $( [ "$backend_threads" = loop ] && echo "their event loops" || echo "grpc's default cached pool") (--backend-threads $backend_threads)"
echo "   keygate: $(sed -n 's/.*\(memory: max heap.*\)/\1/p' "${node_dirs[$main]}/keygate.log" | head -n1)"
if [ "$secrets" = wrapped ]; then
  echo "   keygate: secrets wrapped under a KEK in the HSM (KEYGATE_KEK=$kek, KEYGATE_KEY_CACHE default)"
else
  echo "   keygate: secrets as token keys, one token object each"
fi
for i in "${!node_pids[@]}"; do
  serves=
  [ "$i" -ne "$main" ] || serves=" (keygate-none, keygate-probe)"
  echo "   keygate: node ${node_names[$i]}$serves (pid ${node_pids[$i]}): ${node_notes[$i]}"
done
set +e
"$java_bin" -Xmx3g -cp "$load_jar" io.keygate.benchmarks.load.LoadBench --targets "$tmp/targets" \
  --secrets "$secrets" --clock-ticks "$(getconf CLK_TCK)" \
  --out "$out" "${bench_args[@]}"
status=$?
set -e
echo "   uptime after: $(uptime)"
exit "$status"
