package dev.baton.datastore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.CorruptMetadataException;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.FlowDatastore.LogStream;
import dev.baton.datastore.MissingBlobException;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.DoneRecord.Outcome;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.flow.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowDatastoreMetadataTest {

    private static final String KEY_A = "ab" + "0".repeat(62);
    private static final String KEY_B = "cd" + "1".repeat(62);
    private static final Instant T0 = Instant.parse("2026-11-22T08:30:00.123456789Z");
    private static final TaskPath TASK = new TaskPath("12", "train", "3");

    @TempDir
    Path root;

    private FlowDatastore ds;

    @BeforeEach
    void open() {
        ds = Datastores.open(DatastoreConfig.local(root.toString()), "TrainFlow", getClass().getClassLoader());
    }

    @AfterEach
    void close() {
        ds.close();
    }

    private static AttemptRecord attempt(int n) {
        return new AttemptRecord(n, T0.plusSeconds(n), "host-a", 4242L, List.of("12/start/1"), 2,
                Map.of("AWS_BATCH_JOB_ID", "job-" + n));
    }

    private static DoneRecord done(int n, Outcome outcome) {
        DoneRecord.ErrorRecord error = outcome == Outcome.SUCCEEDED ? null
                : new DoneRecord.ErrorRecord("java.lang.IllegalStateException", "boom " + n, "at x.y(Z.java:1)");
        return new DoneRecord(n, outcome, T0.plusSeconds(n), T0.plusSeconds(n + 1), List.of("join"), null, null, error, null);
    }

    private static TaskData data(String key) {
        return new TaskData(Map.of("loss", new ArtifactRef(key, "java.lang.Double", 9)),
                List.of(new TaskData.Frame("start", "1", 2, 3, KEY_B)), List.of());
    }

    @Test
    void runRecordRoundTripsWithIsoInstants() throws IOException {
        RunRecord run = new RunRecord("TrainFlow", "12", "alice", List.of("user:alice", "exp"),
                Map.of("learningRate", new ArtifactRef(KEY_A, "java.lang.Double", 9)), null,
                RunRecord.RunStatus.RUNNING, T0, null, Map.of("scheduler", "local"));
        ds.writeRun(run);
        assertEquals(Optional.of(run), ds.readRun("12"));
        assertEquals(Optional.empty(), ds.readRun("13"));

        String json = Files.readString(root.resolve("TrainFlow/12/_run.json"));
        assertTrue(json.contains("\"2026-11-22T08:30:00.123456789Z\""), json);

        RunRecord finished = new RunRecord("TrainFlow", "12", "alice", run.tags(), run.parameters(), null,
                RunRecord.RunStatus.SUCCEEDED, T0, T0.plusSeconds(60), run.attributes());
        ds.writeRun(finished);
        assertEquals(Optional.of(finished), ds.readRun("12"));
    }

    @Test
    void unknownPropertiesAreIgnoredOnRead() throws IOException {
        Path file = root.resolve("TrainFlow/7/_run.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"flow\":\"TrainFlow\",\"runId\":\"7\",\"status\":\"RUNNING\","
                + "\"createdAt\":\"2026-11-22T08:30:00Z\",\"addedInAFutureVersion\":{\"x\":[1,2]}}");
        RunRecord run = ds.readRun("7").orElseThrow();
        assertEquals("7", run.runId());
        assertEquals(RunRecord.RunStatus.RUNNING, run.status());
        assertEquals(Instant.parse("2026-11-22T08:30:00Z"), run.createdAt());
    }

    @Test
    void damagedMetadataIsANamedError() throws IOException {
        Path file = root.resolve("TrainFlow/8/_run.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"flow\":\"TrainFlow\",\"runId\":");
        CorruptMetadataException e = assertThrows(CorruptMetadataException.class, () -> ds.readRun("8"));
        assertTrue(e.getMessage().contains("TrainFlow/8/_run.json"), e.getMessage());
        assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
    }

    @Test
    void aLocalStoreOffersNoRequestExecutor() {
        // a local request costs about as little as a thread hop: a task makes its requests in order itself
        assertTrue(ds.requestExecutor().isEmpty());
    }

    @Test
    void readTasksReadsManyInOrderAndFailsWithTheFirstDamagedOne() throws IOException {
        List<TaskPath> paths = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TaskPath p = new TaskPath("12", "each", Integer.toString(i));
            paths.add(p);
            if (i % 5 == 4) {
                continue; // never ran
            }
            ds.writeAttempt(p, attempt(0));
            ds.writeData(p, 0, data(KEY_A));
            ds.writeDone(p, 0, done(0, i % 7 == 0 ? Outcome.FAILED : Outcome.SUCCEEDED));
        }
        List<Optional<TaskState>> states = ds.readTasks(paths);
        assertEquals(paths.size(), states.size());
        for (int i = 0; i < paths.size(); i++) {
            assertEquals(ds.readTask(paths.get(i)), states.get(i), "task " + i);
            assertEquals(i % 5 != 4, states.get(i).isPresent(), "task " + i);
        }
        Files.writeString(root.resolve("TrainFlow/12/each/17/0.done.json"), "{\"attempt\":");
        CorruptMetadataException e = assertThrows(CorruptMetadataException.class, () -> ds.readTasks(paths));
        assertTrue(e.getMessage().contains("TrainFlow/12/each/17/0.done.json"), e.getMessage());
    }

    @Test
    void taskMetadataRoundTripsAndLayoutMatchesTheDesign() {
        ds.writeAttempt(TASK, attempt(0));
        ds.writeData(TASK, 0, data(KEY_A));
        ds.writeDone(TASK, 0, done(0, Outcome.SUCCEEDED));

        for (String file : List.of("0.attempt.json", "0.data.json", "0.done.json")) {
            assertTrue(Files.isRegularFile(root.resolve("TrainFlow/12/train/3/" + file)), file);
        }
        TaskState state = ds.readTask(TASK).orElseThrow();
        assertEquals(TASK, state.path());
        assertEquals(List.of(0), state.startedAttempts());
        assertEquals(0, state.finishedAttempt());
        assertEquals(attempt(0), state.attemptRecord());
        assertEquals(data(KEY_A), state.data());
        assertEquals(done(0, Outcome.SUCCEEDED), state.done());
        assertTrue(state.succeeded());
        assertEquals(Optional.empty(), state.unfinishedAttempt());
    }

    @Test
    void latestFinishedAttemptWins() {
        ds.writeAttempt(TASK, attempt(0));
        ds.writeData(TASK, 0, data(KEY_A));
        ds.writeDone(TASK, 0, done(0, Outcome.FAILED));
        ds.writeAttempt(TASK, attempt(1));
        ds.writeData(TASK, 1, data(KEY_B));
        ds.writeDone(TASK, 1, done(1, Outcome.SUCCEEDED));
        ds.writeAttempt(TASK, attempt(2));
        ds.writeDone(TASK, 2, done(2, Outcome.FAILED));
        // attempt 10 sorts before 2 by name: the choice must be numeric
        for (int n = 3; n <= 10; n++) {
            ds.writeAttempt(TASK, attempt(n));
        }
        ds.writeData(TASK, 10, data(KEY_B));
        ds.writeDone(TASK, 10, done(10, Outcome.SUCCEEDED));

        TaskState state = ds.readTask(TASK).orElseThrow();
        assertEquals(10, state.finishedAttempt());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), state.startedAttempts());
        assertEquals(attempt(10), state.attemptRecord());
        assertTrue(state.succeeded());
        assertEquals(Optional.empty(), state.unfinishedAttempt());
    }

    @Test
    void failedLatestAttemptIsReportedAsFailedWithItsError() {
        ds.writeAttempt(TASK, attempt(0));
        ds.writeData(TASK, 0, data(KEY_A));
        ds.writeDone(TASK, 0, done(0, Outcome.SUCCEEDED));
        ds.writeAttempt(TASK, attempt(1));
        ds.writeDone(TASK, 1, done(1, Outcome.FAILED));

        TaskState state = ds.readTask(TASK).orElseThrow();
        assertEquals(1, state.finishedAttempt());
        assertFalse(state.succeeded());
        assertNull(state.data(), "the failed attempt wrote no data.json");
        assertEquals("boom 1", state.done().error().message());
    }

    @Test
    void startedButUnfinishedAttemptIsReported() {
        ds.writeAttempt(TASK, attempt(0));
        ds.writeData(TASK, 0, data(KEY_A));
        ds.writeDone(TASK, 0, done(0, Outcome.SUCCEEDED));
        ds.writeAttempt(TASK, attempt(1)); // killed: no done.json

        TaskState state = ds.readTask(TASK).orElseThrow();
        assertEquals(0, state.finishedAttempt(), "readers use the finished attempt");
        assertEquals(data(KEY_A), state.data());
        assertEquals(Optional.of(1), state.unfinishedAttempt());

        TaskPath never = new TaskPath("12", "train", "4");
        ds.writeAttempt(never, attempt(0));
        ds.writeData(never, 0, data(KEY_A)); // data without done: the task does not look finished
        TaskState killed = ds.readTask(never).orElseThrow();
        assertNull(killed.finishedAttempt());
        assertNull(killed.done());
        assertNull(killed.data());
        assertEquals(attempt(0), killed.attemptRecord());
        assertEquals(Optional.of(0), killed.unfinishedAttempt());
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> ds.loadArtifact(killed, "loss"));
        assertTrue(e.getMessage().contains("TrainFlow/12/train/4") && e.getMessage().contains("attempt 0"), e.getMessage());

        assertEquals(Optional.empty(), ds.readTask(new TaskPath("12", "train", "5")));
    }

    @Test
    void listsRunsStepsAndTasks() {
        ds.writeRun(new RunRecord("TrainFlow", "12", "u", null, null, null, RunRecord.RunStatus.RUNNING, T0, null, null));
        for (String task : List.of("10", "2", "1")) {
            ds.writeAttempt(new TaskPath("12", "train", task), attempt(0));
        }
        ds.writeAttempt(new TaskPath("12", "start", "1"), attempt(0));
        ds.writeAttempt(new TaskPath("13", "start", "1"), attempt(0));
        ds.blobs(); // a data/ directory must not be taken for a run
        assertTrue(new LocalObjectStore(root).writeIfAbsent("TrainFlow/data/ab/" + KEY_A, new byte[] {1}));

        assertEquals(List.of("12", "13"), ds.runIds().stream().sorted().toList());
        assertEquals(List.of("start", "train"), ds.steps("12"));
        assertEquals(List.of("1", "2", "10"), ds.tasks("12", "train"));
        assertEquals(List.of(), ds.tasks("12", "nothing"));
        assertThrows(ConfigurationException.class, () -> ds.readRun("data"));
        assertThrows(ConfigurationException.class, () -> ds.readTask(new TaskPath("data", "a", "1")));
    }

    @Test
    void taskFilesLiveBesideTheAttemptsAndAreIgnoredByReadsAndListings() throws IOException {
        ds.writeAttempt(TASK, attempt(0));
        ds.writeData(TASK, 0, data(KEY_A));
        ds.writeDone(TASK, 0, done(0, Outcome.SUCCEEDED));
        ds.writeTaskFile(TASK, "_foreach_items.json", "[\"0\"]".getBytes(StandardCharsets.UTF_8));
        ds.writeTaskFile(TASK, "_foreach_items.json", "[\"0\",\"1\"]".getBytes(StandardCharsets.UTF_8));

        assertEquals("[\"0\",\"1\"]", Files.readString(root.resolve("TrainFlow/12/train/3/_foreach_items.json")));
        TaskState state = ds.readTask(TASK).orElseThrow();
        assertEquals(0, state.finishedAttempt());
        assertEquals(List.of(0), state.startedAttempts());
        assertEquals(List.of("3"), ds.tasks("12", "train"));
        for (String bad : new String[] {"0.done.json", "items.json", "_a/b", "_", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ds.writeTaskFile(TASK, bad, new byte[1]), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void logsRoundTripAndAreReplacedByAReRun() throws IOException {
        assertEquals(Optional.empty(), ds.openLog(TASK, 0, LogStream.STDOUT));
        byte[] big = "line of output\n".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        ds.writeLog(TASK, 0, LogStream.STDOUT, new ByteArrayInputStream(big));
        ds.writeLog(TASK, 0, LogStream.STDERR, new ByteArrayInputStream("err".getBytes(StandardCharsets.UTF_8)));
        try (InputStream in = ds.openLog(TASK, 0, LogStream.STDOUT).orElseThrow()) {
            assertTrue(java.util.Arrays.equals(big, in.readAllBytes()));
        }
        ds.writeLog(TASK, 0, LogStream.STDERR, new ByteArrayInputStream("again".getBytes(StandardCharsets.UTF_8)));
        try (InputStream in = ds.openLog(TASK, 0, LogStream.STDERR).orElseThrow()) {
            assertEquals("again", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(Files.isRegularFile(root.resolve("TrainFlow/12/train/3/0.stdout")));
        // a large log (streamed, not written in one piece) is replaced by a re-run too
        byte[] bigger = "another line of output\n".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        ds.writeLog(TASK, 0, LogStream.STDOUT, new ByteArrayInputStream(bigger));
        try (InputStream in = ds.openLog(TASK, 0, LogStream.STDOUT).orElseThrow()) {
            assertTrue(java.util.Arrays.equals(bigger, in.readAllBytes()));
        }
    }

    @Test
    void dataJsonNamingAMissingKeyIsANamedErrorWhenLoaded() {
        ds.writeAttempt(TASK, attempt(0));
        ds.writeData(TASK, 0, data(KEY_A));
        ds.writeDone(TASK, 0, done(0, Outcome.SUCCEEDED));
        TaskState state = ds.readTask(TASK).orElseThrow();

        MissingBlobException e = assertThrows(MissingBlobException.class, () -> ds.loadArtifact(state, "loss"));
        assertTrue(e.getMessage().contains("artifact 'loss' of TrainFlow/12/train/3 (attempt 0)"), e.getMessage());
        assertTrue(e.getMessage().contains(KEY_A), e.getMessage());

        ConfigurationException unknown = assertThrows(ConfigurationException.class, () -> ds.loadArtifact(state, "nope"));
        assertTrue(unknown.getMessage().contains("'nope'") && unknown.getMessage().contains("[loss]"), unknown.getMessage());
    }

    @Test
    void loadsArtifactsOfTheFinishedAttemptByName() {
        ArtifactRef loss = ds.blobs().put("loss", 0.125);
        ArtifactRef rates = ds.blobs().put("rates", List.of(0.1, 0.01));
        ds.writeAttempt(TASK, attempt(0));
        ds.writeData(TASK, 0, new TaskData(Map.of("loss", loss, "rates", rates), null, null));
        ds.writeDone(TASK, 0, done(0, Outcome.SUCCEEDED));
        TaskState state = ds.readTask(TASK).orElseThrow();

        assertEquals(0.125, ds.loadArtifact(state, "loss"));
        Map<String, Object> both = ds.loadArtifacts(state, List.of("rates", "loss"));
        assertEquals(List.of("rates", "loss"), List.copyOf(both.keySet()));
        assertEquals(List.of(0.1, 0.01), both.get("rates"));
        assertThrows(ConfigurationException.class, () -> ds.loadArtifacts(state, List.of("loss", "nope")));
    }
}
