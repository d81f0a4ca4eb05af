package dev.baton.stepfunctions.asl;

import java.util.List;
import java.util.Optional;

/**
 * One {@code Retry} rule of a Task, Map or Parallel state.
 *
 * @param errorEquals the error names it matches, e.g. {@code Batch.AWSBatchException}
 * @param intervalSeconds the first wait
 * @param maxAttempts retries (not counting the first attempt)
 * @param backoffRate the wait's growth factor
 * @param maxDelaySeconds a cap on the wait, if any
 * @param jitterStrategy {@code FULL} or {@code NONE}, if given
 */
public record Retrier(List<String> errorEquals, int intervalSeconds, int maxAttempts, double backoffRate,
        Optional<Integer> maxDelaySeconds, Optional<String> jitterStrategy) {
    public Retrier {
        errorEquals = List.copyOf(errorEquals);
    }
}
