package dev.baton.datastore;

import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The datastore of one flow: its content-addressed blobs and the run and task metadata that point at them,
 * laid out as in DESIGN.md under {@code <root>/<Flow>/}. Metadata is JSON. Thread-safe.
 *
 * <p>Write order is the contract that makes crashes safe: blobs before the {@code data.json} that names them,
 * and {@code done.json} last.
 */
public interface FlowDatastore extends AutoCloseable {

    String flowName();

    /** The root as the user gave it ({@code .baton}, {@code s3://bucket/prefix}). */
    String root();

    ContentStore blobs();

    void writeRun(RunRecord run);

    Optional<RunRecord> readRun(String runId);

    /** Every run id of this flow, in no particular order. */
    List<String> runIds();

    /** The steps of a run that have at least one task. */
    List<String> steps(String runId);

    /** The task ids of a step. */
    List<String> tasks(String runId, String step);

    void writeAttempt(TaskPath task, AttemptRecord attempt);

    void writeData(TaskPath task, int attempt, TaskData data);

    /** Written last: after this, the attempt is finished. */
    void writeDone(TaskPath task, int attempt, DoneRecord done);

    /** Reads a task's latest finished attempt (see {@link TaskState}); empty when the task never started. */
    Optional<TaskState> readTask(TaskPath task);

    /**
     * Loads one artifact of a task's finished attempt, verifying it. Errors name the artifact, the task, the attempt
     * and the key, e.g. {@code "artifact 'loss' of MyFlow/12/train/3 (attempt 0): no blob with key ..."}.
     *
     * @throws dev.baton.flow.ConfigurationException when the attempt holds no artifact of that name (the message
     *     lists the ones it has) or the task has no finished attempt
     * @throws MissingBlobException when {@code data.json} names a key that has no blob
     * @throws dev.baton.serialization.CorruptBlobException when the blob is damaged
     */
    default Object loadArtifact(TaskState task, String artifact) {
        String owner = ownerOf(task);
        ArtifactRef ref = task.data() == null ? null : task.data().artifacts().get(artifact);
        if (ref == null) {
            throw new dev.baton.flow.ConfigurationException("no artifact '" + artifact + "' in " + owner
                    + (task.data() == null ? ", which recorded no data" : "; it has " + task.data().artifacts().keySet()));
        }
        return blobs().get(ContentStore.artifactContext(artifact, owner), ref.key());
    }

    /**
     * Loads several artifacts of a task's finished attempt, concurrently (see {@link ContentStore#getAll}).
     *
     * @return artifact name to value, in the order of {@code artifacts}
     * @throws dev.baton.flow.ConfigurationException when one of the names is not an artifact of the attempt
     * @throws MissingBlobException when {@code data.json} names a key that has no blob
     * @throws dev.baton.serialization.CorruptBlobException when a blob is damaged
     */
    default java.util.Map<String, Object> loadArtifacts(TaskState task, java.util.Collection<String> artifacts) {
        String owner = ownerOf(task);
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
        for (String artifact : artifacts) {
            ArtifactRef ref = task.data() == null ? null : task.data().artifacts().get(artifact);
            if (ref == null) {
                throw new dev.baton.flow.ConfigurationException("no artifact '" + artifact + "' in " + owner
                        + (task.data() == null ? ", which recorded no data" : "; it has " + task.data().artifacts().keySet()));
            }
            keys.put(artifact, ref.key());
        }
        return blobs().getAll(owner, keys);
    }

    /**
     * Names a task's finished attempt in errors: {@code "MyFlow/12/train/3 (attempt 0)"}.
     *
     * @throws dev.baton.flow.ConfigurationException when no attempt of the task finished
     */
    default String ownerOf(TaskState task) {
        if (task.finishedAttempt() == null) {
            throw new dev.baton.flow.ConfigurationException("task " + flowName() + "/" + task.path()
                    + " has no finished attempt" + task.unfinishedAttempt().map(a -> " (attempt " + a + " started but"
                    + " never finished: it was killed or is still running)").orElse(""));
        }
        return flowName() + "/" + task.path() + " (attempt " + task.finishedAttempt() + ")";
    }

    /**
     * {@link #readTask} of each task, in order: a join's parents, a run's tasks. Implementations read concurrently
     * (bounded), since each read is a few round trips on S3; the default reads one after the other.
     *
     * @throws RuntimeException the first failure of a read, as {@link #readTask} throws it
     */
    default List<Optional<TaskState>> readTasks(List<TaskPath> tasks) {
        List<Optional<TaskState>> out = new java.util.ArrayList<>(tasks.size());
        for (TaskPath task : tasks) {
            out.add(readTask(task));
        }
        return out;
    }

    /**
     * Where a caller may make its own requests to this datastore alongside each other, or empty when they are best
     * made one after the other on the caller's thread. On a remote store (S3) every request is a network round trip,
     * so a task overlaps the ones that do not depend on each other (its run record read with its attempt record
     * write, say); on a local directory a request costs about as little as handing it to a thread, and order alone
     * is simpler. Empty by default.
     *
     * <p>The executor is bounded and shared with this datastore's own concurrent reads ({@link #readTasks}); its
     * threads are daemon threads. Submit single requests (one read or write of this datastore, a foreach coordinator
     * record) that never wait on work submitted to the same executor, or a full pool could wait on itself.
     */
    default Optional<Executor> requestExecutor() {
        return Optional.empty();
    }

    /**
     * Reads one attempt of a task as it stands, for listing a retried task's earlier attempts: its
     * {@code attempt.json}, and its {@code data.json} and {@code done.json} when written. In the result,
     * {@code startedAttempts} holds just this attempt (when it started) and {@code finishedAttempt} is this attempt
     * when it finished, else null. Empty when the attempt has no record at all.
     *
     * <p>The default serves only the attempt {@link #readTask} reports; implementations read any attempt.
     */
    default Optional<TaskState> readAttempt(TaskPath task, int attempt) {
        return readTask(task).filter(s -> Integer.valueOf(attempt).equals(s.finishedAttempt()));
    }

    /**
     * Writes, replacing, a small file of a task that is not part of its attempt metadata:
     * {@code <Flow>/<run>/<step>/<task>/<name>}, for readers outside Baton that address it by that path (the items
     * object a Step Functions Distributed Map reads). Task listings and {@link #readTask} ignore it.
     *
     * @param name a file name starting with {@code _} (so it never collides with an attempt's files), then letters,
     *     digits, {@code _ . -}
     * @throws IllegalArgumentException for any other name
     */
    void writeTaskFile(TaskPath task, String name, byte[] content);

    /**
     * Environment variables for the tasks a launcher starts on this datastore, which spare each task's own store
     * the requests that found them out (see {@link dev.baton.datastore.spi.ObjectStore#taskEnvironment()}).
     * Empty by default.
     */
    default java.util.Map<String, String> taskEnvironment() {
        return java.util.Map.of();
    }

    /** Stores a log of an attempt ({@code stdout} or {@code stderr}). */
    void writeLog(TaskPath task, int attempt, LogStream stream, InputStream content);

    /** Opens a stored log, or empty when there is none. */
    Optional<InputStream> openLog(TaskPath task, int attempt, LogStream stream);

    @Override
    void close();

    /** The two logs of an attempt. */
    enum LogStream {
        STDOUT("stdout"),
        STDERR("stderr");

        private final String suffix;

        LogStream(String suffix) {
            this.suffix = suffix;
        }

        public String suffix() {
            return suffix;
        }
    }
}
