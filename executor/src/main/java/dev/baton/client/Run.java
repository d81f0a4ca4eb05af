package dev.baton.client;

import dev.baton.client.internal.Ids;
import dev.baton.client.internal.LazyValueMap;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a flow: its record ({@code _run.json}) and its steps. A snapshot of the record as it was read; a
 * resumed run is a run like any other, whose {@link #originRunId()} names the run it resumed.
 */
public final class Run {
    private final FlowHandle flow;
    private final RunRecord record;

    Run(FlowHandle flow, RunRecord record) {
        this.flow = flow;
        this.record = record;
    }

    public String id() {
        return record.runId();
    }

    /** {@code Flow/run}. */
    public String pathspec() {
        return flow.name() + "/" + id();
    }

    public String flowName() {
        return flow.name();
    }

    /** The status the runtime last recorded ({@code RUNNING} also for a runtime that was killed). */
    public RunRecord.RunStatus status() {
        return record.status();
    }

    public boolean successful() {
        return record.status() == RunRecord.RunStatus.SUCCEEDED;
    }

    /** True when the runtime recorded an end (success, failure or interruption). */
    public boolean finished() {
        return record.status() != RunRecord.RunStatus.RUNNING;
    }

    public Instant createdAt() {
        return record.createdAt();
    }

    public Optional<Instant> finishedAt() {
        return Optional.ofNullable(record.finishedAt());
    }

    /** From creation to the recorded end; empty while the run has no end. */
    public Optional<Duration> duration() {
        return record.createdAt() == null || record.finishedAt() == null
                ? Optional.empty()
                : Optional.of(Duration.between(record.createdAt(), record.finishedAt()));
    }

    /** Who started the run. */
    public String user() {
        return record.user();
    }

    public List<String> tags() {
        return record.tags();
    }

    /** The run this one resumed, if any. */
    public Optional<String> originRunId() {
        return Optional.ofNullable(record.originRunId());
    }

    /** The raw record, with its free-form attributes. */
    public RunRecord record() {
        return record;
    }

    /** Parameter name to stored value, without loading any. */
    public Map<String, ArtifactRef> parameterRefs() {
        return record.parameters();
    }

    /** Parameter name to value; each value is loaded from the datastore on first access. */
    public Map<String, Object> parameters() {
        return new LazyValueMap<>(record.parameters().keySet(), name -> flow.datastore().blobs()
                .get("parameter '" + name + "' of run " + pathspec(), record.parameters().get(name).key()));
    }

    /**
     * The steps that have at least one task, in the order they began (by the start of each step's first task),
     * then by name.
     */
    public List<StepHandle> steps() {
        List<String> names = flow.datastore().steps(id());
        List<Instant> starts = flow.client().session().readAll(names, this::firstStart);
        java.util.List<Integer> order = new java.util.ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> starts.get(i)).thenComparing(i -> names.get(i)));
        return order.stream().map(i -> new StepHandle(this, names.get(i))).toList();
    }

    private Instant firstStart(String step) {
        List<String> tasks = flow.datastore().tasks(id(), step);
        return tasks.stream().min(Ids.NATURAL)
                .flatMap(task -> flow.datastore().readTask(new TaskPath(id(), step, task)))
                .map(Run::started)
                .orElse(Instant.MAX);
    }

    private static Instant started(TaskState state) {
        if (state.attemptRecord() != null && state.attemptRecord().startedAt() != null) {
            return state.attemptRecord().startedAt();
        }
        return state.done() != null && state.done().startedAt() != null ? state.done().startedAt() : Instant.MAX;
    }

    /**
     * The step {@code name}.
     *
     * @throws NotFoundException when the run has no task of that step, listing the steps it has
     */
    public StepHandle step(String name) {
        List<String> steps = flow.datastore().steps(id());
        if (!steps.contains(name)) {
            throw new NotFoundException("run " + pathspec() + " has no step '" + name + "'"
                    + (steps.isEmpty() ? " (no step has started in it)" : "; its steps are " + steps));
        }
        return new StepHandle(this, name);
    }

    /** The task of the {@code end} step, when it has started. */
    public Optional<TaskHandle> endTask() {
        if (!flow.datastore().steps(id()).contains("end")) {
            return Optional.empty();
        }
        List<TaskHandle> tasks = new StepHandle(this, "end").tasks();
        return tasks.isEmpty() ? Optional.empty() : Optional.of(tasks.get(tasks.size() - 1));
    }

    /**
     * The artifacts of the end task, each loaded on first access: the run's results.
     *
     * @throws NotFoundException when the run has no successful end task
     */
    public Map<String, Object> data() {
        TaskHandle end = endTask().orElseThrow(() -> new NotFoundException("run " + pathspec()
                + " has no end task (status " + status() + "): its results are in the tasks of its steps"));
        if (!end.successful()) {
            throw new NotFoundException("the end task " + end.pathspec() + " of run " + pathspec()
                    + " did not succeed (" + end.status() + "): it holds no results");
        }
        return end.data();
    }

    FlowHandle flow() {
        return flow;
    }

    @Override
    public String toString() {
        return "Run('" + pathspec() + "', " + status() + ")";
    }
}
