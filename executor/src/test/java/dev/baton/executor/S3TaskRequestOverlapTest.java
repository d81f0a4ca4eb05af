package dev.baton.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.DoneRecord.Outcome;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.datastore.meta.TaskState;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Step;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.FaultInjectingProxy.Verdict;
import dev.baton.testsupport.S3ProxyServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's own S3 requests, seen on a relay in front of a real S3-compatible server (S3Proxy): on a remote store
 * the requests that do not depend on each other are in flight together (the run record's read, the parent's
 * reads and the attempt record's write; the log and the end step's run record read alongside the artifacts), and
 * every ordering that correctness needs holds: the attempt record is stored before the step runs, {@code done.json}
 * is sent only once every other write of the task has been answered, and a write that fails ends the task as the
 * sequential order did.
 */
class S3TaskRequestOverlapTest {

    /** How long a held request waits for the one it should overlap: a sequential task fails the test, not hangs. */
    private static final long HOLD_SECONDS = 5;

    /** One artifact that the second step reads (through its lazy field: a GET made by the step itself). */
    public static class Relay extends FlowSpec {
        String word;
        int length;

        @Step(next = "end")
        public void start() {
            word = "relay";
            System.out.println("start wrote " + word);
        }

        @Step
        public void end() {
            length = word.length();
            System.out.println("end read " + word);
        }
    }

    private static S3ProxyServer s3;

    @TempDir
    Path dir;

    private FaultInjectingProxy relay;
    /** What the relay saw, in order: {@code "> PUT /b/baton/..."} on arrival, {@code "< PUT /b/baton/... 200"} answered. */
    private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile Function<String, Verdict> hook = line -> Verdict.FORWARD;
    private String bucket;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        s3 = S3ProxyServer.startInMemory();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    @BeforeEach
    void startRelay() {
        relay = FaultInjectingProxy.passThrough(s3.endpoint());
        bucket = s3.createBucket();
        relay.intercept(head -> {
            String line = head.lines().findFirst().orElse("");
            events.add("> " + line);
            return hook.apply(line);
        });
        relay.onAnswered((head, status) -> events.add("< " + head.lines().findFirst().orElse("") + " " + status));
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        relay.close();
    }

    /** One task's executor on a store of its own, as a container task is a process of its own. */
    private record Task(TaskExecutor executor, FlowDatastore store) {
        TaskResult execute(TaskRequest request) {
            return executor.execute(request);
        }
    }

    private Task newTask() {
        Class<? extends FlowSpec> flow = TestFlows.load(Relay.class);
        FlowGraph graph = FlowGraph.of(flow);
        Map<String, String> settings = new HashMap<>(S3ProxyServer.datastoreSettings(relay.endpoint()));
        settings.put("s3.conditionalWrites", "true"); // what a launcher passes for S3Proxy: no probe requests
        settings.put("s3.checkBucket", "false");
        settings.put("s3.maxAttempts", "2");
        settings.put("s3.retryBaseDelayMs", "1");
        FlowDatastore ds = Datastores.open(new DatastoreConfig("s3", "s3://" + bucket + "/baton", settings),
                graph.name(), flow.getClassLoader());
        ForeachCoordinator coordinator = ForeachCoordinators.local(dir.resolve("coordinator"));
        open.add(ds);
        open.add(coordinator);
        return new Task(new TaskExecutor(new FlowBinding(flow, graph, ds, coordinator)), ds);
    }

    private static TaskRequest start() {
        return TaskRequest.of("start", "r1", "s", new TaskInputs.None(), null);
    }

    private static TaskRequest end() {
        return TaskRequest.of("end", "r1", "e", TaskInputs.parse("r1/start/s", false), null);
    }

    /** The relay's request line of a key under the flow's directory, e.g. {@code "PUT", "r1/end/e/0.done.json"}. */
    private String line(String method, String key) {
        return method + " /" + bucket + "/baton/Relay/" + key + " ";
    }

    private int first(Predicate<String> event) {
        synchronized (events) {
            for (int i = 0; i < events.size(); i++) {
                if (event.test(events.get(i))) {
                    return i;
                }
            }
        }
        throw new AssertionError("no such event in " + events);
    }

    private int arrived(String method, String key) {
        return first(e -> e.startsWith("> " + line(method, key)));
    }

    private int answered(String method, String key) {
        return first(e -> e.startsWith("< " + line(method, key)) && e.endsWith(" 200"));
    }

    /** The request line's start of any blob: {@code data/<key[0:2]>/<key>}. */
    private String blob(String method) {
        return method + " /" + bucket + "/baton/Relay/data/";
    }

    private int arrivedBlob(String method) {
        return first(e -> e.startsWith("> " + blob(method)));
    }

    private long count(Predicate<String> event) {
        synchronized (events) {
            return events.stream().filter(event).count();
        }
    }

    /**
     * Holds the first request matching {@code held} until each of {@code awaited} has arrived (bounded); the flag
     * tells whether they all did. Holds added together are all in force.
     */
    private AtomicBoolean holdUntil(Predicate<String> held, List<Predicate<String>> awaited) {
        List<CountDownLatch> latches = awaited.stream().map(a -> new CountDownLatch(1)).toList();
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicBoolean holding = new AtomicBoolean();
        Function<String, Verdict> before = hook;
        hook = line -> {
            for (int i = 0; i < awaited.size(); i++) {
                if (awaited.get(i).test(line)) {
                    latches.get(i).countDown();
                }
            }
            if (held.test(line) && holding.compareAndSet(false, true)) {
                boolean all = true;
                try {
                    for (CountDownLatch latch : latches) {
                        all &= latch.await(HOLD_SECONDS, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    all = false;
                }
                overlapped.set(all);
            }
            return before.apply(line);
        };
        return overlapped;
    }

    /** Matches the {@code n}-th request that {@code request} matches (stateful: give each use its own). */
    private static Predicate<String> nth(int n, Predicate<String> request) {
        AtomicInteger seen = new AtomicInteger();
        return l -> request.test(l) && seen.incrementAndGet() == n;
    }

    private Predicate<String> request(String method, String key) {
        return l -> l.startsWith(line(method, key));
    }

    private Predicate<String> listing(String key) {
        String prefix = ("baton/Relay/" + key).replace("/", "%2F");
        return l -> l.startsWith("GET /" + bucket) && l.contains("list-type=2") && l.contains("prefix=" + prefix);
    }

    @Test
    void startReadsItsRunRecordWhileItWritesItsAttemptRecord() {
        AtomicBoolean overlapped = holdUntil(request("GET", "r1/_run.json"),
                List.of(request("PUT", "r1/start/s/0.attempt.json")));

        TaskResult result = newTask().execute(start());

        assertEquals(ExitCodes.OK, result.exitCode(), result.message());
        assertTrue(overlapped.get(), () -> "the attempt record's PUT was not sent while _run.json was read: " + events);
        // the run record's PUT needs the read's answer (there was none: start creates it)
        assertTrue(first(e -> e.startsWith("< " + line("GET", "r1/_run.json"))) < arrived("PUT", "r1/_run.json"),
                events::toString);
    }

    @Test
    void endReadsItsRunAndItsParentWhileItWritesItsAttemptRecordAndStoresItsLogAlongsideItsArtifacts() {
        assertEquals(ExitCodes.OK, newTask().execute(start()).exitCode());
        events.clear();
        AtomicBoolean setupOverlapped = holdUntil(request("GET", "r1/_run.json"),
                List.of(request("PUT", "r1/end/e/0.attempt.json"), listing("r1/start/s/")));
        // the finish: data.json held until the log's PUT and the fresh (second) read of _run.json have arrived
        AtomicBoolean finishOverlapped = holdUntil(request("PUT", "r1/end/e/0.data.json"),
                List.of(request("PUT", "r1/end/e/0.stdout"), nth(2, request("GET", "r1/_run.json"))));

        Task task = newTask();
        TaskResult result = task.execute(end());

        assertEquals(ExitCodes.OK, result.exitCode(), result.message());
        assertTrue(setupOverlapped.get(), () -> "the run read, the parent's listing and the attempt record's PUT were"
                + " not in flight together: " + events);
        assertTrue(finishOverlapped.get(), () -> "the log's PUT and the run read were not in flight alongside"
                + " data.json: " + events);
        assertEquals(RunStatus.SUCCEEDED, task.store().readRun("r1").orElseThrow().status());
    }

    @Test
    void doneIsSentOnlyAfterEveryOtherWriteIsAnsweredAndTheAttemptIsStoredBeforeTheStepRuns() {
        assertEquals(ExitCodes.OK, newTask().execute(start()).exitCode());
        events.clear();

        TaskResult result = newTask().execute(end());

        assertEquals(ExitCodes.OK, result.exitCode(), result.message());
        int done = arrived("PUT", "r1/end/e/0.done.json");
        assertTrue(answered("PUT", "r1/end/e/0.data.json") < done, events::toString);
        assertTrue(answered("PUT", "r1/end/e/0.stdout") < done, events::toString);
        assertTrue(answered("PUT", "r1/end/e/0.attempt.json") < done, events::toString);
        int blobPut = arrivedBlob("PUT");
        assertTrue(first(e -> e.startsWith("< " + blob("PUT"))) < done, events::toString);
        assertTrue(blobPut < arrived("PUT", "r1/end/e/0.data.json"), "blobs before the data.json naming them");
        // the step reads its input (a lazy field: a GET the step makes) only once the attempt record is stored
        assertTrue(answered("PUT", "r1/end/e/0.attempt.json") < arrivedBlob("GET"), events::toString);
        // the run is marked SUCCEEDED after done.json
        assertTrue(answered("PUT", "r1/end/e/0.done.json") < arrived("PUT", "r1/_run.json"), events::toString);
        // the requests of the sequential order, none added, none repeated: the run record, the parent (listing,
        // attempt, done, data), the attempt record, the input blob, the new blob, data.json, the log, done.json,
        // and the run record read and written again
        List<String> sent;
        synchronized (events) {
            sent = events.stream().filter(e -> e.startsWith("> ")).map(e -> e.substring(2)).sorted().toList();
        }
        List<String> expected = new ArrayList<>(List.of(line("GET", "r1/_run.json"), line("GET", "r1/_run.json"),
                line("PUT", "r1/_run.json"), line("GET", "r1/start/s/0.attempt.json"),
                line("GET", "r1/start/s/0.done.json"), line("GET", "r1/start/s/0.data.json"),
                line("PUT", "r1/end/e/0.attempt.json"), line("PUT", "r1/end/e/0.data.json"),
                line("PUT", "r1/end/e/0.stdout"), line("PUT", "r1/end/e/0.done.json")));
        assertEquals(13, sent.size(), sent::toString);
        assertEquals(1, sent.stream().filter(listing("r1/start/s/")).count(), sent::toString);
        assertEquals(1, sent.stream().filter(l -> l.startsWith(blob("GET"))).count(), sent::toString);
        assertEquals(1, sent.stream().filter(l -> l.startsWith(blob("PUT"))).count(), sent::toString);
        for (String request : expected) {
            assertTrue(sent.stream().anyMatch(l -> l.startsWith(request)), () -> request + " in " + sent);
        }
        assertEquals(2, sent.stream().filter(l -> l.startsWith(line("GET", "r1/_run.json"))).count(), sent::toString);
    }

    @Test
    void aLogWriteThatFailsLeavesNoDoneRecordAndATransientExit() {
        assertEquals(ExitCodes.OK, newTask().execute(start()).exitCode());
        hook = line -> line.startsWith(line("PUT", "r1/end/e/0.stdout")) ? Verdict.INTERNAL_ERROR : Verdict.FORWARD;

        Task task = newTask();
        TaskResult result = task.execute(end());

        // as one after the other: the log fails the finish, recording the failure needs the log too, so nothing
        // is recorded and the exit code asks for a retry
        assertEquals(ExitCodes.TRANSIENT, result.exitCode(), result.message());
        assertTrue(result.done().isEmpty());
        TaskState state = task.store().readTask(new TaskPath("r1", "end", "e")).orElseThrow();
        assertNull(state.done(), "no done.json");
        assertEquals(List.of(0), state.startedAttempts());
        assertEquals(0, count(e -> e.startsWith("> " + line("PUT", "r1/end/e/0.done.json"))), events::toString);
    }

    @Test
    void aDataWriteThatFailsIsRecordedAsAPlatformFailureWithItsLog() {
        assertEquals(ExitCodes.OK, newTask().execute(start()).exitCode());
        hook = line -> line.startsWith(line("PUT", "r1/end/e/0.data.json")) ? Verdict.INTERNAL_ERROR : Verdict.FORWARD;

        Task task = newTask();
        TaskResult result = task.execute(end());

        assertEquals(ExitCodes.TRANSIENT, result.exitCode(), result.message());
        TaskState state = task.store().readTask(new TaskPath("r1", "end", "e")).orElseThrow();
        assertEquals(Outcome.PLATFORM_FAILED, state.done().outcome());
        assertNull(state.data(), "no data.json");
        assertEquals(RunStatus.RUNNING, task.store().readRun("r1").orElseThrow().status());
        try (var log = task.store().openLog(state.path(), 0, FlowDatastore.LogStream.STDOUT).orElseThrow()) {
            assertEquals("end read relay\n", new String(log.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anAttemptRecordThatFailsStopsTheTaskBeforeTheStepRunsAndIsWrittenOnce() {
        assertEquals(ExitCodes.OK, newTask().execute(start()).exitCode());
        events.clear();
        // the overlapped write fails (both tries of the client); recording the failure writes it again, and that works
        AtomicInteger attempts = new AtomicInteger();
        hook = line -> line.startsWith(line("PUT", "r1/end/e/0.attempt.json")) && attempts.incrementAndGet() <= 2
                ? Verdict.INTERNAL_ERROR : Verdict.FORWARD;

        Task task = newTask();
        TaskResult result = task.execute(end());

        assertEquals(ExitCodes.TRANSIENT, result.exitCode(), result.message());
        TaskState state = task.store().readTask(new TaskPath("r1", "end", "e")).orElseThrow();
        assertEquals(Outcome.PLATFORM_FAILED, state.done().outcome());
        assertEquals(0, count(e -> e.startsWith("> " + blob("GET"))),
                () -> "the step did not run (it would read its input): " + events);
        assertEquals(1, count(e -> e.startsWith("< " + line("PUT", "r1/end/e/0.attempt.json")) && e.endsWith(" 200")),
                events::toString);
    }

    @Test
    void aTaskWhoseParentIsMissingRecordsItsAttemptOnceAndFails() {
        assertEquals(ExitCodes.OK, newTask().execute(start()).exitCode());
        events.clear();

        Task task = newTask();
        TaskResult result = task.execute(TaskRequest.of("end", "r1", "e", TaskInputs.parse("r1/start/nope", false), null));

        assertEquals(ExitCodes.USAGE, result.exitCode(), result.message());
        TaskState state = task.store().readTask(new TaskPath("r1", "end", "e")).orElseThrow();
        assertEquals(Outcome.FAILED, state.done().outcome());
        assertEquals(1, count(e -> e.startsWith("> " + line("PUT", "r1/end/e/0.attempt.json"))), events::toString);
        assertTrue(answered("PUT", "r1/end/e/0.attempt.json") < arrived("PUT", "r1/end/e/0.done.json"),
                events::toString);
    }
}
