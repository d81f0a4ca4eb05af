package dev.baton.flow.internal;

import dev.baton.flow.Current;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.ForeachFrame;
import dev.baton.flow.Inputs;
import java.util.List;

/**
 * What the executor binds to a flow instance while a task runs: the answers to the in-step accessors and the
 * hooks that the enhanced flow bytecode calls on artifact field access. Not user API.
 */
public interface TaskContext {
    Object input();

    int index();

    List<ForeachFrame> foreachStack();

    Current current();

    void mergeArtifacts(FlowSpec self, Inputs<?> inputs, FlowSpec.MergeMode mode, List<String> names);

    /**
     * Called by enhanced bytecode before the first read of artifact field {@code field} of {@code self}: load it
     * from the datastore if it has not been materialized yet. Must be cheap when it already has.
     */
    void beforeRead(FlowSpec self, String field);

    /** Called by enhanced bytecode after a write of artifact field {@code field} of {@code self}. */
    void afterWrite(FlowSpec self, String field);
}
