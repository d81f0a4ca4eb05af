package dev.baton.executor.internal.resume;

import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.TaskInputs;
import dev.baton.executor.TaskPosition;
import dev.baton.executor.TaskReuse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link TaskReuse} hook of a resumed run: clones the origin's task at the same position when it succeeded,
 * is not at the resume step, and all its origin parents were cloned (see the package documentation).
 * Thread-safe.
 */
final class ReuseHook implements TaskReuse {
    private final FlowDatastore datastore;
    private final OriginRun origin;
    private final String resumeStep;
    /** Origin task (run/step/task) to the new run's task that stands for it. */
    private final Map<TaskPath, TaskPath> cloned = new HashMap<>();
    private final AtomicInteger clones = new AtomicInteger();
    private boolean parametersFixed;

    /**
     * @param resumeStep the step that runs again whatever happened in the origin, or null (only what failed, and
     *     what follows it, runs again)
     */
    ReuseHook(FlowDatastore datastore, OriginRun origin, String resumeStep) {
        this.datastore = datastore;
        this.origin = origin;
        this.resumeStep = resumeStep;
    }

    @Override
    public synchronized boolean reuse(TaskPosition position, TaskPath newTask, TaskInputs inputs) {
        if (!parametersFixed) {
            // The first call comes before any task of the new run runs, and its run record exists by then.
            ResumeRunRecords.adoptOriginParameters(datastore, newTask.runId(), origin.record());
            parametersFixed = true;
        }
        if (position.step().equals(resumeStep)) {
            return false;
        }
        TaskState source = origin.byPosition().get(position);
        if (source == null || !source.succeeded() || source.data() == null) {
            return false;
        }
        List<String> newInputs = new ArrayList<>();
        for (String parent : source.attemptRecord().inputPaths()) {
            TaskPath clone = cloned.get(parsePath(parent));
            if (clone == null) {
                return false; // a parent ran again: this task's inputs may differ, so it runs again too
            }
            newInputs.add(clone.toString());
        }
        Clones.write(datastore, source, newTask, newInputs, cloned::get);
        cloned.put(source.path(), newTask);
        clones.incrementAndGet();
        return true;
    }

    /** How many tasks were cloned so far. */
    int clones() {
        return clones.get();
    }

    private static TaskPath parsePath(String text) {
        try {
            return TaskPath.parse(text);
        } catch (RuntimeException notAPath) {
            return new TaskPath("?", "?", "?"); // an unparseable recorded input never matches a clone
        }
    }

    RunRecord originRecord() {
        return origin.record();
    }
}
