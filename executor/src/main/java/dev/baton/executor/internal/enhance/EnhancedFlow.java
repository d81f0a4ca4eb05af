package dev.baton.executor.internal.enhance;

/**
 * Implemented by every flow class that Baton's enhancing class loader defined (added to the class file; user
 * code never implements it). Lets the executor tell an enhanced flow from a plain one and clear the per-field
 * tracking. Use {@link FieldAccess} for per-field state.
 */
public interface EnhancedFlow {
    /**
     * Forgets which artifact fields of this instance were loaded or written, in this class and its flow
     * superclasses: the next read of each calls {@code TaskContext.beforeRead} again. Tracking only changes while
     * a task context is bound, so a freshly constructed instance needs no reset; this is for an instance that
     * is reused, or whose values the executor replaced wholesale.
     */
    void $baton$resetTracking();
}
