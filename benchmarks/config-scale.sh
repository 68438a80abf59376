#!/usr/bin/env bash
# The configuration at a million credentials on PostgreSQL: start-up load, the heap the snapshot
# holds, the cost of applying one revoke from the change feed, and how soon a revoke is in force
# on a second node polling the store (io.keygate.benchmarks.footprint.ConfigScale).
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

build=false xmx=3g args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=true; shift ;;
    --credentials|--revokes)
      [ $# -ge 2 ] || die "$1 needs a value"; args+=("$1" "$2"); shift 2 ;;
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
echo "config-scale.sh: $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:+UseG1GC "-Xmx$xmx" -cp "$jar" \
  io.keygate.benchmarks.footprint.ConfigScale "${args[@]}"
