package dev.baton.executor;

import dev.baton.executor.internal.TaskRun;

/**
 * Runs one attempt of one task: what {@code baton step} (the container entrypoint) does, and what the local
 * runtime does for each task in thread isolation.
 *
 * <p>The task resolves its parents from {@link TaskRequest#inputs()} (each must have SUCCEEDED), builds a fresh
 * flow instance bound to the parents' artifacts (loaded lazily when the flow class was enhanced), runs the step
 * method, records the transition (foreach cardinality and per-item keys, switch choice; the foreach coordinator
 * gets the split, the switch and the join registration), persists every artifact it holds (untouched inherited
 * ones by key), and writes {@code done.json} last. The step's output is captured and stored with the attempt.
 * Failures are recorded too, with their outcome; see {@link ExitCodes}.
 */
public final class TaskExecutor {
    private final FlowBinding binding;
    private final java.util.Map<String, dev.baton.datastore.meta.RunRecord> runs =
            new java.util.concurrent.ConcurrentHashMap<>();

    public TaskExecutor(FlowBinding binding) {
        this.binding = binding;
    }

    /** Runs the attempt; the step's output is shown live without a prefix. */
    public TaskResult execute(TaskRequest request) {
        return start(request, "", null).execute();
    }

    /**
     * A handle on an attempt that has not started yet, for callers that may need to interrupt it (a shutdown
     * hook): call {@link Attempt#execute()} on one thread and {@link Attempt#interrupt()} from another.
     *
     * @param livePrefix prefix of each live output line, or empty
     * @param position the task's {@link TaskPosition}, recorded in the attempt, or null
     */
    public Attempt start(TaskRequest request, String livePrefix, TaskPosition position) {
        TaskRun run = new TaskRun(binding, request, livePrefix, position == null ? null : position.toString(), runs);
        return new Attempt(run);
    }

    /** One attempt, started by {@link #execute()}. */
    public static final class Attempt {
        private final TaskRun run;

        Attempt(TaskRun run) {
            this.run = run;
        }

        /** Runs the attempt on the calling thread (the step itself runs on a thread of its own). */
        public TaskResult execute() {
            return run.execute();
        }

        /** Stops the attempt and records it INTERRUPTED (no-op once it has finished). */
        public void interrupt() {
            run.interrupt();
        }
    }
}
