package dev.baton.executor.internal;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.executor.FlowBinding;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Creates and finishes {@code _run.json}. Parameters are stored once per run, as ordinary content-addressed blobs. */
public final class RunRecords {
    private RunRecords() {}

    /** Binds and stores the parameters, writes a RUNNING run record and returns it. */
    public static RunRecord create(FlowBinding binding, String runId, Map<String, String> rawParameters,
            List<String> tags, String originRunId, Map<String, String> attributes) {
        Map<String, Object> values = ParameterBinder.bind(binding.graph(), rawParameters);
        Map<String, ArtifactRef> refs = values.isEmpty() ? Map.of() : binding.datastore().blobs().putAll(values);
        RunRecord run = new RunRecord(binding.datastore().flowName(), runId, user(), tags, refs, originRunId,
                RunRecord.RunStatus.RUNNING, Instant.now(), null, attributes);
        binding.datastore().writeRun(run);
        return run;
    }

    /** Rewrites the record with its final status. */
    public static RunRecord finish(FlowBinding binding, RunRecord run, RunRecord.RunStatus status) {
        RunRecord done = new RunRecord(run.flow(), run.runId(), run.user(), run.tags(), run.parameters(),
                run.originRunId(), status, run.createdAt(), Instant.now(), run.attributes());
        binding.datastore().writeRun(done);
        return done;
    }

    static String user() {
        String u = System.getenv("BATON_USER");
        return u != null && !u.isBlank() ? u : System.getProperty("user.name", "unknown");
    }
}
