package dev.baton.flow.internal;

import dev.baton.flow.graph.GraphError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects graph errors in discovery order, ignoring exact duplicates, so that validation can report every
 * problem at once instead of stopping at the first.
 */
final class ErrorSink {
    private final Set<GraphError> errors = new LinkedHashSet<>();

    void add(String step, String message) {
        errors.add(new GraphError(step, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    int size() {
        return errors.size();
    }

    List<GraphError> toList() {
        return new ArrayList<>(errors);
    }
}
