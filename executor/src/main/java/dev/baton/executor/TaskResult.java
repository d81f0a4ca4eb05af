package dev.baton.executor;

import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.DoneRecord;
import java.util.Optional;

/**
 * How one attempt of a task ended.
 *
 * @param path the task
 * @param attempt the attempt number
 * @param exitCode the {@link ExitCodes exit code} of {@code baton step}
 * @param done the recorded {@code done.json}, empty when none could be written (or, for a child process, when it
 *     died before writing one)
 * @param message a one-line explanation for a failure, null on success
 */
public record TaskResult(TaskPath path, int attempt, int exitCode, Optional<DoneRecord> done, String message) {

    /** True when the task succeeded (possibly through {@code @Catch}). */
    public boolean succeeded() {
        return exitCode == ExitCodes.OK;
    }
}
