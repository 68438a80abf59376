#!/usr/bin/env bash
# Runs Keygate's JMH benchmarks against a fresh, throwaway SoftHSM2 token.
#
#   bash benchmarks/run.sh [--build] [--out FILE] [JMH options and benchmark regexps...]
#
#   --build     rebuild the benchmarks jar first (also done when it is missing)
#   --out FILE  where JMH writes its JSON (default benchmarks/results/jmh-<UTC time>.json)
#
# Everything else goes to JMH unchanged, e.g. 'bash benchmarks/run.sh -f 1 -wi 2 -i 3 HmacVerify'.
# Defaults for a small shared machine: -f 1 -wi 3 -w 2s -i 5 -r 2s -tu us -t 1 -foe true
# (the mode is each benchmark's own); any given on the command line wins. Separate words ('-f 2').
# Uses $JAVA_HOME/bin/java when JAVA_HOME is set. After the run, prints each benchmark and the
# HSM/software ratio of each pair (hsmX vs softwareX): see docs/benchmarks.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/benchmarks/target/benchmarks.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "run.sh: $*" >&2; exit 2; }

# ---- arguments: ours, then JMH's (parsed only to merge them with the defaults) ----
build=false out= format=json forks=1 user_jvm_args= listing=false
jmh_args=()
declare -A given=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=true; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a file"; out=$2; shift 2 ;;
    --help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    # JMH options without a value; they only print information, so no token is needed.
    -h|-l|-lp|-lprof|-lrf) listing=true; jmh_args+=("$1"); shift ;;
    -rff) [ $# -ge 2 ] || die "-rff needs a file"; out=$2; shift 2 ;;
    -jvmArgsAppend) [ $# -ge 2 ] || die "-jvmArgsAppend needs a value"; user_jvm_args=$2; shift 2 ;;
    -*) # Every other JMH option takes exactly one value.
      [ $# -ge 2 ] || die "JMH option $1 needs a value"
      given[$1]=1
      [ "$1" = -rf ] && format=${2,,}
      [ "$1" = -f ] && forks=$2
      jmh_args+=("$1" "$2"); shift 2 ;;
    *) jmh_args+=("$1"); shift ;;
  esac
done

# JMH refuses an option given twice, so a default is added only when the caller did not give it.
# No -bm: it would override every @BenchmarkMode, e.g. the sampled cold call of WrappedVerifyBenchmark.
defaults=(-f 1 -wi 3 -w 2s -i 5 -r 2s -tu us -t 1 -foe true -rf json)
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  [ -n "${given[${defaults[i]}]:-}" ] || jmh_args=("${defaults[i]}" "${defaults[i + 1]}" "${jmh_args[@]}")
done

# ---- build ----
command -v "$java_bin" >/dev/null 2>&1 || die "no java at '$java_bin' (check JAVA_HOME)"
if $build || [ ! -f "$jar" ]; then
  # 'package' in the reactor, not 'install': nothing needs to land in ~/.m2.
  echo "run.sh: building the benchmarks jar (mvn -q -B package -DskipTests -pl benchmarks -am)" >&2
  (cd "$root" && mvn -q -B package -DskipTests -pl benchmarks -am)
elif [ -n "$(find "$root/benchmarks/src/main" "$root"/{hsm-adapter,gateway-grpc,client-sdk,demo-backend,proto}/src/main \
    -newer "$jar" -print -quit)" ]; then
  echo "run.sh: warning: sources are newer than benchmarks.jar; pass --build to measure them" >&2
fi

if $listing; then
  exec "$java_bin" -jar "$jar" "${jmh_args[@]}"
fi

# ---- a fresh token with random PINs, removed whatever happens ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keygate-bench.XXXXXX")
cleanup() { rm -rf -- "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# JMH splits -jvmArgsAppend on whitespace, so the paths must not contain any.
case "$tmp" in *[[:space:]]*) die "temp dir '$tmp' contains whitespace; set TMPDIR" ;; esac

random_pin() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
(umask 077; random_pin >"$tmp/so.pin"; random_pin >"$tmp/user.pin")
chmod 600 "$tmp/so.pin" "$tmp/user.pin"
bash "$root/softhsm-config/create-token.sh" --dir "$tmp/token" --label bench \
  --so-pin-file "$tmp/so.pin" --pin-file "$tmp/user.pin" >/dev/null
# SoftHSM reads this once, when the library initialises; forks inherit our environment.
export SOFTHSM2_CONF="$tmp/token/softhsm2.conf"
token_props="-Dkeygate.bench.config=$tmp/token/bench.sunpkcs11.cfg -Dkeygate.bench.pinFile=$tmp/user.pin"
# The SO PIN too: the key-hierarchy benchmark makes its KEK as the officer (WrappedVerifyBenchmark).
token_props="$token_props -Dkeygate.bench.soPinFile=$tmp/so.pin"
# HMAC checks through the JDK's PKCS#11 binding, as a node runs them (bin/keygate-jvm-options).
token_props="$token_props --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED"

if [ -z "$out" ]; then
  mkdir -p "$root/benchmarks/results"
  out="$root/benchmarks/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).$format"
fi
mkdir -p "$(dirname "$out")"

echo "run.sh: $("$java_bin" -version 2>&1 | head -n1), nproc=$(nproc 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&2
# With '-f 0' (no fork, for debugging) the benchmarks run in this JVM, so it needs them too.
host_props=
[ "$forks" = 0 ] && host_props=$token_props
set +e
"$java_bin" $host_props -jar "$jar" "${jmh_args[@]}" \
  -jvmArgsAppend "${user_jvm_args:+$user_jvm_args }$token_props" -rff "$out"
status=$?
set -e

# ---- summary: each score, and each hsmX / softwareX ratio ----
summarise_python() {
  python3 - "$1" <<'PY'
import json, math, sys
runs = json.load(open(sys.argv[1]))
rows = {}
for r in runs:
    m = r["primaryMetric"]
    name = ".".join(r["benchmark"].split(".")[-2:])
    params = r.get("params")
    if params:
        name += "(" + ",".join(f"{k}={v}" for k, v in sorted(params.items())) + ")"
    rows[name] = (float(m["score"]), float(m["scoreError"]), m["scoreUnit"])
print(f"{'Benchmark':<56} {'Score':>12} {'± Error':>10}  Units")
for name, (score, err, unit) in rows.items():
    print(f"{name:<56} {score:>12.3f} {err:>10.3f}  {unit}")
print()
print(f"{'HSM / software':<56} {'Ratio':>12}  (range from the errors)")
for name, (h, eh, unit) in rows.items():
    cls, _, method = name.partition(".")
    if not method.startswith("hsm"):
        continue
    pair = f"{cls}.software{method[3:]}"
    if pair not in rows or rows[pair][2] != unit:
        continue
    s, es, _ = rows[pair]
    ratio = f"{h / s:>12.2f}"
    if math.isnan(eh) or math.isnan(es):
        pass  # a single iteration has no error
    elif h > eh and s > es:
        ratio += f"  ({(h - eh) / (s + es):.2f} .. {(h + eh) / (s - es):.2f})"
    else:
        ratio += "  (errors too wide for a range: more iterations)"
    print(f"{name + ' / ' + method.replace('hsm', 'software', 1):<56} {ratio}")
PY
}

summarise_jq() {
  jq -r '
    def name: .benchmark | split(".") | .[-2:] | join(".");
    def num: if type == "number" then (. * 1000 | floor) / 1000 else . end;
    (map({key: name, value: .primaryMetric}) | from_entries) as $m
    | "Benchmark\tScore\t± Error\tUnits",
      (.[] | [name, (.primaryMetric.score | num), (.primaryMetric.scoreError | num),
              .primaryMetric.scoreUnit] | @tsv),
      "",
      "HSM / software\tRatio",
      (.[] | name as $n | select($n | test("\\.hsm"))
       | ($n | sub("\\.hsm"; ".software")) as $s | select($m[$s] != null)
       | [$n + " / " + ($s | split(".")[1]), (.primaryMetric.score / $m[$s].score * 100 | floor) / 100]
       | @tsv)' "$1"
}

if [ ! -s "$out" ]; then
  echo "run.sh: JMH wrote no results (exit status $status)" >&2
elif [ "$format" != json ]; then
  echo "run.sh: results in $out"
elif command -v python3 >/dev/null 2>&1; then
  echo; summarise_python "$out"; echo; echo "JSON: $out"
elif command -v jq >/dev/null 2>&1; then
  echo; summarise_jq "$out" | { column -t -s $'\t' 2>/dev/null || cat; }; echo; echo "JSON: $out"
else
  echo "JSON: $out"
fi
exit "$status"
