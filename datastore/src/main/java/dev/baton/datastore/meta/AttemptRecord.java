package dev.baton.datastore.meta;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code <attempt>.attempt.json}: written when an attempt starts; with the inputs a {@code rerun} needs.
 *
 * @param attempt 0 for the first attempt
 * @param startedAt when it started
 * @param host the host name
 * @param pid the process id
 * @param inputPaths the parent task pathspecs ({@code run/step/task}), expanded, in input order
 * @param splitIndex the foreach index or gang member index this task was started with, or null
 * @param environment platform facts ({@code AWS_BATCH_JOB_ID}, {@code AWS_BATCH_JOB_ATTEMPT},
 *     {@code AWS_BATCH_CE_NAME}, {@code AWS_BATCH_JQ_NAME}, code package key, ...)
 */
public record AttemptRecord(
        int attempt,
        Instant startedAt,
        String host,
        long pid,
        List<String> inputPaths,
        Integer splitIndex,
        Map<String, String> environment) {

    public AttemptRecord {
        inputPaths = inputPaths == null ? List.of() : List.copyOf(inputPaths);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}
