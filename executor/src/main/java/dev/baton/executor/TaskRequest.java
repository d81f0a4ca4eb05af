package dev.baton.executor;

import dev.baton.datastore.TaskPath;
import java.util.List;
import java.util.Map;

/**
 * One attempt of one task, as {@code baton step} describes it.
 *
 * @param step the step
 * @param runId the run
 * @param taskId the task id (unique within the run)
 * @param inputs the parent tasks
 * @param splitIndex the foreach index or gang member this task handles (a child of a foreach or gang split), or
 *     null
 * @param retryCount the attempt number: 0 first, 1 the first retry, ...
 * @param maxUserCodeRetries how many retries the step has in all (null: {@code @Retry.times} of the step); the
 *     attempt with {@code retryCount >= maxUserCodeRetries} is the last, where {@code @Catch} applies
 * @param tags run tags, used when this task creates the run's record ({@code start} on an orchestrator)
 * @param parameters raw parameter values ({@code option name -> text}), used only when this {@code start} task
 *     creates the run's record
 */
public record TaskRequest(
        String step,
        String runId,
        String taskId,
        TaskInputs inputs,
        Integer splitIndex,
        int retryCount,
        Integer maxUserCodeRetries,
        List<String> tags,
        Map<String, String> parameters) {

    public TaskRequest {
        tags = tags == null ? List.of() : List.copyOf(tags);
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        if (retryCount < 0) {
            throw new dev.baton.flow.ConfigurationException("--retry-count must be >= 0, got " + retryCount);
        }
    }

    /** A first attempt with no tags or parameters. */
    public static TaskRequest of(String step, String runId, String taskId, TaskInputs inputs, Integer splitIndex) {
        return new TaskRequest(step, runId, taskId, inputs, splitIndex, 0, null, List.of(), Map.of());
    }

    /** The same task, attempt {@code retryCount}. */
    public TaskRequest withRetryCount(int retryCount) {
        return new TaskRequest(step, runId, taskId, inputs, splitIndex, retryCount, maxUserCodeRetries, tags, parameters);
    }

    /** {@code run/step/task}. */
    public TaskPath path() {
        return new TaskPath(runId, step, taskId);
    }
}
