package dev.baton.client;

import dev.baton.datastore.meta.DoneRecord;

/** Where a task (or one attempt of it) stands, as read from the datastore. */
public enum TaskStatus {
    /** The attempt finished and succeeded (possibly with a failure caught by {@code @Catch}). */
    SUCCEEDED,
    /** The user's step threw. */
    FAILED,
    /** {@code @Timeout} stopped it. */
    TIMED_OUT,
    /** A platform or datastore failure. */
    PLATFORM_FAILED,
    /** The run was stopped (Ctrl-C, terminate) while it ran. */
    INTERRUPTED,
    /**
     * The attempt started and has not recorded an outcome while its run is still marked running: it is running
     * now, or its process (or the whole runtime) was killed without a trace.
     */
    RUNNING_OR_KILLED,
    /** The attempt started and never recorded an outcome, and its run has ended: it was killed (kill -9, OOM). */
    KILLED;

    /** True when the attempt recorded how it ended ({@code done.json}); false for the two "never ended" states. */
    public boolean recordedEnd() {
        return this != RUNNING_OR_KILLED && this != KILLED;
    }

    static TaskStatus of(DoneRecord.Outcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
            case TIMED_OUT -> TIMED_OUT;
            case PLATFORM_FAILED -> PLATFORM_FAILED;
            case INTERRUPTED -> INTERRUPTED;
        };
    }
}
