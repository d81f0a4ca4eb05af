#!/usr/bin/env bash
# Container-mode task overhead (issue 10): runs container/entrypoint.sh as a Batch job would (fat jar, code
# package from BATON_CODE_PACKAGE, S3 datastore on an in-process S3Proxy), without and with the AppCDS archive,
# with the package cache warm and cold, and prints process start -> step method running, task wall time and task
# CPU (median / best of RUNS, default 5). See dev.baton.bench.container.ContainerTaskStartup.
# BATON_BENCH_JAVA=<JDK 25+>/bin/java adds the same tasks on that JDK (j25-default, j25-appcds, j25-aot: the AOT
# cache); BATON_BENCH_VARIANTS=appcds,j25-aot runs only the variants named.
# Usage: container/bench-startup.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/baton" --help >/dev/null 2>&1 || true   # builds cli/target/baton.jar when missing or stale
(cd "$root" && mvn -q -B -o -pl bench -am package -Dmaven.test.skip=true >/dev/null)
exec java -cp "$root/bench/target/benchmarks.jar" dev.baton.bench.container.ContainerTaskStartup "$root" "${1:-5}"
