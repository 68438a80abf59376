#!/usr/bin/env bash
# Bulk provisioning, end to end (issue 11): credentials per second from the officer's command to
# the secrets in a 0600 file. Starts a gateway node with a KEK on embedded H2 and a fresh SoftHSM2
# token, then one real `keystore-admin credential bulk-create` run (the tenant's admin, mutual
# TLS) makes COUNT apps, each with one credential and one grant. The time includes the CLI's JVM
# start, its one-time RSA-3072 key, every CreateCredentials call (HSM, one H2 transaction and the
# node's snapshot reload each) and opening and writing every secret. Not a timed test: a figure
# for docs/benchmarks.md, printed with the machine's load.
# Usage: bash benchmarks/provisioning/run.sh [COUNT]   (default 20000; PER_CALL=10000;
#        SKIP_BUILD=1 reuses the last build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
count=${1:-20000}
per_call=${PER_CALL:-10000}
cd "$root"
bash bin/install-prereqs > /dev/null

echo "== Building the node and keystore-admin (log: target/provisioning-build.log)"
mkdir -p target
if [ "${SKIP_BUILD:-}" != 1 ] && ! mvn -q -B -pl gateway-grpc,keystore-admin -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    > target/provisioning-build.log 2>&1; then
  cat target/provisioning-build.log >&2
  exit 1
fi

work=$(mktemp -d -t keygate-provisioning-XXXXXX)
chmod 700 "$work"
umask 077
head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$work/so.pin"
head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$work/user.pin"
bash softhsm-config/create-token.sh --dir "$work/hsm" --label keygate-bench \
  --so-pin-file "$work/so.pin" --pin-file "$work/user.pin" > /dev/null
export SOFTHSM2_CONF="$work/hsm/softhsm2.conf"
cfg="$work/hsm/keygate-bench.sunpkcs11.cfg"
ka() { bash "$root/bin/keystore-admin" "$@"; }
offline() { ka "$@" --hsm-config "$cfg" --pin-file "$work/user.pin"; }
as() {
  local who=$1; shift
  KEYGATE_ADMIN_CERT="$work/$who.pem" KEYGATE_ADMIN_KEY="$work/$who.key" ka "$@"
}

echo "== Token, KEK, admin CA and two admins (offline, in the HSM)"
offline bootstrap tls-key --label node-tls --cn localhost --dns localhost --ip 127.0.0.1 \
  --cert-out "$work/node-tls.pem" > /dev/null
offline bootstrap admin-ca --label admin-ca --cn "Keygate Bench Admin CA" \
  --cert-out "$work/admin-ca.pem" > /dev/null
officer_sha=$(offline bootstrap officer-cert --ca-label admin-ca --cn officer \
    --out-cert "$work/officer.pem" --out-key "$work/officer.key" |
  sed -n 's/^  SHA-256 \([0-9a-f]\{64\}\)$/\1/p')
offline bootstrap officer-cert --ca-label admin-ca --cn acme-admin \
  --out-cert "$work/acme-admin.pem" --out-key "$work/acme-admin.key" > /dev/null
ka kek generate --id bench-kek --hsm-config "$cfg" --so-pin-file "$work/so.pin" > /dev/null

echo "== Starting a node with KEYGATE_KEK=bench-kek on embedded H2 (log: $work/node.log)"
cat > "$work/logging.properties" <<PROPS
handlers=java.util.logging.FileHandler
java.util.logging.FileHandler.pattern=$work/node.log
java.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter
.level=INFO
PROPS
mapfile -t jvm < <(bash "$root/bin/keygate-jvm-options")
KEYGATE_HSM_CONFIG="$cfg" KEYGATE_HSM_PIN_FILE="$work/user.pin" KEYGATE_TLS_KEY=node-tls \
KEYGATE_LISTEN=127.0.0.1:0 KEYGATE_DATA_DIR="$work/data" KEYGATE_KEK=bench-kek \
KEYGATE_ADMIN_LISTEN=127.0.0.1:0 KEYGATE_ADMIN_CA_FILE="$work/admin-ca.pem" \
KEYGATE_FIRST_OFFICER_SHA256="$officer_sha" \
  java "${jvm[@]}" -Djava.util.logging.config.file="$work/logging.properties" \
    -cp "$root/gateway-grpc/target/classes:$(cat "$root/gateway-grpc/target/classpath.txt")" \
    io.keygate.gateway.node.GatewayMain > "$work/node.out" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true' EXIT
admin_port=
for _ in $(seq 1 240); do
  if [ -f "$work/node.log" ]; then
    admin_port=$(sed -n 's/.*admin API listening on \[[^]]*:\([0-9]*\)\].*/\1/p' \
      "$work/node.log" | head -1)
  fi
  [ -n "$admin_port" ] && break
  kill -0 "$node_pid" 2>/dev/null || { cat "$work/node.out" >&2; echo "node failed" >&2; exit 1; }
  sleep 0.25   # polling a log file for the port, not synchronising a test
done
[ -n "$admin_port" ] || { echo "the node did not start within 60 s ($work)" >&2; exit 1; }
export KEYGATE_ADMIN_SERVER="localhost:$admin_port" KEYGATE_ADMIN_CA="$work/node-tls.pem"

echo "== The officer makes tenant acme, its admin, a domain, a backend; acme's admin an API"
as officer tenant create --id acme --name Acme > /dev/null
as officer principal add --of-cert "$work/acme-admin.pem" --role tenant-admin --tenant acme \
  > /dev/null
as officer allowance allow-domain --tenant acme --domain acme.bench > /dev/null
as officer allowance allow-backend --tenant acme --backend 127.0.0.1:9 > /dev/null
as acme-admin api register --tenant acme --id echo --domain acme.bench \
  --method keygate.demo.v1.EchoService/Echo --backend 127.0.0.1:9 > /dev/null

command="keystore-admin credential bulk-create --tenant acme --count $count --app-prefix load-"
command+=" --grant echo --per-call $per_call --secret-out $work/secrets.csv --timeout 300s"
echo "== Measuring: $command"
load_before=$(uptime)
start=$(date +%s%N)
as acme-admin credential bulk-create --tenant acme --count "$count" --app-prefix load- \
  --grant echo --per-call "$per_call" --secret-out "$work/secrets.csv" --timeout 300s
end=$(date +%s%N)
load_after=$(uptime)
lines=$(wc -l < "$work/secrets.csv")
mode=$(stat -c %a "$work/secrets.csv")
[ "$lines" -eq "$count" ] || { echo "expected $count lines, found $lines" >&2; exit 1; }
ms=$(( (end - start) / 1000000 ))
echo "== Result"
echo "credentials:        $lines (file mode $mode)"
echo "wall time:          $ms ms (CLI start to file closed)"
echo "credentials/s:      $(( lines * 1000 / ms ))"
echo "load before:        $load_before"
echo "load after:         $load_after"
echo "cpus:               $(nproc)"
kill -TERM "$node_pid"
wait "$node_pid" 2>/dev/null || true
trap - EXIT
rm -f "$work/secrets.csv"   # real secrets of a throwaway token: do not leave them around
echo "Work directory (token, node log): $work"
