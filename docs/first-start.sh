#!/usr/bin/env bash
# First start of a node, from the unpacked distribution (tar xzf keygate-VERSION.tar.gz; cd keygate-VERSION):
#   bash docs/first-start.sh [DIR]      DIR: a new directory for the token (default: a temp one)
# docs/operations.md shows this file verbatim; CI runs it (FirstStartSystemTest) and checks the call.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR=${1:-$(mktemp -d)/node}
GATEWAY_PORT=${GATEWAY_PORT:-8443} ADMIN_PORT=${ADMIN_PORT:-8444} BACKEND_PORT=${BACKEND_PORT:-9000}

# 1. A token with random PINs, a KEK, the TLS key, the admin CA, the first officer, a config file.
bin/keygate init "$DIR" --listen "127.0.0.1:$GATEWAY_PORT" --admin-listen "127.0.0.1:$ADMIN_PORT"

# 2. The node, and an Echo backend to put behind it (each prints one line once it serves).
export SOFTHSM2_CONF=$DIR/softhsm2.conf
bin/keygate serve --config "$DIR/keygate.conf" > "$DIR/node.out" 2> "$DIR/node.log" &
node=$!
bin/echo-backend --port "$BACKEND_PORT" --name acme-backend > "$DIR/backend.out" 2>&1 &
backend=$!
trap 'kill "$node" "$backend" 2> /dev/null; wait' EXIT
for _ in $(seq 600); do
  grep -q 'serving calls' "$DIR/node.out" && [ -s "$DIR/backend.out" ] && break
  kill -0 "$node" "$backend" || { cat "$DIR/node.log" "$DIR/backend.out" >&2; exit 1; }
  sleep 0.1
done
cat "$DIR/node.out"

# 3. As the first officer: a tenant, its app, what its APIs may use, and the tenant's admin
#    (a client certificate from the admin CA in the token, mapped to the role tenant-admin).
export KEYGATE_ADMIN_SERVER=localhost:$ADMIN_PORT KEYGATE_ADMIN_CA=$DIR/server.pem \
       KEYGATE_ADMIN_CERT=$DIR/officer.pem KEYGATE_ADMIN_KEY=$DIR/officer.key
bin/keystore-admin whoami
bin/keystore-admin tenant create --id acme --name Acme
bin/keystore-admin app create --tenant acme --id acme-app --name "Acme app"
bin/keystore-admin allowance allow-domain --tenant acme --domain localhost
bin/keystore-admin allowance allow-backend --tenant acme --backend "127.0.0.1:$BACKEND_PORT"
bin/keystore-admin bootstrap officer-cert --hsm-config "$DIR/keygate.sunpkcs11.cfg" \
    --pin-file "$DIR/user.pin" --cn acme-admin --out-cert "$DIR/acme-admin.pem" --out-key "$DIR/acme-admin.key"
bin/keystore-admin principal add --of-cert "$DIR/acme-admin.pem" --role tenant-admin --tenant acme

# 4. As acme's admin: the API, the app's grant to call it, and its credential (secret in a 0600 file).
export KEYGATE_ADMIN_CERT=$DIR/acme-admin.pem KEYGATE_ADMIN_KEY=$DIR/acme-admin.key
bin/keystore-admin api register --tenant acme --id echo --domain localhost \
    --method keygate.demo.v1.EchoService/Echo --backend "127.0.0.1:$BACKEND_PORT"
bin/keystore-admin grant add --tenant acme --app acme-app --api echo
bin/keystore-admin credential create --tenant acme --app acme-app --secret-out "$DIR/acme-app.secret" \
  | tee "$DIR/credential.out"
access_key=$(sed -n 's/^Issued credential \([^ ]*\) for app.*/\1/p' "$DIR/credential.out")

# 5. A signed call through the node, from the Python client (Debian's python3 with python3-grpcio).
/usr/bin/python3 -c 'import grpc' || { echo "first-start: apt-get install -y python3-grpcio" >&2; exit 1; }
/usr/bin/python3 clients/python/live_call.py --port "$GATEWAY_PORT" --authority "localhost:$GATEWAY_PORT" \
    --ca-file "$DIR/server.pem" --access-key "$access_key" --secret-file "$DIR/acme-app.secret" \
    --message "hello from the first start"

# 6. Stop the node as a supervisor would: SIGTERM, it drains open calls and exits 143 (a clean stop).
kill -TERM "$node"
status=0; wait "$node" || status=$?
[ "$status" = 143 ] || { echo "first-start: the node exited $status after SIGTERM, not 143" >&2; exit 1; }
echo "first-start: the node stopped cleanly (exit 143)"
