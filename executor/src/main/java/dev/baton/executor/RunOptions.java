package dev.baton.executor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How {@link LocalRuntime} runs a flow. Build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param parameters raw parameter values by option name ({@code learning-rate -> "0.1"})
 * @param maxWorkers how many tasks run at once
 * @param isolation thread or process
 * @param runIdFile where to write the run id as soon as it is known, or null
 * @param tags the run's tags
 * @param childCommand the command that starts a {@code baton} child with the flow and datastore options already
 *     given (e.g. {@code java -cp baton.jar dev.baton.cli.Main --flow X --datastore-root R}); the runtime
 *     appends {@code step STEP ...}. Needed for process isolation and for steps with {@code @Environment}.
 * @param reuse the resume hook: may supply finished tasks of an origin run instead of running them
 * @param originRunId the run this one resumes, recorded in {@code _run.json}, or null
 * @param runId the id to give the run, or null to generate one
 * @param console where progress and the summary go, or null for the console
 * @param liveProgress true to redraw one progress line (a terminal), false for plain log lines
 * @param launcher runs the tasks of the steps it {@linkplain TaskLauncher#launches launches} (e.g. on AWS Batch),
 *     or null to run every task locally
 */
public record RunOptions(
        Map<String, String> parameters,
        int maxWorkers,
        Isolation isolation,
        Path runIdFile,
        List<String> tags,
        List<String> childCommand,
        TaskReuse reuse,
        String originRunId,
        String runId,
        PrintStream console,
        boolean liveProgress,
        TaskLauncher launcher) {

    /** Without a {@link TaskLauncher}: every task runs locally. */
    public RunOptions(Map<String, String> parameters, int maxWorkers, Isolation isolation, Path runIdFile,
            List<String> tags, List<String> childCommand, TaskReuse reuse, String originRunId, String runId,
            PrintStream console, boolean liveProgress) {
        this(parameters, maxWorkers, isolation, runIdFile, tags, childCommand, reuse, originRunId, runId, console,
                liveProgress, null);
    }

    public RunOptions {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        tags = tags == null ? List.of() : List.copyOf(tags);
        childCommand = childCommand == null ? List.of() : List.copyOf(childCommand);
        reuse = reuse == null ? TaskReuse.NONE : reuse;
        isolation = isolation == null ? Isolation.THREAD : isolation;
        if (maxWorkers < 1) {
            throw new dev.baton.flow.ConfigurationException("--max-workers must be at least 1, got " + maxWorkers);
        }
    }

    /** Thread isolation, one worker per core, no parameters. */
    public static RunOptions defaults() {
        return new RunOptions(Map.of(), Runtime.getRuntime().availableProcessors(), Isolation.THREAD, null, List.of(),
                List.of(), TaskReuse.NONE, null, null, null, false);
    }

    public RunOptions withParameters(Map<String, String> p) {
        return new RunOptions(p, maxWorkers, isolation, runIdFile, tags, childCommand, reuse, originRunId, runId,
                console, liveProgress, launcher);
    }

    public RunOptions withMaxWorkers(int n) {
        return new RunOptions(parameters, n, isolation, runIdFile, tags, childCommand, reuse, originRunId, runId,
                console, liveProgress, launcher);
    }

    public RunOptions withIsolation(Isolation i) {
        return new RunOptions(parameters, maxWorkers, i, runIdFile, tags, childCommand, reuse, originRunId, runId,
                console, liveProgress, launcher);
    }

    public RunOptions withRunIdFile(Path f) {
        return new RunOptions(parameters, maxWorkers, isolation, f, tags, childCommand, reuse, originRunId, runId,
                console, liveProgress, launcher);
    }

    public RunOptions withTags(List<String> t) {
        return new RunOptions(parameters, maxWorkers, isolation, runIdFile, t, childCommand, reuse, originRunId, runId,
                console, liveProgress, launcher);
    }

    public RunOptions withChildCommand(List<String> c) {
        return new RunOptions(parameters, maxWorkers, isolation, runIdFile, tags, c, reuse, originRunId, runId,
                console, liveProgress, launcher);
    }

    /** For resume: reuse finished tasks of {@code origin} through {@code hook}. */
    public RunOptions withReuse(TaskReuse hook, String origin) {
        return new RunOptions(parameters, maxWorkers, isolation, runIdFile, tags, childCommand, hook, origin, runId,
                console, liveProgress, launcher);
    }

    public RunOptions withRunId(String id) {
        return new RunOptions(parameters, maxWorkers, isolation, runIdFile, tags, childCommand, reuse, originRunId, id,
                console, liveProgress, launcher);
    }

    /** Runs the steps {@code l} launches through it (e.g. AWS Batch); null for none. */
    public RunOptions withLauncher(TaskLauncher l) {
        return new RunOptions(parameters, maxWorkers, isolation, runIdFile, tags, childCommand, reuse, originRunId,
                runId, console, liveProgress, l);
    }

    public RunOptions withConsole(PrintStream out, boolean live) {
        return new RunOptions(parameters, maxWorkers, isolation, runIdFile, tags, childCommand, reuse, originRunId,
                runId, out, live, launcher);
    }
}
