package dev.baton.flow;

import java.util.Optional;
import java.util.Set;

/** Where the running task is: its flow, run, step, task and attempt. */
public interface Current {
    String flowName();

    String runId();

    String stepName();

    String taskId();

    /** 0 for the first attempt, 1 for the first retry, ... */
    int retryCount();

    /** {@code Flow/run/step/task}. */
    default String pathspec() {
        return flowName() + "/" + runId() + "/" + stepName() + "/" + taskId();
    }

    /** The run's tags ({@code key:value} or plain). */
    Set<String> tags();

    /** The run this one resumed, if it is a resumed run. */
    Optional<String> originRunId();
}
