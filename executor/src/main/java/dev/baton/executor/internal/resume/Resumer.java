package dev.baton.executor.internal.resume;

import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.LocalRuntime;
import dev.baton.executor.RunOptions;
import dev.baton.executor.RunResult;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code baton resume [STEP] [--origin-run-id R]}: a new run that reuses the origin's succeeded tasks by
 * position and runs the rest through the {@link LocalRuntime}. See the package documentation for the rules.
 */
public final class Resumer {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final FlowBinding binding;

    public Resumer(FlowBinding binding) {
        this.binding = binding;
    }

    /**
     * How a resume went.
     *
     * @param originRunId the run resumed
     * @param resumeStep the step named by the user, or null when resuming from the failures
     * @param run how the new run ended (its {@code tasksReused} are the clones)
     */
    public record Outcome(String originRunId, String resumeStep, RunResult run) {}

    /**
     * Resumes.
     *
     * @param originRunId the run to resume, or null for the flow's latest run
     * @param step the step to run again from, or null to run again what failed
     * @param options how to run (workers, isolation, console, ...); parameters must be empty (the origin's apply)
     * @throws ConfigurationException for a missing, foreign or still running origin, an unknown step, a run with
     *     nothing to resume, or parameters given
     */
    public Outcome resume(String originRunId, String step, RunOptions options) {
        FlowDatastore datastore = binding.datastore();
        FlowGraph graph = binding.graph();
        String flow = datastore.flowName();
        if (!options.parameters().isEmpty()) {
            throw new ConfigurationException("resume runs with the parameters of the run it resumes; it takes no --"
                    + String.join(", --", options.parameters().keySet())
                    + ". To run with other parameters, start a new run: baton run --<param> <value> ...");
        }
        if (step != null && !graph.steps().containsKey(step)) {
            throw new ConfigurationException("flow " + flow + " has no step '" + step
                    + "' to resume from; its steps are " + graph.steps().keySet());
        }
        PrintStream console = options.console() != null ? options.console() : System.out;

        RunRecord originRecord;
        String why;
        if (originRunId != null) {
            originRecord = datastore.readRun(originRunId).orElseThrow(() -> new ConfigurationException(
                    "--origin-run-id " + originRunId + ": flow " + flow + " has no run '" + originRunId + "' under "
                            + datastore.root() + " (a run of another flow cannot be resumed as " + flow
                            + "); its newest runs are " + newestRunIds(datastore, 10)));
            why = "given by --origin-run-id";
        } else {
            originRecord = newestRuns(datastore).stream().findFirst().orElseThrow(() -> new ConfigurationException(
                    "flow " + flow + " has no run under " + datastore.root() + " to resume: start one with baton run"));
            why = "the latest run of " + flow;
        }
        if (!originRecord.flow().equals(flow)) {
            throw new ConfigurationException("run " + originRecord.runId() + " under " + datastore.root() + "/" + flow
                    + " records flow " + originRecord.flow() + ", not " + flow + ": it cannot be resumed as " + flow);
        }
        OriginRun origin = OriginRun.read(datastore, originRecord);
        refuseIfRunning(origin, flow);

        String from;
        if (step != null) {
            from = "step '" + step + "' (named)";
        } else {
            List<TaskState> failed = origin.unsuccessful();
            if (failed.isEmpty() && originRecord.status() == RunRecord.RunStatus.SUCCEEDED) {
                throw new ConfigurationException("run " + flow + "/" + originRecord.runId() + " (" + why
                        + ") succeeded: there is no failure to resume from. Name the step to run again from:"
                        + " baton resume STEP (steps: " + graph.steps().keySet() + ")");
            }
            List<String> order = new ArrayList<>(graph.steps().keySet());
            Optional<String> first = failed.stream().map(s -> s.path().step()).distinct()
                    .min(Comparator.comparingInt(s -> order.indexOf(s) < 0 ? Integer.MAX_VALUE : order.indexOf(s)));
            from = first.map(s -> "its first failed step '" + s + "'")
                    .orElse("where it stopped (no task failed; the run ended " + originRecord.status() + ")");
        }
        console.println("resuming " + flow + "/" + originRecord.runId() + " (" + why + ", " + originRecord.status()
                + ", created " + (originRecord.createdAt() == null ? "?" : TIME.format(originRecord.createdAt()))
                + ") from " + from);
        console.flush();

        ReuseHook hook = new ReuseHook(datastore, origin, step);
        RunOptions resumed = options
                .withParameters(ResumeRunRecords.rawParameters(datastore, graph, originRecord))
                .withReuse(hook, originRecord.runId());
        RunResult result = new LocalRuntime(binding).run(resumed);
        // the runtime rewrote the record at the end from its own binding of the parameters' text
        ResumeRunRecords.adoptOriginParameters(datastore, result.runId(), originRecord);
        return new Outcome(originRecord.runId(), step, result);
    }

    private static List<RunRecord> newestRuns(FlowDatastore datastore) {
        // every run record is read to find the newest by creation time (ids need not sort by time); in parallel,
        // since on S3 each is a round trip
        return datastore.runIds().parallelStream().map(datastore::readRun).flatMap(Optional::stream)
                .sorted(Comparator.comparing((RunRecord r) -> r.createdAt() == null ? Instant.MIN : r.createdAt())
                        .thenComparing(RunRecord::runId).reversed())
                .toList();
    }

    private static List<String> newestRunIds(FlowDatastore datastore, int max) {
        return newestRuns(datastore).stream().limit(max).map(RunRecord::runId).toList();
    }

    /**
     * A run whose record says RUNNING may be running, or its runtime may have been killed. It is running when an
     * attempt that never ended belongs to a live process of this host, or to another host (which cannot be
     * checked from here).
     */
    private static void refuseIfRunning(OriginRun origin, String flow) {
        RunRecord record = origin.record();
        if (record.status() != RunRecord.RunStatus.RUNNING) {
            return;
        }
        String here = Clones.host();
        List<TaskState> all = new ArrayList<>(origin.byPosition().values());
        all.addAll(origin.unpositioned());
        for (TaskState task : all) {
            if (task.unfinishedAttempt().isEmpty() || task.attemptRecord() == null) {
                continue;
            }
            AttemptRecord attempt = task.attemptRecord();
            boolean sameHost = attempt.host() == null || attempt.host().equals(here);
            boolean alive = !sameHost || ProcessHandle.of(attempt.pid()).map(ProcessHandle::isAlive).orElse(false);
            if (alive) {
                throw new ConfigurationException("run " + flow + "/" + record.runId() + " is still running: task "
                        + task.path() + " runs in process " + attempt.pid() + " on " + attempt.host()
                        + (sameHost ? "" : " (another host: Baton cannot check it from " + here + ")")
                        + ". Wait for it to end (or stop it), or resume another run with --origin-run-id");
            }
        }
    }

}
