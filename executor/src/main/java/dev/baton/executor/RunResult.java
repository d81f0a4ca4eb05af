package dev.baton.executor;

import dev.baton.datastore.meta.RunRecord;
import java.time.Duration;
import java.util.List;

/**
 * How a local run ended.
 *
 * @param runId the run
 * @param status SUCCEEDED, FAILED or INTERRUPTED
 * @param failedTasks pathspecs ({@code run/step/task}) of tasks that failed for good, each with its reason
 * @param tasksRun how many tasks ran (reused ones excluded)
 * @param tasksReused how many tasks the {@link TaskReuse} hook supplied
 * @param elapsed wall time of the run
 */
public record RunResult(String runId, RunRecord.RunStatus status, List<String> failedTasks, int tasksRun,
        int tasksReused, Duration elapsed) {
    public RunResult {
        failedTasks = List.copyOf(failedTasks);
    }

    /** The exit code of {@code baton run}: 0 when it succeeded, 130 when interrupted, else 1. */
    public int exitCode() {
        return switch (status) {
            case SUCCEEDED -> ExitCodes.OK;
            case INTERRUPTED -> ExitCodes.INTERRUPTED;
            default -> ExitCodes.STEP_FAILED;
        };
    }
}
