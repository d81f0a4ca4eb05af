package dev.baton.executor.internal.enhance;

import dev.baton.flow.Current;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.ForeachFrame;
import dev.baton.flow.Inputs;
import dev.baton.flow.internal.TaskContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A task context that records the hooks and, like the executor, materializes "stored" values with
 * {@link FieldAccess#set} on {@code beforeRead}.
 */
final class RecordingContext implements TaskContext {
    final Map<String, Object> stored = new HashMap<>();
    final List<String> reads = new ArrayList<>();
    final List<String> writes = new ArrayList<>();
    RuntimeException failReads;

    RecordingContext store(String field, Object value) {
        stored.put(field, value);
        return this;
    }

    @Override
    public void beforeRead(FlowSpec self, String field) {
        reads.add(field);
        if (failReads != null) {
            throw failReads;
        }
        if (stored.containsKey(field)) {
            FieldAccess.of(self.getClass()).set(self, field, stored.get(field));
        }
    }

    @Override
    public void afterWrite(FlowSpec self, String field) {
        writes.add(field);
    }

    @Override
    public Object input() {
        throw new UnsupportedOperationException();
    }

    @Override
    public int index() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<ForeachFrame> foreachStack() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Current current() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void mergeArtifacts(FlowSpec self, Inputs<?> inputs, FlowSpec.MergeMode mode, List<String> names) {
        throw new UnsupportedOperationException();
    }
}
