package dev.baton.executor.internal.resume;

import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.TaskPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks of the run being resumed, indexed by position. Read once, in parallel, before the new run starts.
 *
 * @param record the origin's run record
 * @param byPosition each task's latest state, by the position its attempt recorded
 * @param unpositioned tasks that recorded no position (never reused: they cannot be matched)
 */
record OriginRun(RunRecord record, Map<TaskPosition, TaskState> byPosition, List<TaskState> unpositioned) {

    static OriginRun read(FlowDatastore datastore, RunRecord record) {
        String run = record.runId();
        List<TaskPath> paths = new ArrayList<>();
        for (String step : datastore.steps(run)) {
            for (String task : datastore.tasks(run, step)) {
                paths.add(new TaskPath(run, step, task));
            }
        }
        List<TaskState> states = readAll(datastore, paths);
        Map<TaskPosition, TaskState> byPosition = new HashMap<>();
        List<TaskState> unpositioned = new ArrayList<>();
        for (TaskState state : states) {
            Optional<TaskPosition> position = positionOf(state);
            if (position.isPresent()) {
                byPosition.merge(position.get(), state, OriginRun::newer);
            } else {
                unpositioned.add(state);
            }
        }
        return new OriginRun(record, Map.copyOf(byPosition), List.copyOf(unpositioned));
    }

    /** Two tasks at one position (should not happen): keep the one that succeeded, else the later started. */
    private static TaskState newer(TaskState a, TaskState b) {
        if (a.succeeded() != b.succeeded()) {
            return a.succeeded() ? a : b;
        }
        return b;
    }

    static Optional<TaskPosition> positionOf(TaskState state) {
        if (state.attemptRecord() == null) {
            return Optional.empty();
        }
        String text = state.attemptRecord().environment().get(TaskPosition.ATTEMPT_KEY);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TaskPosition.parse(text));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** Every task that did not succeed (failed, timed out, killed, interrupted), positioned or not. */
    List<TaskState> unsuccessful() {
        List<TaskState> out = new ArrayList<>();
        byPosition.values().stream().filter(s -> !s.succeeded()).forEach(out::add);
        unpositioned.stream().filter(s -> !s.succeeded()).forEach(out::add);
        return out;
    }

    private static List<TaskState> readAll(FlowDatastore datastore, List<TaskPath> paths) {
        return datastore.readTasks(paths).stream().flatMap(Optional::stream).toList();
    }
}
