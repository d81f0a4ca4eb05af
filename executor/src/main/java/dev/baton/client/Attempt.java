package dev.baton.client;

import dev.baton.flow.CaughtException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt of a task (attempt 0 is the first run; each {@code @Retry} or {@code rerun} adds one).
 *
 * @param number the attempt number
 * @param status how it ended, or {@link TaskStatus#RUNNING_OR_KILLED} / {@link TaskStatus#KILLED} when it never
 *     recorded an end
 * @param startedAt when it started, or null when unknown
 * @param finishedAt when it ended, or null
 * @param host where it ran, or null when unknown
 * @param environment the platform facts it recorded ({@code AWS_BATCH_JOB_ID}, ...)
 * @param error its failure, or null
 */
public record Attempt(
        int number,
        TaskStatus status,
        Instant startedAt,
        Instant finishedAt,
        String host,
        Map<String, String> environment,
        CaughtException error) {

    public Attempt {
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /** From start to end, when both are known. */
    public Optional<Duration> duration() {
        return startedAt == null || finishedAt == null
                ? Optional.empty()
                : Optional.of(Duration.between(startedAt, finishedAt));
    }
}
