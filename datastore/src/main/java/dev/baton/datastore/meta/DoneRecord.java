package dev.baton.datastore.meta;

import java.time.Instant;
import java.util.List;

/**
 * {@code <attempt>.done.json}: written last; its presence means the attempt finished, its outcome says how.
 *
 * @param attempt the attempt number
 * @param outcome how it ended
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param next the steps the transition took (for a switch: the chosen case's step)
 * @param foreachCardinality for a foreach split: how many elements, else null
 * @param switchValue for a switch: the condition value, else null
 * @param error the failure, when outcome is not SUCCEEDED, or when a {@code @Catch} caught one
 * @param originPathspec for a task cloned by resume: {@code Flow/run/step/task} it was cloned from, else null
 */
public record DoneRecord(
        int attempt,
        Outcome outcome,
        Instant startedAt,
        Instant finishedAt,
        List<String> next,
        Integer foreachCardinality,
        String switchValue,
        ErrorRecord error,
        String originPathspec) {

    public DoneRecord {
        next = next == null ? List.of() : List.copyOf(next);
    }

    /** How an attempt ended. */
    public enum Outcome {
        SUCCEEDED,
        /** The user's step threw. */
        FAILED,
        /** {@code @Timeout} stopped it. */
        TIMED_OUT,
        /** A platform or datastore failure (worth a retry). */
        PLATFORM_FAILED,
        /** The run was stopped (Ctrl-C, terminate). */
        INTERRUPTED
    }

    /**
     * A failure, as text.
     *
     * @param type the exception class
     * @param message its message
     * @param stackTrace the printed stack trace
     */
    public record ErrorRecord(String type, String message, String stackTrace) {}
}
