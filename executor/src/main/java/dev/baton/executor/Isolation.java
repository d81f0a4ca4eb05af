package dev.baton.executor;

/** How the local runtime runs a task. */
public enum Isolation {
    /**
     * In the runtime's own JVM, one thread per task: fast. A step's {@code @Environment} cannot change the JVM's
     * environment, so such steps run as a child process even in this mode (see {@link LocalRuntime}).
     */
    THREAD,
    /** As a child {@code baton step} process, exactly as a Batch container runs it. */
    PROCESS
}
