package dev.baton.executor;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.ContentStore;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.serialization.ArtifactCodec;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** The real datastore, counting blob loads per key (the test hook for lazy loading). */
final class CountingDatastore implements FlowDatastore {
    private final FlowDatastore d;
    final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> stores = new ConcurrentHashMap<>();

    CountingDatastore(FlowDatastore d) {
        this.d = d;
    }

    int loadsOf(String key) {
        AtomicInteger n = loads.get(key);
        return n == null ? 0 : n.get();
    }

    private final ContentStore blobs = new ContentStore() {
        @Override
        public ArtifactRef put(String artifact, Object value) {
            ArtifactRef r = d.blobs().put(artifact, value);
            stores.computeIfAbsent(r.key(), k -> new AtomicInteger()).incrementAndGet();
            return r;
        }

        @Override
        public Map<String, ArtifactRef> putAll(Map<String, ?> values) {
            Map<String, ArtifactRef> out = d.blobs().putAll(values);
            out.values().forEach(r -> stores.computeIfAbsent(r.key(), k -> new AtomicInteger()).incrementAndGet());
            return out;
        }

        @Override
        public Object get(String context, String key) {
            loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return d.blobs().get(context, key);
        }

        @Override
        public boolean exists(String key) {
            return d.blobs().exists(key);
        }

        @Override
        public Stream<String> keys() {
            return d.blobs().keys();
        }

        @Override
        public ArtifactCodec codec() {
            return d.blobs().codec();
        }
    };

    @Override public String flowName() { return d.flowName(); }
    @Override public String root() { return d.root(); }
    @Override public ContentStore blobs() { return blobs; }
    @Override public void writeRun(RunRecord run) { d.writeRun(run); }
    @Override public Optional<RunRecord> readRun(String runId) { return d.readRun(runId); }
    @Override public List<String> runIds() { return d.runIds(); }
    @Override public List<String> steps(String runId) { return d.steps(runId); }
    @Override public List<String> tasks(String runId, String step) { return d.tasks(runId, step); }
    @Override public void writeAttempt(TaskPath task, AttemptRecord attempt) { d.writeAttempt(task, attempt); }
    @Override public void writeData(TaskPath task, int attempt, TaskData data) { d.writeData(task, attempt, data); }
    @Override public void writeDone(TaskPath task, int attempt, DoneRecord done) { d.writeDone(task, attempt, done); }
    @Override public Optional<TaskState> readTask(TaskPath task) { return d.readTask(task); }
    @Override public Map<String, String> taskEnvironment() { return d.taskEnvironment(); }
    @Override public void writeTaskFile(TaskPath t, String n, byte[] c) { d.writeTaskFile(t, n, c); }
    @Override public void writeLog(TaskPath t, int a, LogStream s, InputStream c) { d.writeLog(t, a, s, c); }
    @Override public Optional<InputStream> openLog(TaskPath t, int a, LogStream s) { return d.openLog(t, a, s); }
    @Override public void close() { d.close(); }
}
