package dev.baton.executor;

import dev.baton.executor.internal.enhance.FlowClassLoading;
import dev.baton.flow.FlowSpec;

/** Loads test flows the way the CLI does: through the enhancing class loader, so artifact fields load lazily. */
final class TestFlows {
    private TestFlows() {}

    static Class<? extends FlowSpec> load(Class<? extends FlowSpec> flowClass) {
        return FlowClassLoading.enhance(flowClass);
    }
}
