package dev.baton.datastore.meta;

import dev.baton.datastore.TaskPath;
import java.util.List;
import java.util.Optional;

/**
 * What the datastore knows of one task: its latest finished attempt (the one readers use) and every attempt
 * that was started.
 *
 * @param path the task
 * @param startedAttempts every attempt with an {@code attempt.json}, ascending
 * @param finishedAttempt the latest attempt with a {@code done.json}, or null when none finished
 * @param attemptRecord the {@code attempt.json} of {@code finishedAttempt} (or of the latest started attempt when
 *     none finished)
 * @param data the {@code data.json} of {@code finishedAttempt}, or null
 * @param done the {@code done.json} of {@code finishedAttempt}, or null
 */
public record TaskState(
        TaskPath path,
        List<Integer> startedAttempts,
        Integer finishedAttempt,
        AttemptRecord attemptRecord,
        TaskData data,
        DoneRecord done) {

    public TaskState {
        startedAttempts = List.copyOf(startedAttempts);
    }

    public boolean succeeded() {
        return done != null && done.outcome() == DoneRecord.Outcome.SUCCEEDED;
    }

    /** The latest started attempt, when it is newer than the latest finished one: it was killed or still runs. */
    public Optional<Integer> unfinishedAttempt() {
        if (startedAttempts.isEmpty()) {
            return Optional.empty();
        }
        int last = startedAttempts.get(startedAttempts.size() - 1);
        return finishedAttempt == null || last > finishedAttempt ? Optional.of(last) : Optional.empty();
    }
}
