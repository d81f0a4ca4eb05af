package dev.baton.datastore.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes the metadata records to a generator, one field per record component in component order, nulls as
 * {@code null}: the layout a databind {@code ObjectMapper} gives a record, so files stay byte-identical to those
 * older Batons wrote (see {@link MetadataJson}). A new component must be added here and in
 * {@link MetadataJsonReader}.
 */
final class MetadataJsonWriter {

    private final JsonGenerator gen;

    MetadataJsonWriter(JsonGenerator gen) {
        this.gen = gen;
    }

    void run(RunRecord run) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("flow", run.flow());
        gen.writeStringField("runId", run.runId());
        gen.writeStringField("user", run.user());
        strings("tags", run.tags());
        gen.writeFieldName("parameters");
        refs(run.parameters());
        gen.writeStringField("originRunId", run.originRunId());
        gen.writeStringField("status", run.status() == null ? null : run.status().name());
        instant("createdAt", run.createdAt());
        instant("finishedAt", run.finishedAt());
        strings("attributes", run.attributes());
        gen.writeEndObject();
    }

    void attempt(AttemptRecord attempt) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("attempt", attempt.attempt());
        instant("startedAt", attempt.startedAt());
        gen.writeStringField("host", attempt.host());
        gen.writeNumberField("pid", attempt.pid());
        strings("inputPaths", attempt.inputPaths());
        integer("splitIndex", attempt.splitIndex());
        strings("environment", attempt.environment());
        gen.writeEndObject();
    }

    void data(TaskData data) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName("artifacts");
        refs(data.artifacts());
        gen.writeFieldName("foreachStack");
        if (data.foreachStack() == null) {
            gen.writeNull();
        } else {
            gen.writeStartArray();
            for (TaskData.Frame frame : data.foreachStack()) {
                frame(frame);
            }
            gen.writeEndArray();
        }
        gen.writeFieldName("foreachItems");
        if (data.foreachItems() == null) {
            gen.writeNull();
        } else {
            gen.writeStartArray();
            for (ArtifactRef ref : data.foreachItems()) {
                ref(ref);
            }
            gen.writeEndArray();
        }
        gen.writeEndObject();
    }

    void done(DoneRecord done) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("attempt", done.attempt());
        gen.writeStringField("outcome", done.outcome() == null ? null : done.outcome().name());
        instant("startedAt", done.startedAt());
        instant("finishedAt", done.finishedAt());
        strings("next", done.next());
        integer("foreachCardinality", done.foreachCardinality());
        gen.writeStringField("switchValue", done.switchValue());
        gen.writeFieldName("error");
        DoneRecord.ErrorRecord error = done.error();
        if (error == null) {
            gen.writeNull();
        } else {
            gen.writeStartObject();
            gen.writeStringField("type", error.type());
            gen.writeStringField("message", error.message());
            gen.writeStringField("stackTrace", error.stackTrace());
            gen.writeEndObject();
        }
        gen.writeStringField("originPathspec", done.originPathspec());
        gen.writeEndObject();
    }

    private void frame(TaskData.Frame frame) throws IOException {
        if (frame == null) {
            gen.writeNull();
            return;
        }
        gen.writeStartObject();
        gen.writeStringField("step", frame.step());
        gen.writeStringField("splitTask", frame.splitTask());
        gen.writeNumberField("index", frame.index());
        gen.writeNumberField("count", frame.count());
        gen.writeStringField("itemKey", frame.itemKey());
        gen.writeEndObject();
    }

    private void ref(ArtifactRef ref) throws IOException {
        if (ref == null) {
            gen.writeNull();
            return;
        }
        gen.writeStartObject();
        gen.writeStringField("key", ref.key());
        gen.writeStringField("type", ref.type());
        gen.writeNumberField("size", ref.size());
        gen.writeEndObject();
    }

    /** In the map's own iteration order, as databind writes a map (it does not sort entries by default). */
    private void refs(Map<String, ArtifactRef> refs) throws IOException {
        if (refs == null) {
            gen.writeNull();
            return;
        }
        gen.writeStartObject();
        for (Map.Entry<String, ArtifactRef> entry : refs.entrySet()) {
            gen.writeFieldName(entry.getKey());
            ref(entry.getValue());
        }
        gen.writeEndObject();
    }

    private void strings(String field, List<String> values) throws IOException {
        gen.writeFieldName(field);
        if (values == null) {
            gen.writeNull();
            return;
        }
        gen.writeStartArray();
        for (String value : values) {
            gen.writeString(value); // null writes null
        }
        gen.writeEndArray();
    }

    private void strings(String field, Map<String, String> values) throws IOException {
        gen.writeFieldName(field);
        if (values == null) {
            gen.writeNull();
            return;
        }
        gen.writeStartObject();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            gen.writeStringField(entry.getKey(), entry.getValue());
        }
        gen.writeEndObject();
    }

    private void integer(String field, Integer value) throws IOException {
        gen.writeFieldName(field);
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeNumber(value.intValue());
        }
    }

    /** {@link Instant#toString()} is ISO-8601 ({@code DateTimeFormatter.ISO_INSTANT}), as JavaTimeModule writes it. */
    private void instant(String field, Instant value) throws IOException {
        gen.writeStringField(field, value == null ? null : value.toString());
    }
}
