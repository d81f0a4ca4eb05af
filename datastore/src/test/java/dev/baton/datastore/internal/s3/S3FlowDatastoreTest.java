package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.ContentStore;
import dev.baton.datastore.CorruptMetadataException;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.MissingBlobException;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.serialization.CorruptBlobException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The content store and the task metadata of one flow, on S3 through {@link Datastores#open}. */
class S3FlowDatastoreTest {
    private static final String FLOW = "TrainFlow";
    private static final Instant T0 = Instant.parse("2026-11-22T08:30:00Z");

    private String bucket;
    private FlowDatastore ds;

    @BeforeEach
    void open() {
        bucket = SharedS3.server().createBucket();
        ds = Datastores.open(SharedS3.config(bucket, SharedS3.settings()), FLOW, getClass().getClassLoader());
    }

    @AfterEach
    void close() {
        ds.close();
    }

    private static S3Client raw() {
        return SharedS3.server().client();
    }

    private String blobKey(String key) {
        return "baton/" + FLOW + "/data/" + key.substring(0, 2) + "/" + key;
    }

    private List<String> blobObjects() {
        return raw().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("baton/" + FLOW + "/data/")).contents()
                .stream().map(S3Object::key).toList();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void valuesRoundTripAtTheDesignedKeys() {
        ContentStore blobs = ds.blobs();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("loss", 0.25);
        values.put("name", "héllo wörld ✓");
        values.put("rates", List.of(0.1, 0.01, 0.001));
        values.put("weights", random(12 << 20, 1)); // staged: spooled, then a parallel multipart upload
        Map<String, ArtifactRef> refs = blobs.putAll(values);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            ArtifactRef ref = refs.get(e.getKey());
            raw().headObject(b -> b.bucket(bucket).key(blobKey(ref.key())));
            Object back = blobs.get("artifact '" + e.getKey() + "'", ref.key());
            if (e.getValue() instanceof byte[] bytes) {
                assertArrayEquals(bytes, (byte[]) back);
            } else {
                assertEquals(e.getValue(), back);
            }
        }
        assertEquals(refs.values().stream().map(ArtifactRef::key).collect(Collectors.toSet()),
                blobs.keys().collect(Collectors.toSet()));
    }

    @Test
    void identicalValuesAreStoredOnce() {
        ContentStore blobs = ds.blobs();
        ArtifactRef first = blobs.put("a", List.of("x", "y"));
        String etag = raw().headObject(b -> b.bucket(bucket).key(blobKey(first.key()))).eTag();
        Map<String, ArtifactRef> again = blobs.putAll(Map.of("b", List.of("x", "y"), "c", List.of("x", "y")));
        assertEquals(Set.of(first.key()), again.values().stream().map(ArtifactRef::key).collect(Collectors.toSet()));
        ArtifactRef big = blobs.put("big", random(6 << 20, 9));
        assertEquals(big, blobs.put("big again", random(6 << 20, 9)));
        assertEquals(2, blobObjects().size(), "two distinct values, two blobs: " + blobObjects());
        assertEquals(etag, raw().headObject(b -> b.bucket(bucket).key(blobKey(first.key()))).eTag());
    }

    @Test
    void damagedOrMissingBlobsAreNamedErrors() {
        ContentStore blobs = ds.blobs();
        String key = blobs.put("weights", random(100_000, 2)).key();
        byte[] stored = raw().getObjectAsBytes(b -> b.bucket(bucket).key(blobKey(key))).asByteArray();
        stored[stored.length / 2] ^= 0x01;
        raw().putObject(b -> b.bucket(bucket).key(blobKey(key)), RequestBody.fromBytes(stored));
        String context = "artifact 'weights' of TrainFlow/12/train/3 (attempt 0)";
        CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> blobs.get(context, key));
        assertTrue(e.getMessage().contains(context) && e.getMessage().contains(key), e.getMessage());

        String big = blobs.put("big", random(11 << 20, 3)).key();
        byte[] cut = raw().getObjectAsBytes(b -> b.bucket(bucket).key(blobKey(big))).asByteArray();
        raw().putObject(b -> b.bucket(bucket).key(blobKey(big)),
                RequestBody.fromBytes(java.util.Arrays.copyOf(cut, cut.length - 1000)));
        CorruptBlobException truncated = assertThrows(CorruptBlobException.class, () -> blobs.get("artifact 'big'", big));
        assertTrue(truncated.getMessage().contains(big), truncated.getMessage());

        String absent = "ab" + "c".repeat(62);
        MissingBlobException missing = assertThrows(MissingBlobException.class, () -> blobs.get(context, absent));
        assertTrue(missing.getMessage().contains(absent) && missing.getMessage().contains("s3://" + bucket),
                missing.getMessage());
    }

    @Test
    void runAndTaskMetadataRoundTripWithDoneWrittenLast() throws Exception {
        String key = ds.blobs().put("loss", 0.5).key();
        RunRecord run = new RunRecord(FLOW, "12", "alice", List.of("user:alice"), Map.of(), null,
                RunRecord.RunStatus.RUNNING, T0, null, Map.of());
        ds.writeRun(run);
        assertEquals(Optional.of(run), ds.readRun("12"));
        assertEquals(List.of("12"), ds.runIds());

        TaskPath task = new TaskPath("12", "train", "3");
        AttemptRecord attempt = new AttemptRecord(0, T0, "host-a", 4242L, List.of("12/start/1"), 2, Map.of());
        TaskData data = new TaskData(Map.of("loss", new ArtifactRef(key, "java.lang.Double", 9)), List.of(), List.of());
        DoneRecord done = new DoneRecord(0, DoneRecord.Outcome.SUCCEEDED, T0, T0.plusSeconds(1), List.of("join"),
                null, null, null, null);
        ds.writeAttempt(task, attempt);
        ds.writeData(task, 0, data);
        assertTrue(ds.readTask(task).orElseThrow().unfinishedAttempt().isPresent(), "no done.json yet: unfinished");
        ds.writeDone(task, 0, done);
        ds.writeLog(task, 0, FlowDatastore.LogStream.STDOUT,
                new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)));

        TaskState state = ds.readTask(task).orElseThrow();
        assertTrue(state.succeeded());
        assertEquals(attempt, state.attemptRecord()); // read alongside done.json (S3 is remote)
        assertEquals(data, state.data());
        assertEquals(done, state.done());
        assertEquals(List.of(Optional.of(state), Optional.empty()),
                ds.readTasks(List.of(task, new TaskPath("12", "train", "4"))), "several: one reader thread each");
        assertEquals(List.of("train"), ds.steps("12"));
        assertEquals(List.of("3"), ds.tasks("12", "train"));
        try (var log = ds.openLog(task, 0, FlowDatastore.LogStream.STDOUT).orElseThrow()) {
            assertEquals("hello\n", new String(log.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(0.5, ds.blobs().get("artifact 'loss'", state.data().artifacts().get("loss").key()));
        Set<String> files = raw().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("baton/" + FLOW + "/12/train/3/"))
                .contents().stream().map(S3Object::key).collect(Collectors.toSet());
        assertTrue(files.containsAll(Set.of("baton/TrainFlow/12/train/3/0.attempt.json",
                "baton/TrainFlow/12/train/3/0.data.json", "baton/TrainFlow/12/train/3/0.done.json")), files.toString());

        // damage in a file read alongside done.json is the same named error as when read in turn
        raw().putObject(b -> b.bucket(bucket).key("baton/TrainFlow/12/train/3/0.data.json"),
                RequestBody.fromString("{\"artifacts\":"));
        CorruptMetadataException e = assertThrows(CorruptMetadataException.class, () -> ds.readTask(task));
        assertTrue(e.getMessage().contains("TrainFlow/12/train/3/0.data.json"), e.getMessage());
    }

    @Test
    void requestsMadeThroughTheRequestExecutorMayReadSeveralTasksEvenWhenTheyFillItsPool() throws Exception {
        java.util.concurrent.Executor executor = ds.requestExecutor().orElseThrow(
                () -> new AssertionError("S3 is remote: requests of a caller may overlap"));
        List<TaskPath> tasks = List.of(new TaskPath("12", "train", "1"), new TaskPath("12", "train", "2"));
        for (TaskPath task : tasks) {
            ds.writeAttempt(task, new AttemptRecord(0, T0, "host-a", 4242L, List.of("12/start/1"), null, Map.of()));
            ds.writeDone(task, 0, new DoneRecord(0, DoneRecord.Outcome.SUCCEEDED, T0, T0, List.of("join"), null, null,
                    null, null));
        }
        // more callers than reader threads, each reading two tasks: a reader that handed its reads to its own pool
        // and waited for them would wait forever once every reader did the same
        List<java.util.concurrent.CompletableFuture<List<Optional<TaskState>>>> reads = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            reads.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> ds.readTasks(tasks), executor));
        }
        for (var read : reads) {
            // bounded, so that a pool waiting on itself fails the test instead of hanging it
            List<Optional<TaskState>> states = read.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(tasks, states.stream().map(s -> s.orElseThrow().path()).toList());
            assertTrue(states.stream().allMatch(s -> s.orElseThrow().succeeded()));
        }
    }
}
