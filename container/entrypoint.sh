#!/usr/bin/env bash
# Baton container entrypoint: runs `baton` with the job's arguments in the image's JVM, tuned for a short-lived
# task process that respects the container's memory limit.
#
#   entrypoint.sh step start --run-id R --task-id T ...   -> java ... -jar baton.jar step start ...
#   entrypoint.sh baton step start ...                      -> the same (a leading "baton" is dropped)
#   entrypoint.sh sh -c 'SCRIPT' baton step ...             -> runs sh as given (Step Functions wraps the step in a
#                                                              script that calls "baton", which is this script too)
#
# Settings (environment):
#   BATON_JAR              the fat jar (default /opt/baton/baton.jar)
#   BATON_LAUNCH_CLASSPATH a class path to run dev.baton.cli.Main from instead of the jar (tests, development)
#   BATON_CDS_ARCHIVE      the AppCDS archive of the jar (default /opt/baton/baton.jsa, used when present)
#   BATON_AOT_CACHE        the AOT cache of the jar (default /opt/baton/baton.aot), used instead of the AppCDS
#                          archive when present and the JVM is JDK 25 or later (the image built with JAVA_VERSION=25)
#   BATON_MAX_RAM_PERCENT  share of the container memory limit for the heap (default 75)
#   BATON_JAVA_OPTS        extra JVM options, appended last (they win)
#   JAVA                   the java binary (default: java on PATH)
# Batch sets AWS_BATCH_JOB_ID, AWS_BATCH_JOB_ATTEMPT, AWS_BATCH_CE_NAME and AWS_BATCH_JQ_NAME; `baton step`
# reads the attempt from AWS_BATCH_JOB_ATTEMPT and records the job id with the attempt.
set -euo pipefail

baton_jar="${BATON_JAR:-/opt/baton/baton.jar}"
java_bin="${JAVA:-java}"

# a leading "baton" is the command name, not an argument (images built FROM this one may pass it)
if [ "$#" -gt 0 ] && [ "$1" = "baton" ]; then
  shift
fi

# anything that is not a baton command or option is a program to run as given (a shell wrapper, a debug shell):
# the docker-library convention, so one image serves `baton step ...` and `sh -c '...'` job commands alike
if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then
  case "$1" in
    run|step|resume|rerun|show|dump|logs|graph|package|step-functions|foreach-coordinator|help) ;;
    *)
      if command -v "$1" >/dev/null 2>&1; then
        exec "$@"
      fi
      ;;
  esac
fi

if [ -n "${AWS_BATCH_JOB_ID:-}" ] && [ -n "${BATON_VERBOSE_ENTRYPOINT:-}" ]; then
  echo "baton entrypoint: job ${AWS_BATCH_JOB_ID} attempt ${AWS_BATCH_JOB_ATTEMPT:-1}" \
    "queue ${AWS_BATCH_JQ_NAME:-?} compute environment ${AWS_BATCH_CE_NAME:-?}" >&2
fi

# Why these flags: the serial collector and no perf data file start fastest; the heap follows the container's
# memory limit (container support is on by default in JDK 17) instead of a fixed -Xmx that would be wrong for every
# @Resources size. The JIT stays tiered, but C2 waits for code that is really hot (tier-4 thresholds 10x the
# defaults): C1 alone (-XX:TieredStopAtLevel=1) runs the step's own code and the SHA-256 of every artifact without C2
# (SHA-256 at ~130 MiB/s instead of ~1 GiB/s: seconds per large artifact), and default tiering spends ~0.3 CPU-s
# of a short task compiling start-up code with C2. SHA-256 itself is the exception: the JDK's SHA2/DigestBase get C2
# (the SHA-NI stub) at 1/1000 of the thresholds, so a task's first large artifact is not hashed by interpreted and
# C1 code ('quiet': the JVM would print each command on stdout, into the task's log). The same flags are in `baton`,
# FlowSession.TASK_JIT_OPTIONS and bench/run-bench.sh. See container/README.md for the figures.
jvm=(-XX:MaxRAMPercentage="${BATON_MAX_RAM_PERCENT:-75}" -XX:+UseSerialGC -XX:-UsePerfData
  -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=50000 -XX:Tier4CompileThreshold=150000
  -XX:Tier4BackEdgeThreshold=400000 -XX:CompileCommand=quiet
  '-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.001'
  '-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.001')

# The JVM's feature release, from the JDK's `release` file next to bin/java (starting a JVM to ask would cost a
# tenth of a second per task); 0 when it cannot be told, which keeps the JDK 17 flags. The java binary is found
# through bash's own command table, not $(command -v) and readlink: each of those is a process (a subshell, a
# program) that every task paid for; only a symbolic link whose directory holds no release file is resolved.
java_feature=0
java_path=""
if [[ "$java_bin" == */* ]]; then
  java_path="$java_bin"
elif hash "$java_bin" 2>/dev/null; then
  java_path="${BASH_CMDS[$java_bin]:-}"
fi
if [ -n "$java_path" ]; then
  release="${java_path%/bin/*}/release"
  if [ ! -r "$release" ] && [ -L "$java_path" ]; then
    # e.g. /usr/bin/java -> /etc/alternatives/java -> the JDK's bin/java
    java_path="$(readlink -f "$java_path" 2>/dev/null || true)"
    release="${java_path%/bin/*}/release"
  fi
  if [ -r "$release" ]; then
    # bash only, no sed: every task pays for this
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
        java_feature="${BASH_REMATCH[1]}"
        break
      fi
    done < "$release"
  fi
fi
if [ "$java_feature" -ge 24 ]; then
  # JDK 24+ warn on stderr, in every task's stored log, when Kryo calls sun.misc.Unsafe's memory methods and when
  # zstd-jni loads its native library: both are the libraries' intended use, allowed here
  jvm+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
fi

cds="${BATON_CDS_ARCHIVE:-/opt/baton/baton.jsa}"
aot="${BATON_AOT_CACHE:-/opt/baton/baton.aot}"
if [ -z "${BATON_LAUNCH_CLASSPATH:-}" ] && [ "$java_feature" -ge 25 ] && [ -f "$aot" ]; then
  # the AOT cache trained from this very jar (JEP 483/514). AOTMode=auto: a cache that does not match the JVM, the
  # jar or the flags is not used and the task runs without it, never fails; -Xlog:aot=off because the JVM would
  # report that on stdout, into the task's log (BATON_JAVA_OPTS=-Xlog:aot shows why a cache is not used)
  # (-Xshare:* may not be given with -XX:AOTCache)
  jvm+=(-XX:AOTMode=auto -XX:AOTCache="$aot" -Xlog:aot=off)
elif [ -z "${BATON_LAUNCH_CLASSPATH:-}" ] && [ -f "$cds" ]; then
  # an archive dumped from this very jar; a mismatched one is ignored by the JVM with -Xshare:auto, never fatal
  jvm+=(-Xshare:auto -XX:SharedArchiveFile="$cds")
else
  jvm+=(-Xshare:auto)
fi
if [ -n "${BATON_JAVA_OPTS:-}" ]; then
  # shellcheck disable=SC2206 # a list of JVM options, split on blanks like JAVA_TOOL_OPTIONS
  jvm+=(${BATON_JAVA_OPTS})
fi

# exec: java becomes the container's main process, so Batch's SIGTERM reaches the JVM, whose shutdown hook
# records the attempt as INTERRUPTED
if [ -n "${BATON_LAUNCH_CLASSPATH:-}" ]; then
  exec "$java_bin" "${jvm[@]}" -cp "$BATON_LAUNCH_CLASSPATH" dev.baton.cli.Main "$@"
fi
if [ ! -f "$baton_jar" ]; then
  echo "baton entrypoint: $baton_jar not found: build the image from the repository root after" \
    "'mvn -pl cli -am package', or set BATON_JAR" >&2
  exit 2
fi
exec "$java_bin" "${jvm[@]}" -jar "$baton_jar" "$@"
