package dev.baton.datastore.meta;

import dev.baton.datastore.ArtifactRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code <root>/<Flow>/<run>/_run.json}: written when the run starts, rewritten when it ends.
 *
 * @param flow the flow name
 * @param runId the run id
 * @param user who started it
 * @param tags the run's tags
 * @param parameters parameter name to the stored value (stored once per run)
 * @param originRunId the run this one resumed, or null
 * @param status RUNNING, SUCCEEDED, FAILED or INTERRUPTED
 * @param createdAt when the run started
 * @param finishedAt when it ended, or null
 * @param attributes free-form facts (scheduler, Step Functions execution ARN, production token, ...)
 */
public record RunRecord(
        String flow,
        String runId,
        String user,
        List<String> tags,
        Map<String, ArtifactRef> parameters,
        String originRunId,
        RunStatus status,
        Instant createdAt,
        Instant finishedAt,
        Map<String, String> attributes) {

    public RunRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A run's state as its runtime last recorded it. */
    public enum RunStatus {
        RUNNING,
        SUCCEEDED,
        FAILED,
        INTERRUPTED
    }
}
