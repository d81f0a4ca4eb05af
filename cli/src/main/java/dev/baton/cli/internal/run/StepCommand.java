package dev.baton.cli.internal.run;

import dev.baton.cli.internal.CommandModels;
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
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code baton step}: runs exactly one task, the container entrypoint. Exit codes: 0 ok, 1 the step failed,
 * 2 usage/config, 3 transient (retry), 4 invalid flow, 124 timed out ({@code @Timeout}), 130 interrupted.
 * SIGTERM (Batch terminating the job, Ctrl-C) records the attempt INTERRUPTED; SIGKILL leaves no done.json, so
 * the task never looks finished.
 */
public final class StepCommand implements Callable<Integer> {
    /** The command's name, as {@code args} invoke it. */
    public static final String NAME = "step";

    // the model and the values of the options, stored by picocli through the bindings that model() gives it
    private CommandSpec spec;
    private String step;
    private String runId;
    private String taskId;
    private String inputPaths;
    private boolean joinSplit;
    private Integer splitIndex;
    private Integer retryCount;
    private Integer maxUserCodeRetries;
    private List<String> tags;
    private boolean foreachItemsObject;
    private String position;
    private List<String> parameters; // the flow's parameters: every argument no option takes

    private StepCommand() {}

    /**
     * The picocli model of a new {@code baton step} command: the one definition of its options. Built in code, not
     * from annotations, because every task's process builds it before it can start (see {@code CommandModels});
     * it is the model picocli would build from the equivalent {@code @Command}, {@code @Parameters},
     * {@code @Option} and {@code @Unmatched} annotations. The root command adds the global and the standard help
     * options when this is added to it.
     */
    public static CommandSpec model() {
        StepCommand c = new StepCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(c);
        c.spec = spec;
        spec.name(NAME);
        spec.usageMessage().description("Runs one task of the flow (the container entrypoint).",
                "Foreach joins may name the split task with --input-paths RUN/SPLIT/TASK --join-split: the foreach"
                        + " coordinator lists the children in index order.");
        spec.addPositional(CommandModels.positional(String.class, () -> c.step, v -> c.step = v)
                .index("0").required(true).paramLabel("STEP").description("The step to run.").build());
        spec.addOption(CommandModels.option("--run-id", String.class, () -> c.runId, v -> c.runId = v)
                .required(true).paramLabel("R").build());
        spec.addOption(CommandModels.option("--task-id", String.class, () -> c.taskId, v -> c.taskId = v)
                .required(true).paramLabel("T").build());
        spec.addOption(CommandModels.option("--input-paths", String.class, () -> c.inputPaths, v -> c.inputPaths = v)
                .paramLabel("P")
                .description("Parents: run/step/t1,run/step/t2 or run/step/:t1,t2 (none for start).").build());
        spec.addOption(CommandModels.option("--join-split", boolean.class, () -> c.joinSplit, v -> c.joinSplit = v)
                .arity(CommandModels.noArguments()).paramLabel("<joinSplit>")
                .description("--input-paths names the foreach (or gang) split task.").build());
        spec.addOption(CommandModels.option("--split-index", Integer.class, () -> c.splitIndex, v -> c.splitIndex = v)
                .paramLabel("I").description("The foreach index or gang member.").build());
        spec.addOption(CommandModels.option("--retry-count", Integer.class, () -> c.retryCount, v -> c.retryCount = v)
                .paramLabel("A")
                .description("The attempt: 0 first (default: AWS_BATCH_JOB_ATTEMPT - 1 on Batch, else 0).").build());
        spec.addOption(CommandModels.option("--max-user-code-retries", Integer.class, () -> c.maxUserCodeRetries,
                v -> c.maxUserCodeRetries = v)
                .paramLabel("K")
                .description("Retries the step has in all (default: its @Retry); @Catch applies on the last.").build());
        spec.addOption(CommandModels.option("--tag", List.class, () -> c.tags, v -> c.tags = v)
                .auxiliaryTypes(String.class).paramLabel("K:V")
                .description("Run tags, when start creates the run (repeatable).").build());
        spec.addOption(CommandModels.option("--foreach-items-object", boolean.class, () -> c.foreachItemsObject,
                v -> c.foreachItemsObject = v)
                .arity(CommandModels.noArguments()).paramLabel("<foreachItemsObject>")
                .description("After a foreach split succeeds, also write its indices to <task>/_foreach_items.json"
                        + " for a Step Functions Distributed Map (set by the compiled state machine).").build());
        spec.addOption(CommandModels.option("--task-position", String.class, () -> c.position, v -> c.position = v)
                .hidden(true).paramLabel("<position>")
                .description("The task's position, set by the local runtime.").build());
        spec.addUnmatchedArgsBinding(CommandModels.unmatched(() -> c.parameters, v -> c.parameters = v));
        return spec;
    }

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
