package dev.baton.datastore;

import dev.baton.flow.ConfigurationException;

/**
 * A task's pathspec below its flow: {@code run/step/task}.
 *
 * @param runId the run
 * @param step the step
 * @param taskId the task
 */
public record TaskPath(String runId, String step, String taskId) {
    public TaskPath {
        check("run id", runId);
        check("step", step);
        check("task id", taskId);
    }

    private static void check(String what, String value) {
        if (value == null || value.isEmpty() || value.contains("/") || value.equals(".") || value.equals("..")) {
            throw new ConfigurationException("invalid " + what + " '" + value + "' in a task pathspec run/step/task");
        }
    }

    /** Parses {@code run/step/task}. */
    public static TaskPath parse(String pathspec) {
        String[] parts = pathspec.split("/", -1);
        if (parts.length != 3) {
            throw new ConfigurationException("'" + pathspec + "' is not a task pathspec: expected run/step/task");
        }
        return new TaskPath(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return runId + "/" + step + "/" + taskId;
    }
}
