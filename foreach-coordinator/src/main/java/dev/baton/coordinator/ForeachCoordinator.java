package dev.baton.coordinator;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Split cardinality, join registrations and switch choices, keyed by the split (or switch) task's pathspec
 * {@code Flow/run/step/task}. On Step Functions this is DynamoDB (a Batch job cannot hand data to the state
 * machine); locally an embedded implementation. Every write is idempotent under retries. Thread-safe.
 */
public interface ForeachCoordinator extends AutoCloseable {

    /**
     * Records that the foreach split task {@code splitPathspec} produced {@code cardinality} elements, and the
     * list {@code 0..n-1} a Map state iterates. Idempotent: recording the same cardinality again is fine.
     *
     * @throws CoordinatorException when a different cardinality is already recorded
     */
    void recordSplit(String splitPathspec, int cardinality);

    /** The recorded cardinality, or empty when the split has not recorded one. */
    OptionalInt cardinality(String splitPathspec);

    /**
     * Registers that the branch with foreach {@code index} of the split reached the join as task
     * {@code taskPathspec}. Idempotent; a retried or duplicated registration never double-counts: there is one
     * registration per index, and the latest one written wins (a branch re-run as another task replaces its
     * earlier registration). Indices are checked against the cardinality when the join reads them.
     *
     * @throws IllegalArgumentException when {@code index} is negative or a pathspec is blank or over 1,024 bytes
     */
    void registerBranch(String splitPathspec, int index, String taskPathspec);

    /**
     * The join's inputs in foreach-index order, read consistently.
     *
     * @throws IncompleteJoinException naming the missing indices when not every index {@code 0..n-1} is
     *     registered (worth a retry: exit code 3)
     */
    List<String> joinInputs(String splitPathspec);

    /**
     * Records the case a switch task chose (its target step). Idempotent for the same case.
     *
     * @throws CoordinatorException when a different case is already recorded for the task
     */
    void recordSwitch(String switchPathspec, String chosenStep);

    /** The step the switch task chose, read consistently, or empty when it has not recorded one. */
    Optional<String> switchChoice(String switchPathspec);

    /** Releases the coordinator's connections (a client it created); records stay. */
    @Override
    void close();
}
