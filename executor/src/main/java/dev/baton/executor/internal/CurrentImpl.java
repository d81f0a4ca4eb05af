package dev.baton.executor.internal;

import dev.baton.flow.Current;
import java.util.Optional;
import java.util.Set;

/** {@link Current} as a value. */
record CurrentImpl(String flowName, String runId, String stepName, String taskId, int retryCount, Set<String> tags,
        Optional<String> originRunId) implements Current {
    CurrentImpl {
        tags = Set.copyOf(tags);
    }
}
