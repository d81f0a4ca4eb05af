package dev.baton.executor;

import dev.baton.flow.graph.StepNode;
import java.util.List;

/**
 * Runs the tasks of some steps away from the local runtime's JVM (e.g. as AWS Batch jobs) while the runtime keeps
 * scheduling: it decides what runs next, retries ({@code @Retry}: each attempt is a new launch with the next
 * {@link TaskRequest#retryCount()}), joins and stops on Ctrl-C. The third way a task runs, beside a thread and a
 * child process ({@link Isolation}); set with {@link RunOptions#withLauncher(TaskLauncher)}.
 *
 * <p>A remote task records itself in the shared datastore, exactly as a local one does; the runtime trusts the
 * datastore's {@code done.json}, not the remote platform's status, for what the task did.
 */
public interface TaskLauncher {
    /** True when this launcher runs the tasks of {@code step}; the runtime runs the others itself. */
    boolean launches(StepNode step);

    /**
     * Prepares one attempt. The runtime calls {@link Launch#run()} on a worker thread, and may call
     * {@link Launch#interrupt()} from another thread (Ctrl-C), before or during {@code run()}.
     *
     * @param request the attempt
     * @param step its step
     * @param stepArguments the {@code baton} arguments that run this attempt ({@code step STEP --run-id R ...}),
     *     without the global options (flow, datastore), which the launcher supplies its own way
     * @param prefix the prefix for this task's lines on the console ({@code [step/task] })
     */
    Launch prepare(TaskRequest request, StepNode step, List<String> stepArguments, String prefix);

    /** One prepared attempt. */
    interface Launch {
        /** Runs the attempt to its end and reports it (read back from the datastore where possible). */
        TaskResult run();

        /** Stops the attempt (idempotent); {@link #run()} then returns soon with an interrupted result. */
        void interrupt();
    }
}
