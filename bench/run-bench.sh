#!/usr/bin/env bash
# Runtime benchmark of the local runtime (issue 5). Prints, for whole `baton run` processes (JVM start included):
#   - a 3-step linear flow, thread isolation
#   - a foreach over 1,000 trivial items, thread isolation
#   - process isolation overhead per task: a foreach over N items with --isolation process and with
#     --isolation thread, one worker each: (t_process - t_thread) / tasks
# Each figure is the best of RUNS runs (default 3), as wall seconds and as CPU seconds (user + sys of the process
# and its children): on a shared machine the CPU figure is the one that does not depend on the load.
# Needs the fat jar (built by ./baton when stale; or give one with BATON_BENCH_JAR). JVM options:
# BATON_BENCH_JAVA_OPTS (default: the baton launcher's); BATON_BENCH_CDS=false: the runtime's process without a
# class-data-sharing archive (the children keep theirs: BATON_CHILD_CDS=false turns that off).
# Usage: bench/run-bench.sh [RUNS] [PROCESS_ITEMS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
pitems="${2:-20}"
if [ -z "${BATON_BENCH_JAR:-}" ]; then
  "$root/baton" --help >/dev/null 2>&1 || true    # builds cli/target/baton.jar when missing or stale
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# a private copy: a concurrent rebuild of cli/target/baton.jar must not change it under a measurement. Its path
# stays the same from one bench run to the next, so the children's class-data-sharing archive (keyed by the
# jar's path, size and time) is dumped once, not on every run
jar="${TMPDIR:-/tmp}/baton-bench/baton.jar"
mkdir -p "$(dirname "$jar")"
cmp -s "${BATON_BENCH_JAR:-$root/cli/target/baton.jar}" "$jar" 2>/dev/null \
  || cp "${BATON_BENCH_JAR:-$root/cli/target/baton.jar}" "$jar"
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$jar" "$root"/bench/src/main/java/dev/baton/bench/flows/*.java
# as the baton launcher
jit="-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=50000 -XX:Tier4CompileThreshold=150000"
jit="$jit -XX:CompileCommand=quiet -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.001 -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.001"
set -f  # no globbing: the CompileCommand patterns hold a *
java_opts=(${BATON_BENCH_JAVA_OPTS:--XX:+UseSerialGC -XX:-UsePerfData $jit -XX:Tier4BackEdgeThreshold=400000})
set +f
# like the baton launcher: the runtime's own process maps a class-data-sharing archive dumped by an earlier run
# (here: the unmeasured warm-up below), unless BATON_BENCH_CDS=false
cds=()
parent_jsa="$(dirname "$jar")/parent-$(cksum <"$jar" | cut -d' ' -f1).jsa"
if [ "${BATON_BENCH_CDS:-true}" != false ] && [ ! -f "$parent_jsa" ]; then
  rm -f "$(dirname "$jar")"/parent-*.jsa
  java "${java_opts[@]}" -XX:ArchiveClassesAtExit="$parent_jsa.tmp" -Xlog:cds=off,cds+dynamic=off -jar "$jar" \
    --quiet --classpath "$work/classes" --datastore-root "$work/warm" --flow dev.baton.bench.flows.ForeachFlow \
    run --items 2 >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; echo "warm-up run failed" >&2; exit 1; }
  mv -f "$parent_jsa.tmp" "$parent_jsa"
fi
if [ "${BATON_BENCH_CDS:-true}" != false ]; then
  cds=(-XX:SharedArchiveFile="$parent_jsa" -Xlog:cds=off,cds+dynamic=off)
fi
# unmeasured: the first process-isolated run's first child dumps the children's archive (ChildClassDataSharing)
java "${java_opts[@]}" "${cds[@]}" -jar "$jar" --quiet --classpath "$work/classes" --datastore-root "$work/warm" \
  --flow dev.baton.bench.flows.ForeachFlow run --items 2 --isolation process --max-workers 1 >"$work/last.log" 2>&1 \
  || { cat "$work/last.log" >&2; echo "warm-up run failed" >&2; exit 1; }
rm -rf "$work/warm"

# "wall cpu" seconds of one whole `baton run` process
measure() {
  /usr/bin/time -f "%e %U %S" -o "$work/time" java "${java_opts[@]}" "${cds[@]}" -jar "$jar" --quiet --classpath "$work/classes" \
    --datastore-root "$work/ds" "$@" >"$work/last.log" 2>&1 \
    || { cat "$work/last.log" >&2; echo "run failed: $*" >&2; exit 1; }
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$work/time"
}

# best (lowest wall) of $runs: "wall cpu"
best() {
  local best="" line w
  for _ in $(seq "$runs"); do
    line=$(measure "$@") || exit 1
    w=${line%% *}
    if [ -z "$best" ] || (( $(echo "$w < ${best%% *}" | bc -l) )); then best=$line; fi
  done
  echo "$best"
}

show() { printf '%-62s %6.2f s wall, %6.2f s CPU   %s\n' "$1" "${2%% *}" "${2##* }" "$3"; }

echo "cores: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg), best of $runs runs"
lin=$(best --flow dev.baton.bench.flows.Linear3Flow run) || exit 1
show "3-step linear flow, thread isolation, whole process:" "$lin" "(target <= 1.0 s wall)"
fe=$(best --flow dev.baton.bench.flows.ForeachFlow run --items 1000) || exit 1
show "foreach over 1,000 items, thread isolation, whole process:" "$fe" "(target <= 8 s wall)"
tasks=$((pitems + 3))
pt=$(best --flow dev.baton.bench.flows.ForeachFlow run --items "$pitems" --isolation thread --max-workers 1) || exit 1
pp=$(best --flow dev.baton.bench.flows.ForeachFlow run --items "$pitems" --isolation process --max-workers 1) || exit 1
show "foreach over $pitems ($tasks tasks), 1 worker, thread isolation:" "$pt" ""
show "foreach over $pitems ($tasks tasks), 1 worker, process isolation:" "$pp" ""
printf 'process isolation overhead per task: %.3f s wall, %.3f s CPU   (target <= 0.15 s)\n' \
  "$(echo "(${pp%% *} - ${pt%% *}) / $tasks" | bc -l)" "$(echo "(${pp##* } - ${pt##* }) / $tasks" | bc -l)"
