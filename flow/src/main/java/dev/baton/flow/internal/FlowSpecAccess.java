package dev.baton.flow.internal;

import dev.baton.flow.FlowSpec;

/**
 * Lets the executor (another module) bind a {@link TaskContext} to a flow instance without a public setter on
 * {@link FlowSpec}, and gives enhanced flow bytecode one static entry point per hook. Not user API.
 */
public final class FlowSpecAccess {
    /** Implemented by {@link FlowSpec} itself, which owns the private field. */
    public interface Accessor {
        void bind(FlowSpec flow, TaskContext context);

        TaskContext context(FlowSpec flow);
    }

    private static volatile Accessor accessor;

    private FlowSpecAccess() {}

    /** Called once from {@link FlowSpec}'s static initializer. */
    public static void install(Accessor a) {
        accessor = a;
    }

    private static Accessor accessor() {
        Accessor a = accessor;
        if (a == null) {
            try {
                // FlowSpec's static initializer installs the accessor
                Class.forName(FlowSpec.class.getName(), true, FlowSpec.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = accessor;
        }
        return a;
    }

    /** Binds (or with {@code null}, unbinds) the task context of {@code flow}. */
    public static void bind(FlowSpec flow, TaskContext context) {
        accessor().bind(flow, context);
    }

    /** The bound context, or {@code null} outside a task. */
    public static TaskContext context(FlowSpec flow) {
        return accessor().context(flow);
    }

    /** Entry point for enhanced bytecode: before a read of an artifact field. No-op outside a task. */
    public static void beforeRead(FlowSpec flow, String field) {
        TaskContext c = accessor().context(flow);
        if (c != null) {
            c.beforeRead(flow, field);
        }
    }

    /** Entry point for enhanced bytecode: after a write of an artifact field. No-op outside a task. */
    public static void afterWrite(FlowSpec flow, String field) {
        TaskContext c = accessor().context(flow);
        if (c != null) {
            c.afterWrite(flow, field);
        }
    }
}
