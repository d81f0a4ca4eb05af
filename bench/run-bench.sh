#!/usr/bin/env bash
# Runtime benchmark of the local runtime (issue 5): prints
#   - wall time of a 3-step linear flow, whole process (JVM start included), thread isolation
#   - wall time of a foreach over 1,000 trivial items, whole process, thread isolation
#   - process isolation overhead per task: a foreach over N items run with --isolation process and with
#     --isolation thread, both with one worker, (t_process - t_thread) / tasks
# Each figure is the best of RUNS runs (default 3). Needs the fat jar (built by ./baton when stale).
# Usage: bench/run-bench.sh [RUNS] [PROCESS_ITEMS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
pitems="${2:-20}"
"$root/baton" --help >/dev/null 2>&1 || true      # builds cli/target/baton.jar when missing or stale
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# a private copy: a concurrent rebuild of cli/target/baton.jar must not change it under a measurement
cp "$root/cli/target/baton.jar" "$work/baton.jar"
jar="$work/baton.jar"
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$jar" "$root"/bench/src/main/java/dev/baton/bench/flows/*.java
java_opts=(${BATON_BENCH_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto})

# wall seconds of one whole `baton run` process
wall() {
  local start end
  start=$(date +%s.%N)
  java "${java_opts[@]}" -jar "$jar" --quiet --classpath "$work/classes" --datastore-root "$work/ds" "$@" \
    >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; echo "run failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

best() {
  local best="" t
  for _ in $(seq "$runs"); do
    t=$(wall "$@") || exit 1
    if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  printf '%.2f' "$best"
}

echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg), runs: best of $runs"
lin=$(best --flow dev.baton.bench.flows.Linear3Flow run) || exit 1
echo "3-step linear flow, thread isolation, whole process:      ${lin} s   (target <= 1.0 s)"
fe=$(best --flow dev.baton.bench.flows.ForeachFlow run --items 1000) || exit 1
echo "foreach over 1,000 items, thread isolation, whole process: ${fe} s   (target <= 8 s)"
tasks=$((pitems + 3))
pt=$(best --flow dev.baton.bench.flows.ForeachFlow run --items "$pitems" --isolation thread --max-workers 1) || exit 1
pp=$(best --flow dev.baton.bench.flows.ForeachFlow run --items "$pitems" --isolation process --max-workers 1) || exit 1
per=$(echo "($pp - $pt) / $tasks" | bc -l)
printf 'process isolation: %d tasks, 1 worker: thread %.2f s, process %.2f s: overhead %.3f s per task (target <= 0.15 s)\n' \
  "$tasks" "$pt" "$pp" "$per"
pp2=$(best --flow dev.baton.bench.flows.ForeachFlow run --items "$pitems" --isolation process --max-workers 2) || exit 1
printf 'process isolation, 2 workers: %.2f s for %d tasks: %.3f s of wall per task\n' "$pp2" "$tasks" \
  "$(echo "$pp2 / $tasks" | bc -l)"
