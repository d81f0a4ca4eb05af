package dev.baton.executor.internal.resume;

import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.TaskExecutor;
import dev.baton.executor.TaskInputs;
import dev.baton.executor.TaskPosition;
import dev.baton.executor.TaskRequest;
import dev.baton.executor.TaskResult;
import dev.baton.flow.ConfigurationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code baton rerun RUN/STEP/TASK [--as-new-run]}: executes one recorded task again, with exactly its recorded
 * inputs, split index and its run's parameters, on this machine, against whatever datastore it lives in (local or
 * S3). By default the rerun is the next attempt of the same task, so the original attempts stay as they were;
 * with {@code --as-new-run} it is attempt 0 of the same task id in a new run (resumed from the task's run), into
 * which the task's parents are cloned first (metadata only).
 */
public final class Rerunner {
    private final FlowBinding binding;

    public Rerunner(FlowBinding binding) {
        this.binding = binding;
    }

    /**
     * How a rerun went.
     *
     * @param original the recorded task
     * @param task the task that ran: the same one, or its namesake in the new run
     * @param attempt the new attempt's number
     * @param newRun true with {@code --as-new-run}
     * @param result the attempt's result
     */
    public record Outcome(TaskPath original, TaskPath task, int attempt, boolean newRun, TaskResult result) {}

    /**
     * Reruns {@code recorded}.
     *
     * @throws ConfigurationException when the task, its run or its step does not exist, or a parent is not there
     *     any more
     */
    public Outcome rerun(TaskPath recorded, boolean asNewRun) {
        FlowDatastore datastore = binding.datastore();
        String flow = datastore.flowName();
        RunRecord run = datastore.readRun(recorded.runId()).orElseThrow(() -> new ConfigurationException(
                "flow " + flow + " has no run '" + recorded.runId() + "' under " + datastore.root()));
        if (!binding.graph().steps().containsKey(recorded.step())) {
            throw new ConfigurationException("flow " + flow + " (as given by --flow/--classpath) has no step '"
                    + recorded.step() + "'; its steps are " + binding.graph().steps().keySet()
                    + ". Is --classpath the code of run " + recorded.runId() + "?");
        }
        TaskState state = datastore.readTask(recorded).orElseThrow(() -> new ConfigurationException(
                "run " + flow + "/" + recorded.runId() + " has no task " + recorded.step() + "/" + recorded.taskId()
                        + "; the step's tasks are " + abbreviate(datastore.tasks(recorded.runId(), recorded.step()))));
        AttemptRecord attempt = state.attemptRecord();
        if (attempt == null) {
            throw new ConfigurationException("task " + flow + "/" + recorded
                    + " recorded no attempt.json: its inputs are unknown, so it cannot be rerun");
        }
        TaskInputs inputs = attempt.inputPaths().isEmpty()
                ? new TaskInputs.None()
                : TaskInputs.parse(String.join(",", attempt.inputPaths()), false);
        TaskPosition position = OriginRun.positionOf(state).orElse(null);

        TaskPath target = recorded;
        List<Integer> started = state.startedAttempts();
        int number = started.isEmpty() ? 0 : started.get(started.size() - 1) + 1;
        if (asNewRun) {
            String newRunId = newRunId(datastore);
            datastore.writeRun(new RunRecord(flow, newRunId, user(), run.tags(), run.parameters(), run.runId(),
                    RunRecord.RunStatus.RUNNING, Instant.now(), null, Map.of("runtime", "rerun",
                            "rerun.of", flow + "/" + recorded)));
            inputs = cloneParents(datastore, flow, inputs, newRunId);
            target = new TaskPath(newRunId, recorded.step(), recorded.taskId());
            number = 0;
        }
        // the rerun is the task's last attempt: no further @Retry, and @Catch applies as on a last attempt
        TaskRequest request = new TaskRequest(target.step(), target.runId(), target.taskId(), inputs,
                attempt.splitIndex(), number, number, run.tags(), Map.of());
        TaskResult result = new TaskExecutor(binding).start(request, "", position).execute();
        if (asNewRun) {
            RunRecord created = datastore.readRun(target.runId()).orElseThrow();
            datastore.writeRun(new RunRecord(created.flow(), created.runId(), created.user(), created.tags(),
                    created.parameters(), created.originRunId(),
                    result.succeeded() ? RunRecord.RunStatus.SUCCEEDED : RunRecord.RunStatus.FAILED,
                    created.createdAt(), Instant.now(), created.attributes()));
        }
        return new Outcome(recorded, target, number, asNewRun, result);
    }

    /** Clones each parent into {@code newRunId} under the same step and task id; returns the new inputs. */
    private static TaskInputs cloneParents(FlowDatastore datastore, String flow, TaskInputs inputs, String newRunId) {
        if (!(inputs instanceof TaskInputs.Paths paths)) {
            return inputs;
        }
        List<TaskPath> cloned = new ArrayList<>();
        for (TaskPath parent : paths.paths()) {
            TaskState state = datastore.readTask(parent).filter(TaskState::succeeded).orElseThrow(() ->
                    new ConfigurationException("parent task " + flow + "/" + parent + " of the task to rerun has no"
                            + " successful attempt: it cannot be an input"));
            TaskPath target = new TaskPath(newRunId, parent.step(), parent.taskId());
            List<String> grandparents = state.attemptRecord() == null ? List.of() : state.attemptRecord().inputPaths();
            Clones.write(datastore, state, target, grandparents,
                    split -> new TaskPath(newRunId, split.step(), split.taskId()));
            cloned.add(target);
        }
        return new TaskInputs.Paths(cloned);
    }

    private static String newRunId(FlowDatastore datastore) {
        long id = System.currentTimeMillis();
        while (datastore.readRun(Long.toString(id)).isPresent()) {
            id++;
        }
        return Long.toString(id);
    }

    private static String user() {
        String u = System.getenv("BATON_USER");
        return u != null && !u.isBlank() ? u : System.getProperty("user.name", "unknown");
    }

    private static String abbreviate(List<String> ids) {
        return ids.size() <= 20 ? ids.toString() : ids.subList(0, 20) + " ... (" + ids.size() + " in all)";
    }
}
