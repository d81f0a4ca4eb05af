package dev.baton.executor;

/**
 * The exit codes of {@code baton step} (the container entrypoint) and {@code baton run}. Step Functions and
 * Batch retry strategies key on these, so they are part of the contract (DESIGN.md).
 */
public final class ExitCodes {
    /** The task (or run) succeeded, including a failure caught by {@code @Catch}. */
    public static final int OK = 0;
    /** The user's step threw (or the run failed). */
    public static final int STEP_FAILED = 1;
    /** A usage or configuration error: bad option, unknown step, missing parent, bad parameter. */
    public static final int USAGE = 2;
    /** A transient platform or datastore failure: worth a retry. */
    public static final int TRANSIENT = 3;
    /** The flow's graph is invalid. */
    public static final int INVALID_FLOW = 4;
    /** {@code @Timeout} stopped the attempt; 124 as {@code timeout(1)} uses, so shells and Batch read it alike. */
    public static final int TIMED_OUT = 124;
    /** The task or run was interrupted (Ctrl-C, terminate): 128 + SIGINT, as shells report it. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
