package dev.baton.flow;

import dev.baton.flow.internal.FlowSpecAccess;
import dev.baton.flow.internal.TaskContext;
import java.util.List;

/**
 * The base class of every flow. A flow's public {@link Step} methods are its steps; every non-static,
 * non-transient field is an artifact, persisted after the step that set it and visible to every later step.
 *
 * <p>The accessors below ({@link #input()}, {@link #index()}, {@link #foreachStack()}, {@link #current()},
 * {@code mergeArtifacts*}) work only while a step runs; outside a task they throw
 * {@link IllegalStateException}.
 */
public abstract class FlowSpec {
    static {
        FlowSpecAccess.install(new FlowSpecAccess.Accessor() {
            @Override
            public void bind(FlowSpec flow, TaskContext context) {
                flow.batonTaskContext = context;
            }

            @Override
            public TaskContext context(FlowSpec flow) {
                return flow.batonTaskContext;
            }
        });
    }

    /** Set by the executor for the duration of a task; never an artifact. */
    private transient TaskContext batonTaskContext;

    protected FlowSpec() {}

    private TaskContext context(String what) {
        TaskContext context = batonTaskContext;
        if (context == null) {
            throw new IllegalStateException(what + " is only available while a step of " + getClass().getSimpleName()
                    + " runs as a Baton task (baton run / baton step)");
        }
        return context;
    }

    /**
     * The current foreach item: in a step that a {@code foreach} split fans out to (or any step inside that
     * foreach before its join), the element of the split's list this task handles.
     */
    @SuppressWarnings("unchecked")
    protected final <T> T input() {
        return (T) context("input()").input();
    }

    /** The position of {@link #input()} in the innermost foreach, or the gang member index in a {@code numParallel} step. */
    protected final int index() {
        return context("index()").index();
    }

    /** The enclosing foreach frames, outermost first; empty outside any foreach. */
    protected final List<ForeachFrame> foreachStack() {
        return context("foreachStack()").foreachStack();
    }

    /** Where this task runs: flow, run, step, task, attempt. */
    protected final Current current() {
        return context("current()").current();
    }

    /**
     * In a join: copy every artifact on which all inputs agree (same content key) and that this step has not
     * set itself. Artifacts that differ between inputs are an error naming each of them, and nothing is set.
     */
    protected final void mergeArtifacts(Inputs<?> inputs) {
        context("mergeArtifacts()").mergeArtifacts(this, inputs, MergeMode.ALL, List.of());
    }

    /** Like {@link #mergeArtifacts(Inputs)}, skipping the named artifacts. */
    protected final void mergeArtifactsExcept(Inputs<?> inputs, String... names) {
        context("mergeArtifactsExcept()").mergeArtifacts(this, inputs, MergeMode.EXCEPT, List.of(names));
    }

    /** Like {@link #mergeArtifacts(Inputs)}, only for the named artifacts (each must exist in the inputs). */
    protected final void mergeArtifactsOnly(Inputs<?> inputs, String... names) {
        context("mergeArtifactsOnly()").mergeArtifacts(this, inputs, MergeMode.ONLY, List.of(names));
    }

    /** How {@code mergeArtifacts*} selects artifacts. */
    public enum MergeMode {
        ALL,
        EXCEPT,
        ONLY
    }
}
