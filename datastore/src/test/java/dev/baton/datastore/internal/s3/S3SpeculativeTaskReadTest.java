package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.CorruptMetadataException;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.FaultInjectingProxy.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Reading a task on S3 from a caller's thread: the first attempt's files are requested together with the task's
 * listing, and the result is the one reading in turn gives (a read on one of the datastore's reader threads, which
 * makes its requests one after the other) in every case: a first-attempt success, a retried task, a task without
 * {@code done.json}, no task, a missing {@code data.json}, a damaged {@code done.json}, files that appear between
 * the listing and the guessed reads, and guessed reads that fail.
 */
class S3SpeculativeTaskReadTest {
    private static final String FLOW = "TrainFlow";
    private static final Instant T0 = Instant.parse("2026-11-22T08:30:00Z");
    /** How long a held request waits for what it waits for before it goes on (and the test fails). */
    private static final long HOLD_SECONDS = 10;

    private final TaskPath task = new TaskPath("12", "train", "3");
    private final List<String> arrived = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<String, Verdict> hook = line -> Verdict.FORWARD;
    private volatile BiConsumer<String, Integer> answered = (line, status) -> { };
    private String bucket;
    private FaultInjectingProxy relay;
    private FlowDatastore ds;

    @BeforeEach
    void open() {
        bucket = SharedS3.server().createBucket();
        relay = FaultInjectingProxy.passThrough(SharedS3.server().endpoint());
        relay.intercept(head -> {
            String line = head.lines().findFirst().orElse("");
            arrived.add(line);
            return hook.apply(line);
        });
        relay.onAnswered((head, status) -> answered.accept(head.lines().findFirst().orElse(""), status));
        Map<String, String> settings = SharedS3.settings(relay.endpoint());
        settings.put("s3.conditionalWrites", "true"); // S3Proxy honours them: no probe requests in the counts
        settings.put("s3.checkBucket", "false");
        settings.put("s3.maxAttempts", "2");
        settings.put("s3.retryBaseDelayMs", "1");
        ds = Datastores.open(new DatastoreConfig("s3", "s3://" + bucket + "/baton", settings), FLOW,
                getClass().getClassLoader());
    }

    @AfterEach
    void close() {
        ds.close();
        relay.close();
    }

    // --- the task's files --------------------------------------------------------------------------------------

    private static AttemptRecord attempt(int n) {
        return new AttemptRecord(n, T0.plusSeconds(10L * n), "host-" + n, 4242L + n, List.of("12/start/1"), 2,
                Map.of("AWS_BATCH_JOB_ATTEMPT", Integer.toString(n + 1)));
    }

    private static TaskData data(int n) {
        String key = "%064d".formatted(n + 1);
        return new TaskData(Map.of("loss", new ArtifactRef(key, "java.lang.Double", 9 + n)), List.of(), List.of());
    }

    private static DoneRecord done(int n, DoneRecord.Outcome outcome) {
        return new DoneRecord(n, outcome, T0.plusSeconds(10L * n), T0.plusSeconds(10L * n + 5), List.of("join"),
                null, null, outcome == DoneRecord.Outcome.SUCCEEDED ? null
                        : new DoneRecord.ErrorRecord("java.lang.IllegalStateException", "attempt " + n, "at x"),
                null);
    }

    private void writeAttempt(int n, DoneRecord.Outcome outcome) {
        ds.writeAttempt(task, attempt(n));
        ds.writeData(task, n, data(n));
        ds.writeDone(task, n, done(n, outcome));
    }

    /** Writes straight to the server, past the relay: a file another process writes meanwhile. */
    private void writeRaw(String file, String content) {
        SharedS3.server().client().putObject(b -> b.bucket(bucket).key("baton/" + FLOW + "/12/train/3/" + file),
                RequestBody.fromString(content));
    }

    /** The JSON the datastore writes for a file, written to another task and read back past the relay. */
    private String json(Consumer<TaskPath> write, String file) {
        TaskPath scratch = new TaskPath("99", "scratch", "1");
        write.accept(scratch);
        return SharedS3.server().client().getObjectAsBytes(b -> b.bucket(bucket)
                .key("baton/" + FLOW + "/99/scratch/1/" + file)).asUtf8String();
    }

    private String get(String file) {
        return "GET /" + bucket + "/baton/" + FLOW + "/12/train/3/" + file + " ";
    }

    /** Any GET of the first attempt's files. */
    private String firstAttemptGet() {
        return "GET /" + bucket + "/baton/" + FLOW + "/12/train/3/0.";
    }

    private boolean isListing(String line) {
        return line.startsWith("GET /" + bucket) && line.contains("list-type=2")
                && line.contains("prefix=baton%2F" + FLOW + "%2F12%2Ftrain%2F3%2F");
    }

    // --- reading: the guessing path and the path in turn ---------------------------------------------------------

    /** What a read gave: the state, or the failure's type and message. */
    private record Outcome(Optional<TaskState> state, Class<?> failure, String message) {
        static Outcome of(Callable<Optional<TaskState>> read) {
            try {
                return new Outcome(read.call(), null, null);
            } catch (Exception e) {
                return new Outcome(null, e.getClass(), e.getMessage());
            }
        }
    }

    /** A read from this (test) thread, which guesses the first attempt on S3. */
    private Outcome guessing() {
        return Outcome.of(() -> ds.readTask(task));
    }

    /** The same read on one of the datastore's reader threads, which makes its requests one after the other. */
    private Outcome inTurn() {
        return Outcome.of(() -> {
            CompletableFuture<Optional<TaskState>> read =
                    CompletableFuture.supplyAsync(() -> ds.readTask(task), ds.requestExecutor().orElseThrow());
            try {
                return read.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (Exception) e.getCause();
            }
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(HOLD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- tests -----------------------------------------------------------------------------------------------

    @Test
    void firstAttemptFilesAreRequestedTogetherWithTheListing() {
        writeAttempt(0, DoneRecord.Outcome.SUCCEEDED);
        // the listing is held until the first attempt's done.json is asked for: reads that waited for the listing
        // to learn the attempt would never come, and the held listing gives up after a while
        CountDownLatch doneAsked = new CountDownLatch(1);
        AtomicBoolean listedAfterDoneAsked = new AtomicBoolean();
        hook = line -> {
            if (line.startsWith(get("0.done.json"))) {
                doneAsked.countDown();
            } else if (isListing(line)) {
                await(doneAsked);
                listedAfterDoneAsked.set(doneAsked.getCount() == 0);
            }
            return Verdict.FORWARD;
        };
        arrived.clear();
        Outcome read = guessing();
        List<String> requests = List.copyOf(arrived);
        assertTrue(listedAfterDoneAsked.get(), () -> "the listing went first, alone: " + requests);
        assertEquals(4, requests.size(), () -> "a listing and three GETs, as in turn: " + requests);
        for (String file : List.of("0.attempt.json", "0.data.json", "0.done.json")) {
            assertEquals(1, requests.stream().filter(l -> l.startsWith(get(file))).count(), requests::toString);
        }
        TaskState state = read.state().orElseThrow();
        assertEquals(new TaskState(task, List.of(0), 0, attempt(0), data(0), done(0, DoneRecord.Outcome.SUCCEEDED)),
                state);
        hook = line -> Verdict.FORWARD;
        assertEquals(inTurn(), read);
    }

    @Test
    void aRetriedTaskIsReadAtItsChosenAttemptWhateverWasGuessed() {
        writeAttempt(0, DoneRecord.Outcome.FAILED);
        writeAttempt(1, DoneRecord.Outcome.SUCCEEDED);
        // the listing waits for the three guessed reads to arrive, so that all of them are made (and counted)
        CountDownLatch guessed = new CountDownLatch(3);
        hook = line -> {
            if (line.startsWith(firstAttemptGet())) {
                guessed.countDown();
            } else if (isListing(line)) {
                await(guessed);
            }
            return Verdict.FORWARD;
        };
        Outcome read = guessing();
        assertEquals(Optional.of(new TaskState(task, List.of(0, 1), 1, attempt(1), data(1),
                done(1, DoneRecord.Outcome.SUCCEEDED))), read.state());
        // the guess cost three requests more here; a reader thread (whose pool the guesses would queue on) makes none
        assertEquals(3, arrived.stream().filter(l -> l.startsWith(firstAttemptGet())).count(), arrived::toString);
        arrived.clear();
        assertEquals(inTurn(), read);
        assertEquals(4, arrived.size(), arrived::toString);
        assertTrue(arrived.stream().noneMatch(l -> l.startsWith(firstAttemptGet())), arrived::toString);
    }

    @Test
    void guessedReadsThatFailAreNotReportedWhenAnotherAttemptIsChosen() {
        writeAttempt(0, DoneRecord.Outcome.FAILED);
        writeAttempt(1, DoneRecord.Outcome.SUCCEEDED);
        // every request for the first attempt's files fails (500, every retry); the listing waits until the guessed
        // done.json read has given up, so that its failure is there to be (wrongly) reported
        CountDownLatch guessFailed = new CountDownLatch(2); // s3.maxAttempts
        hook = line -> {
            if (line.startsWith(get("0.done.json"))) {
                guessFailed.countDown();
                return Verdict.INTERNAL_ERROR;
            }
            if (line.startsWith(get("0.attempt.json")) || line.startsWith(get("0.data.json"))) {
                return Verdict.INTERNAL_ERROR;
            }
            if (isListing(line)) {
                await(guessFailed);
            }
            return Verdict.FORWARD;
        };
        Outcome read = guessing();
        assertEquals(0, guessFailed.getCount(), () -> "the guessed done.json read was tried twice: " + arrived);
        assertEquals(Optional.of(new TaskState(task, List.of(0, 1), 1, attempt(1), data(1),
                done(1, DoneRecord.Outcome.SUCCEEDED))), read.state(), () -> "failure: " + read);
        assertEquals(inTurn(), read);
    }

    @Test
    void aGuessedReadThatFailedIsMadeAgainWhenItsAttemptIsChosen() {
        writeAttempt(0, DoneRecord.Outcome.SUCCEEDED);
        // the guessed done.json read fails for good (both its attempts), the read in turn gets through
        AtomicInteger doneReads = new AtomicInteger();
        CountDownLatch guessFailed = new CountDownLatch(2); // s3.maxAttempts
        hook = line -> {
            if (line.startsWith(get("0.done.json"))) {
                guessFailed.countDown();
                return doneReads.incrementAndGet() <= 2 ? Verdict.INTERNAL_ERROR : Verdict.FORWARD;
            }
            if (isListing(line)) {
                await(guessFailed);
            }
            return Verdict.FORWARD;
        };
        Outcome read = guessing();
        assertEquals(Optional.of(new TaskState(task, List.of(0), 0, attempt(0), data(0),
                done(0, DoneRecord.Outcome.SUCCEEDED))), read.state(), () -> "failure: " + read);
        assertEquals(3, doneReads.get(), () -> "two failed guesses, then the read in turn: " + arrived);
        assertEquals(inTurn(), read);
    }

    @Test
    void aFileListedButNotFoundByTheGuessIsReadAgain() {
        ds.writeAttempt(task, attempt(0));
        ds.writeData(task, 0, data(0));
        String doneJson = json(t -> ds.writeDone(t, 0, done(0, DoneRecord.Outcome.SUCCEEDED)), "0.done.json");
        // done.json is written after the guessed read found nothing there, and before the listing
        CountDownLatch guessMissed = new CountDownLatch(1);
        answered = (line, status) -> {
            if (line.startsWith(get("0.done.json")) && status == 404) {
                guessMissed.countDown();
            }
        };
        AtomicBoolean writtenAfterMiss = new AtomicBoolean();
        hook = line -> {
            if (isListing(line) && !writtenAfterMiss.get()) {
                await(guessMissed);
                writtenAfterMiss.set(guessMissed.getCount() == 0);
                writeRaw("0.done.json", doneJson);
            }
            return Verdict.FORWARD;
        };
        Outcome read = guessing();
        assertTrue(writtenAfterMiss.get(), () -> "the guessed done.json read missed: " + arrived);
        assertEquals(Optional.of(new TaskState(task, List.of(0), 0, attempt(0), data(0),
                done(0, DoneRecord.Outcome.SUCCEEDED))), read.state(), () -> "failure: " + read);
        hook = line -> Verdict.FORWARD;
        assertEquals(inTurn(), read);
    }

    @Test
    void aFileFoundByTheGuessButNotListedIsNotPartOfTheTask() {
        ds.writeAttempt(task, attempt(0));
        ds.writeDone(task, 0, done(0, DoneRecord.Outcome.SUCCEEDED));
        String dataJson = json(t -> ds.writeData(t, 0, data(0)), "0.data.json");
        // data.json is written after the listing, and the guessed read then finds it (before done.json is answered,
        // so before the read can end): the listing decides, as in turn
        CountDownLatch listed = new CountDownLatch(1);
        CountDownLatch guessFound = new CountDownLatch(1);
        answered = (line, status) -> {
            if (isListing(line)) {
                listed.countDown();
            } else if (line.startsWith(get("0.data.json")) && status == 200) {
                guessFound.countDown();
            }
        };
        hook = line -> {
            if (line.startsWith(get("0.data.json"))) {
                await(listed);
                writeRaw("0.data.json", dataJson);
            } else if (line.startsWith(get("0.done.json"))) {
                await(guessFound);
            }
            return Verdict.FORWARD;
        };
        Outcome read = guessing();
        assertEquals(0, guessFound.getCount(), () -> "the guessed data.json read found it: " + arrived);
        assertEquals(Optional.of(new TaskState(task, List.of(0), 0, attempt(0), null,
                done(0, DoneRecord.Outcome.SUCCEEDED))), read.state(), () -> "failure: " + read);
    }

    @Test
    void aTaskWithoutDoneJsonIsUnfinishedAsInTurn() {
        ds.writeAttempt(task, attempt(0));
        ds.writeData(task, 0, data(0));
        Outcome read = guessing();
        assertEquals(Optional.of(new TaskState(task, List.of(0), null, attempt(0), null, null)), read.state());
        assertEquals(Optional.of(0), read.state().orElseThrow().unfinishedAttempt());
        assertEquals(inTurn(), read);
        // a crashed second attempt after a failed first: the latest started attempt is reported
        writeAttempt(0, DoneRecord.Outcome.FAILED);
        ds.writeAttempt(task, attempt(1));
        Outcome retried = guessing();
        assertEquals(Optional.of(1), retried.state().orElseThrow().unfinishedAttempt());
        assertEquals(inTurn(), retried);
    }

    @Test
    void aTaskWithNoFilesIsEmpty() {
        Outcome read = guessing();
        assertEquals(new Outcome(Optional.empty(), null, null), read);
        assertEquals(inTurn(), read);
    }

    @Test
    void aFinishedTaskWithoutDataJsonHasNoData() {
        ds.writeAttempt(task, attempt(0));
        ds.writeDone(task, 0, done(0, DoneRecord.Outcome.FAILED));
        Outcome read = guessing();
        TaskState state = read.state().orElseThrow();
        assertNull(state.data());
        assertEquals(new TaskState(task, List.of(0), 0, attempt(0), null, done(0, DoneRecord.Outcome.FAILED)), state);
        assertEquals(inTurn(), read);
    }

    @Test
    void aDamagedDoneJsonIsTheSameNamedErrorAsInTurn() {
        ds.writeAttempt(task, attempt(0));
        ds.writeData(task, 0, data(0));
        writeRaw("0.done.json", "{\"attempt\":");
        Outcome read = guessing();
        assertEquals(CorruptMetadataException.class, read.failure(), read::toString);
        assertTrue(read.message().contains("TrainFlow/12/train/3/0.done.json"), read.message());
        assertEquals(inTurn(), read);
        // with data.json damaged too, done.json is still the one reported, as before the guess (from a caller's
        // thread, done.json is read while the other two are fetched alongside, and its failure is thrown first)
        writeRaw("0.data.json", "{\"artifacts\":");
        Outcome both = guessing();
        assertEquals(read, both);
        // and a damaged data.json alone is named as such
        writeRaw("0.done.json", json(t -> ds.writeDone(t, 0, done(0, DoneRecord.Outcome.SUCCEEDED)), "0.done.json"));
        Outcome data = guessing();
        assertEquals(CorruptMetadataException.class, data.failure(), data::toString);
        assertTrue(data.message().contains("TrainFlow/12/train/3/0.data.json"), data.message());
        assertEquals(inTurn(), data);
    }
}
