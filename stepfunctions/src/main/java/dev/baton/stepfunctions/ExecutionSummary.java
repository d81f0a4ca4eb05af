package dev.baton.stepfunctions;

import java.time.Instant;

/**
 * One execution (run) of a deployed flow.
 *
 * @param runId the execution name, which is the Baton run id
 * @param status RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, ...
 * @param started when it started
 * @param stopped when it stopped, or null while running
 */
public record ExecutionSummary(String runId, String status, Instant started, Instant stopped) {}
