package dev.baton.flow;

/** One enclosing foreach of a task, as listed by {@link FlowSpec#foreachStack()}. */
public interface ForeachFrame {
    /** The foreach split step. */
    String stepName();

    /** This task's position in the split's list. */
    int index();

    /** The length of the split's list. */
    int count();

    /** The element at {@link #index()} (loaded on first call). */
    Object value();
}
