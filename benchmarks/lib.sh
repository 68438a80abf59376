# Shell functions the benchmark scripts share (sourced, not run). The caller defines
#   fail MESSAGE   (exit 1: something could not be built or started)
#   say MESSAGE    (progress on stderr)

# Installs Debian packages that are missing, as root, with no service started by the install
# (Debian starts a package's service on installation; nginx would take port 80, haproxy 80 too).
#   install_missing COMMAND:PACKAGE ...
install_missing() {
  local missing=() pair policy own_policy
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  [ "$(id -u)" -eq 0 ] || fail "run as root, or install: ${missing[*]}"
  say "installing ${missing[*]} (apt-get)"
  policy=/usr/sbin/policy-rc.d own_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=true
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  $own_policy && rm -f "$policy"
  return 0
}

# A free loopback port not handed out before in this run (the list is in $taken).
taken=" "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    case "$taken" in *" $port "*) continue ;; esac
    if ! (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      taken="$taken$port "
      echo "$port"
      return
    fi
  done
}

# Waits until PID listens on PORT (what it logs is in LOG): polls every 0.25 s, for 60 s at most.
await_port() {
  local name=$1 pid=$2 port=$3 log=$4 i
  for i in $(seq 1 240); do
    (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$name exited (log above)"; }
    sleep 0.25
  done
  cat "$log" >&2; fail "$name did not listen on $port within 60 s"
}

# 128 random bits in hex: a PIN nobody types.
random_pin() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
