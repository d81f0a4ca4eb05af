package dev.baton.cli.internal.run;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.sfn.ForeachItemsObjects;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.TaskExecutor;
import dev.baton.executor.TaskInputs;
import dev.baton.executor.TaskPosition;
import dev.baton.executor.TaskRequest;
import dev.baton.executor.TaskResult;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code baton step}: runs exactly one task, the container entrypoint. Exit codes: 0 ok, 1 the step failed,
 * 2 usage/config, 3 transient (retry), 4 invalid flow, 124 timed out ({@code @Timeout}), 130 interrupted.
 * SIGTERM (Batch terminating the job, Ctrl-C) records the attempt INTERRUPTED; SIGKILL leaves no done.json, so
 * the task never looks finished.
 */
// addMethodSubcommands = false: picocli would otherwise parse the annotations of every method, at every task's start
@Command(name = "step", addMethodSubcommands = false, description = {"Runs one task of the flow (the container entrypoint).",
        "Foreach joins may name the split task with --input-paths RUN/SPLIT/TASK --join-split: the foreach"
                + " coordinator lists the children in index order."})
public final class StepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STEP", description = "The step to run.")
    String step;

    @Option(names = "--run-id", required = true, paramLabel = "R")
    String runId;

    @Option(names = "--task-id", required = true, paramLabel = "T")
    String taskId;

    @Option(names = "--input-paths", paramLabel = "P",
            description = "Parents: run/step/t1,run/step/t2 or run/step/:t1,t2 (none for start).")
    String inputPaths;

    @Option(names = "--join-split", description = "--input-paths names the foreach (or gang) split task.")
    boolean joinSplit;

    @Option(names = "--split-index", paramLabel = "I", description = "The foreach index or gang member.")
    Integer splitIndex;

    @Option(names = "--retry-count", paramLabel = "A",
            description = "The attempt: 0 first (default: AWS_BATCH_JOB_ATTEMPT - 1 on Batch, else 0).")
    Integer retryCount;

    @Option(names = "--max-user-code-retries", paramLabel = "K",
            description = "Retries the step has in all (default: its @Retry); @Catch applies on the last.")
    Integer maxUserCodeRetries;

    @Option(names = "--tag", paramLabel = "K:V", description = "Run tags, when start creates the run (repeatable).")
    List<String> tags;

    @Option(names = "--foreach-items-object", description = "After a foreach split succeeds, also write its"
            + " indices to <task>/_foreach_items.json for a Step Functions Distributed Map (set by the compiled"
            + " state machine).")
    boolean foreachItemsObject;

    @Option(names = "--task-position", hidden = true, description = "The task's position, set by the local runtime.")
    String position;

    @Unmatched
    List<String> parameters;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        int attempt = retryCount != null ? retryCount : batchAttempt();
        try (FlowSession session = new FlowSession(global, step)) {
            TaskRequest request = new TaskRequest(step, runId, taskId, TaskInputs.parse(inputPaths, joinSplit),
                    splitIndex, attempt, maxUserCodeRetries, tags, FlowParameters.parse(parameters));
            TaskExecutor.Attempt a = new TaskExecutor(session.binding).start(request, "",
                    position == null ? null : TaskPosition.parse(position));
            Thread hook = new Thread(a::interrupt, "baton-step-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            TaskResult result;
            try {
                result = a.execute();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs now and records the interruption
                }
            }
            if (foreachItemsObject) {
                int code = ForeachItemsObjects.writeIfSplit(session.binding, result, spec.commandLine().getErr());
                if (code != result.exitCode()) {
                    return code;
                }
            }
            if (result.exitCode() != ExitCodes.OK && result.message() != null) {
                spec.commandLine().getErr().println("baton: task " + runId + "/" + step + "/" + taskId + " attempt "
                        + attempt + ": " + result.message());
                spec.commandLine().getErr().flush();
            }
            return result.exitCode();
        }
    }

    /** Batch counts attempts from 1; Baton from 0. */
    private static int batchAttempt() {
        String a = System.getenv("AWS_BATCH_JOB_ATTEMPT");
        if (a == null || a.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(a.trim()) - 1);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
