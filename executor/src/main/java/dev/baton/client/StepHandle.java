package dev.baton.client;

import dev.baton.client.internal.Ids;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.TaskState;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** One step of a run: its tasks. The task list is read once, on first use, and kept (a snapshot). */
public final class StepHandle {
    private final Run run;
    private final String name;
    private volatile List<TaskHandle> tasks;

    StepHandle(Run run, String name) {
        this.run = run;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** {@code Flow/run/step}. */
    public String pathspec() {
        return run.pathspec() + "/" + name;
    }

    public Run run() {
        return run;
    }

    /**
     * Every task of the step, in foreach order (outermost index first; gang members by index), then by task id:
     * for the children of a foreach, {@code tasks().get(i)} handled element {@code i}.
     */
    public List<TaskHandle> tasks() {
        List<TaskHandle> loaded = tasks;
        if (loaded == null) {
            List<String> ids = run.flow().datastore().tasks(run.id(), name);
            List<Optional<TaskState>> states = run.flow().datastore()
                    .readTasks(ids.stream().map(id -> new TaskPath(run.id(), name, id)).toList());
            loaded = states.stream().flatMap(Optional::stream).map(s -> new TaskHandle(run, s))
                    .sorted(TASK_ORDER).toList();
            tasks = loaded;
        }
        return loaded;
    }

    /** The task ids of the step, in {@link #tasks()} order. */
    public List<String> taskIds() {
        return tasks().stream().map(TaskHandle::id).toList();
    }

    /**
     * The task {@code taskId}.
     *
     * @throws NotFoundException when the step has no such task, listing the tasks it has
     */
    public TaskHandle task(String taskId) {
        if (taskId.isEmpty() || taskId.contains("/") || taskId.equals(".") || taskId.equals("..")) {
            throw notFound(taskId);
        }
        if (tasks != null) {
            return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst().orElseThrow(() -> notFound(taskId));
        }
        return run.flow().datastore().readTask(new TaskPath(run.id(), name, taskId))
                .map(s -> new TaskHandle(run, s))
                .orElseThrow(() -> notFound(taskId));
    }

    /**
     * The step's only task.
     *
     * @throws NotFoundException when the step has several tasks (a foreach, a gang, a loop), listing them
     */
    public TaskHandle task() {
        List<TaskHandle> all = tasks();
        if (all.size() != 1) {
            throw new NotFoundException("step " + pathspec() + " has " + all.size()
                    + " tasks, not one: name the task, one of " + abbreviate(taskIdsOf(all)));
        }
        return all.get(0);
    }

    private NotFoundException notFound(String taskId) {
        return new NotFoundException("step " + pathspec() + " has no task '" + taskId + "'; its tasks are "
                + abbreviate(taskIds()));
    }

    private static List<String> taskIdsOf(List<TaskHandle> tasks) {
        return tasks.stream().map(TaskHandle::id).toList();
    }

    /** At most 20 ids, then how many more: a 10,000-wide foreach must not flood an error message. */
    static String abbreviate(List<String> ids) {
        if (ids.size() <= 20) {
            return ids.toString();
        }
        return ids.subList(0, 20).toString().replace("]", ", ... (" + (ids.size() - 20) + " more)]");
    }

    static final Comparator<TaskHandle> TASK_ORDER = StepHandle::compareTasks;

    private static int compareTasks(TaskHandle a, TaskHandle b) {
        List<Integer> ia = a.positionIndices();
        List<Integer> ib = b.positionIndices();
        for (int i = 0; i < Math.min(ia.size(), ib.size()); i++) {
            int c = Integer.compare(ia.get(i), ib.get(i));
            if (c != 0) {
                return c;
            }
        }
        int bySize = Integer.compare(ia.size(), ib.size());
        return bySize != 0 ? bySize : Ids.NATURAL.compare(a.id(), b.id());
    }

    @Override
    public String toString() {
        return "Step('" + pathspec() + "')";
    }
}
