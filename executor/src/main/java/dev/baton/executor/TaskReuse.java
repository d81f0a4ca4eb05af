package dev.baton.executor;

import dev.baton.datastore.TaskPath;

/**
 * The hook through which {@code resume} reuses finished tasks of an origin run. Before the local runtime launches
 * a task it calls {@link #reuse}; when the hook returns true it must already have written a finished, successful
 * task at {@code newTask} (its attempt, data and done records pointing at the origin's blob keys, with
 * {@code DoneRecord.originPathspec} set) and the runtime continues from that task as if it had run: it replays the
 * task's foreach coordinator records (split cardinality, switch choice, join registration) itself.
 */
@FunctionalInterface
public interface TaskReuse {
    /** Never reuses anything: a plain run. */
    TaskReuse NONE = (position, newTask, inputs) -> false;

    /**
     * @param position where the task stands (match the origin run's task at the same position)
     * @param newTask the task path the runtime would run
     * @param inputs the new task's parents in the new run
     * @return true when the hook wrote a finished clone at {@code newTask}
     */
    boolean reuse(TaskPosition position, TaskPath newTask, TaskInputs inputs);
}
