package dev.baton.executor;

import dev.baton.executor.internal.LocalRunner;

/**
 * Runs whole flows on one machine ({@code baton run}): tasks in parallel up to {@link RunOptions#maxWorkers()},
 * each in a thread of this JVM or a child {@code baton step} process ({@link Isolation}), with retries,
 * timeouts, progress output and a clean stop on Ctrl-C (running tasks are recorded INTERRUPTED).
 *
 * <p>Every task has a stable {@link TaskPosition}; before launching one the runtime asks
 * {@link RunOptions#reuse()} whether a finished task of an origin run can stand in for it (how resume works).
 */
public final class LocalRuntime {
    private final FlowBinding binding;

    public LocalRuntime(FlowBinding binding) {
        this.binding = binding;
    }

    /**
     * Runs the flow to its end (or first failure).
     *
     * @throws dev.baton.flow.ConfigurationException for bad parameters or options, before anything runs
     */
    public RunResult run(RunOptions options) {
        return new LocalRunner(binding, options).run();
    }
}
