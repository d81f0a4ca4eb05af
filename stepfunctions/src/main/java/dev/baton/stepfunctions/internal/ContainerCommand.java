package dev.baton.stepfunctions.internal;

/**
 * The shell wrapper every Baton container runs: {@code sh -c SCRIPT baton}, which runs {@code baton step ...}.
 *
 * <p>Why a wrapper: Batch does not expand variables in a command, yet the task id is the Batch job id, known only
 * inside the container ({@code AWS_BATCH_JOB_ID}), and the run id and parents come from the state machine's data
 * as environment variables. The script appends them as options, runs {@code baton}, forwards SIGTERM (Batch
 * stopping the job) so the executor records the attempt as interrupted, and turns a user failure that still has
 * {@code @Retry} budget left into exit 75 so that the job definition's {@code evaluateOnExit} can retry exactly
 * those, while the last user failure keeps exit 1 (not retried) and transient failures (exit 3) are retried
 * within the job's attempts.
 *
 * <p>Variables: {@code BATON_STEP}, {@code BATON_RUN_ID}; optional {@code BATON_PARENTS} (parents as
 * {@code step/task,...} within the run: the run id is not repeated, so a branch join's override stays small),
 * {@code BATON_JOIN_SPLIT} (non-empty: the parent is a foreach split), {@code BATON_SPLIT_INDEX},
 * {@code BATON_FOREACH_ITEMS} (non-empty: a split writes its items object for a Distributed Map), {@code BATON_GANG}
 * (non-empty: a node of a gang's multi-node parallel job: task id {@code <job>-<node>}, index {@code <node>}, and the
 * main node then runs {@code baton step-functions gang-wait} for the other members); for {@code start}
 * {@code BATON_PARAM_OPTIONS} (option names) with values {@code BATON_PARAM_0..n} (empty = not given) and
 * {@code BATON_RUN_TAGS} (space-separated {@code k:v}, from the job definition); {@code BATON_USER_RETRIES} is the
 * step's {@code @Retry} budget.
 */
public final class ContainerCommand {
    /** Exit code of a user failure that will be retried. */
    public static final int RETRYABLE_USER_FAILURE = 75;

    /**
     * The script, one line per statement. It never depends on the flow: it lives in the job definitions' command,
     * so that a task's container override carries only environment variables.
     */
    public static final String SCRIPT = String.join("\n",
            // a gang member (a node of a multi-node parallel job, whose id may carry '#<node>'): task id
            // <job>-<node>, index <node>
            "t=\"$AWS_BATCH_JOB_ID\"; [ -n \"$BATON_GANG\" ] && t=\"${AWS_BATCH_JOB_ID%%#*}-$AWS_BATCH_JOB_NODE_INDEX\"",
            "set -- step \"$BATON_STEP\" --run-id \"$BATON_RUN_ID\" --task-id \"$t\"",
            "[ -n \"$BATON_GANG\" ] && set -- \"$@\" --split-index \"$AWS_BATCH_JOB_NODE_INDEX\"",
            "[ -n \"$BATON_JOIN_SPLIT\" ] && set -- \"$@\" --join-split",
            "if [ -n \"$BATON_PARENTS\" ]; then ps=; for x in $(echo \"$BATON_PARENTS\" | tr , ' ');"
                    + " do ps=\"$ps${ps:+,}$BATON_RUN_ID/$x\"; done; set -- \"$@\" --input-paths \"$ps\"; fi",
            "[ -n \"$BATON_SPLIT_INDEX\" ] && set -- \"$@\" --split-index \"$BATON_SPLIT_INDEX\"",
            "[ -n \"$BATON_FOREACH_ITEMS\" ] && set -- \"$@\" --foreach-items-object",
            "i=0; for o in $BATON_PARAM_OPTIONS; do eval \"v=\\${BATON_PARAM_$i}\";"
                    + " [ -n \"$v\" ] && set -- \"$@\" \"$o\" \"$v\"; i=$((i+1)); done",
            "if [ -n \"$BATON_RUN_TAGS\" ]; then for t in $BATON_RUN_TAGS; do set -- \"$@\" --tag \"$t\"; done; fi",
            "\"$0\" \"$@\" & p=$!",
            "trap 'kill -TERM $p 2>/dev/null' TERM INT",
            "wait $p; rc=$?",
            "while kill -0 $p 2>/dev/null; do wait $p; rc=$?; done",
            // Batch ends a multi-node job (stopping every node) when its main node exits, and takes the job's
            // outcome from it: so the main node waits for the other members and fails when one of them failed
            "if [ $rc -eq 0 ] && [ -n \"$BATON_GANG\" ]"
                    + " && [ \"$AWS_BATCH_JOB_NODE_INDEX\" = \"${AWS_BATCH_JOB_MAIN_NODE_INDEX:-0}\" ]; then",
            "  \"$0\" step-functions gang-wait --run-id \"$BATON_RUN_ID\" --step \"$BATON_STEP\""
                    + " --job \"${AWS_BATCH_JOB_ID%%#*}\" --nodes \"$AWS_BATCH_JOB_NUM_NODES\" & p=$!",
            "  wait $p; rc=$?",
            "  while kill -0 $p 2>/dev/null; do wait $p; rc=$?; done",
            "fi",
            "if [ $rc -eq 1 ] || [ $rc -eq 124 ]; then",
            "  [ \"${AWS_BATCH_JOB_ATTEMPT:-1}\" -le \"${BATON_USER_RETRIES:-0}\" ] && rc=" + RETRYABLE_USER_FAILURE,
            "fi",
            "exit $rc");

    /** The job definitions' command: {@code sh -c SCRIPT baton} ({@code baton} on the image's PATH). */
    public static final java.util.List<String> JOB_COMMAND = java.util.List.of("sh", "-c", SCRIPT, "baton");

    private ContainerCommand() {}
}
