package dev.baton.executor.internal;

import dev.baton.executor.internal.enhance.EnhancedFlow;
import dev.baton.executor.internal.enhance.FlowClassLoading;
import dev.baton.flow.FlowSpec;

/**
 * The executor's view of the bytecode enhancement (package {@code internal.enhance}): whether a flow class was
 * enhanced, so that its artifact field reads reach {@code TaskContext.beforeRead} and fields can load lazily.
 * A class that was not (a flow handed to the executor directly, not through the CLI's loader) still works: its
 * fields are then all materialized before the step runs.
 */
final class Enhancement {
    private Enhancement() {}

    static boolean isEnhanced(Class<?> flowClass) {
        return FlowClassLoading.isEnhanced(flowClass);
    }

    /** Forgets tracking state; a fresh instance needs none (tracking only runs while a context is bound). */
    static void resetTracking(FlowSpec flow) {
        if (flow instanceof EnhancedFlow e) {
            e.$baton$resetTracking();
        }
    }
}
