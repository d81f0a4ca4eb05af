package dev.baton.executor.internal.resume;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A resumed run's parameters are the origin's, by key. The local runtime binds parameters from text, so the
 * resume gives it the origin's values as text (which binds to the same values, and so to the same keys, for
 * every simple type) and also records the origin's references in the new run's record: before any task runs, and
 * again after the run ends. No parameter blob is written twice in either case: blobs are content-addressed.
 */
final class ResumeRunRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeRunRecords() {}

    /** Makes {@code runId}'s record name the origin's parameter references (no-op when it already does). */
    static void adoptOriginParameters(FlowDatastore datastore, String runId, RunRecord origin) {
        Optional<RunRecord> current = datastore.readRun(runId);
        if (current.isEmpty() || current.get().parameters().equals(origin.parameters())) {
            return;
        }
        RunRecord r = current.get();
        datastore.writeRun(new RunRecord(r.flow(), r.runId(), r.user(), r.tags(), origin.parameters(), r.originRunId(),
                r.status(), r.createdAt(), r.finishedAt(), r.attributes()));
    }

    /**
     * The origin's parameter values as the {@code --<option> text} the runtime binds: {@code toString} for numbers,
     * booleans and strings, the constant name for enums, JSON otherwise. A value that cannot be written as text is
     * left out (its default binds, and the run record gets the origin's reference anyway).
     */
    static Map<String, String> rawParameters(FlowDatastore datastore, FlowGraph graph, RunRecord origin) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (ParameterSpec spec : graph.parameters()) {
            ArtifactRef ref = origin.parameters().get(spec.field());
            if (ref == null) {
                continue;
            }
            Object value = datastore.blobs().get("parameter '" + spec.field() + "' of run " + origin.flow() + "/"
                    + origin.runId(), ref.key());
            if (value == null) {
                continue;
            }
            try {
                raw.put(spec.optionName(), text(value));
            } catch (Exception notText) {
                // left to the record rewrite: the runtime binds the default, the record names the origin's key
            }
        }
        return raw;
    }

    private static String text(Object value) throws Exception {
        if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return JSON.writeValueAsString(value);
    }
}
