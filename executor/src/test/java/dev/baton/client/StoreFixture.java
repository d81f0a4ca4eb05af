package dev.baton.client;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.FlowDatastore.LogStream;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes run and task metadata straight through the real {@link FlowDatastore}, as the runtime would, so the
 * client is tested on real files without depending on the executor.
 */
final class StoreFixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    final Path root;
    final FlowDatastore store;

    StoreFixture(Path root, String flow) {
        this(root, flow, StoreFixture.class.getClassLoader());
    }

    StoreFixture(Path root, String flow, ClassLoader loader) {
        this.root = root;
        this.store = Datastores.open(DatastoreConfig.local(root.toString()), flow, loader);
    }

    /** The user a new client's namespace admits. */
    static String me() {
        return Client.defaultNamespace().substring("user:".length());
    }

    RunRecord run(String runId, int minute, RunRecord.RunStatus status, String user, List<String> tags,
            Map<String, ?> parameters, String origin) {
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        parameters.forEach((k, v) -> refs.put(k, store.blobs().put(k, v)));
        RunRecord record = new RunRecord(store.flowName(), runId, user, tags, refs, origin, status,
                T0.plusSeconds(60L * minute),
                status == RunRecord.RunStatus.RUNNING ? null : T0.plusSeconds(60L * minute + 30), Map.of());
        store.writeRun(record);
        return record;
    }

    RunRecord run(String runId, int minute, RunRecord.RunStatus status) {
        return run(runId, minute, status, me(), List.of(), Map.of(), null);
    }

    /** A started attempt: {@code attempt.json} only. */
    void start(TaskPath task, int attempt, int second, Integer splitIndex, List<String> inputs) {
        store.writeAttempt(task, new AttemptRecord(attempt, T0.plusSeconds(second), "host-a", 42, inputs, splitIndex,
                Map.of("AWS_BATCH_JOB_ID", "job-" + task.taskId())));
    }

    /** A finished attempt with artifacts, a foreach stack, logs and an outcome. */
    TaskPath task(String run, String step, String id, int attempt, int second, DoneRecord.Outcome outcome,
            Map<String, ?> artifacts, List<TaskData.Frame> stack, DoneRecord.ErrorRecord error, String origin) {
        TaskPath path = new TaskPath(run, step, id);
        start(path, attempt, second, stack.isEmpty() ? null : stack.get(stack.size() - 1).index(), List.of());
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> refs.put(k, store.blobs().put(k, v)));
        store.writeData(path, attempt, new TaskData(refs, stack, List.of()));
        log(path, attempt, LogStream.STDOUT, "out of " + step + "/" + id + " attempt " + attempt + "\n");
        log(path, attempt, LogStream.STDERR, "err of " + step + "/" + id + " attempt " + attempt + "\n");
        store.writeDone(path, attempt, new DoneRecord(attempt, outcome, T0.plusSeconds(second),
                T0.plusSeconds(second + 2), List.of(), null, null, error, origin));
        return path;
    }

    TaskPath ok(String run, String step, String id, int second, Map<String, ?> artifacts) {
        return task(run, step, id, 0, second, DoneRecord.Outcome.SUCCEEDED, artifacts, List.of(), null, null);
    }

    void log(TaskPath path, int attempt, LogStream stream, String text) {
        store.writeLog(path, attempt, stream, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    TaskData.Frame frame(String step, String splitTask, int index, int count, Object item) {
        return new TaskData.Frame(step, splitTask, index, count, store.blobs().put("item", item).key());
    }

    @Override
    public void close() {
        store.close();
    }
}
