package dev.baton.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cli.Main;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.FlowDatastore.LogStream;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.datastore.meta.TaskData;
import dev.baton.flow.CaughtException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show}, {@code dump} and {@code logs} through the in-process command line, over runs written straight
 * into a real local datastore: run 1 succeeded, run 2 failed in {@code hello}, run 3 is still running.
 */
class InspectCommandsTest {
    private static final String FLOW = "dev.baton.examples.HelloFlow";
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path root;

    record Result(int exitCode, String out, String err) {}

    private Result baton(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, Map.of("BATON_DATASTORE_ROOT", root.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result ok(String... args) {
        Result r = baton(args);
        assertEquals(0, r.exitCode(), () -> "exit " + r.exitCode() + ": " + r.err() + r.out());
        return r;
    }

    private Result usage(String... args) {
        Result r = baton(args);
        assertEquals(2, r.exitCode(), () -> "exit " + r.exitCode() + ": " + r.err() + r.out());
        assertFalse(r.err().contains("\tat "), r.err());
        return r;
    }

    @BeforeEach
    void write() {
        try (FlowDatastore ds = Datastores.open(DatastoreConfig.local(root.toString()), "HelloFlow",
                getClass().getClassLoader())) {
            ds.writeRun(new RunRecord("HelloFlow", "1", "ada", List.of("team:ml"),
                    Map.of("name", ds.blobs().put("name", "world")), null, RunStatus.SUCCEEDED, T0, T0.plusSeconds(75),
                    Map.of()));
            task(ds, "1", "start", "1", 0, 0, DoneRecord.Outcome.SUCCEEDED, Map.of(), null, "starting\n", "");
            task(ds, "1", "hello", "2", 0, 10, DoneRecord.Outcome.SUCCEEDED,
                    Map.of("greeting", "Hello, world!"), null, "Hello, world!\n", "a warning\n");
            Map<String, Object> endArtifacts = new LinkedHashMap<>();
            endArtifacts.put("greeting", "Hello, world!");
            endArtifacts.put("numbers", List.of(1, 2, 3));
            endArtifacts.put("scores", Map.of("a", 0.5));
            endArtifacts.put("big", IntStream.range(0, 10_000).boxed().toList());
            endArtifacts.put("caught", new CaughtException("java.io.IOException", "disk full",
                    "java.io.IOException: disk full\n\tat Flow.step(Flow.java:3)\n", 2));
            task(ds, "1", "end", "3", 0, 20, DoneRecord.Outcome.SUCCEEDED, endArtifacts, null, "", "");

            ds.writeRun(new RunRecord("HelloFlow", "2", "ada", List.of(), Map.of(), null, RunStatus.FAILED,
                    T0.plusSeconds(600), T0.plusSeconds(612), Map.of()));
            task(ds, "2", "start", "1", 0, 600, DoneRecord.Outcome.SUCCEEDED, Map.of(), null, "", "");
            task(ds, "2", "hello", "2", 0, 605, DoneRecord.Outcome.FAILED, Map.of(),
                    new DoneRecord.ErrorRecord("java.lang.IllegalStateException", "boom",
                            "java.lang.IllegalStateException: boom\n\tat HelloFlow.hello(HelloFlow.java:27)\n"),
                    "", "Exception in hello: boom\n");

            ds.writeRun(new RunRecord("HelloFlow", "3", "bob", List.of(), Map.of(), "2", RunStatus.RUNNING,
                    T0.plusSeconds(1200), null, Map.of()));
            ds.writeAttempt(new TaskPath("3", "start", "1"), new AttemptRecord(0, T0.plusSeconds(1200), "h", 1,
                    List.of(), null, Map.of()));
        }
    }

    private static void task(FlowDatastore ds, String run, String step, String id, int attempt, int second,
            DoneRecord.Outcome outcome, Map<String, ?> artifacts, DoneRecord.ErrorRecord error, String out, String err) {
        TaskPath path = new TaskPath(run, step, id);
        ds.writeAttempt(path, new AttemptRecord(attempt, T0.plusSeconds(second), "host-a", 7,
                step.equals("start") ? List.of() : List.of(run + "/start/1"), null, Map.of("AWS_BATCH_JOB_ID", "job-" + id)));
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> refs.put(k, ds.blobs().put(k, v)));
        ds.writeData(path, attempt, new TaskData(refs, List.of(), List.of()));
        ds.writeLog(path, attempt, LogStream.STDOUT, new ByteArrayInputStream(out.getBytes(StandardCharsets.UTF_8)));
        ds.writeLog(path, attempt, LogStream.STDERR, new ByteArrayInputStream(err.getBytes(StandardCharsets.UTF_8)));
        ds.writeDone(path, attempt, new DoneRecord(attempt, outcome, T0.plusSeconds(second), T0.plusSeconds(second + 3),
                List.of(), null, null, error, null));
    }

    /** The table rows of the output: lines split on runs of two or more spaces. */
    private static List<List<String>> rows(String out) {
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> List.of(l.split(" {2,}"))).toList();
    }

    private static List<String> row(String out, String first) {
        return rows(out).stream().filter(r -> r.get(0).equals(first)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + first + " in:\n" + out));
    }

    @Test
    void showListsRunsNewestFirstWithStatusDurationAndOrigin() {
        Result r = ok("--flow", FLOW, "show");
        List<String> ids = rows(r.out()).stream().skip(2).map(row -> row.get(0)).toList();
        assertEquals(List.of("3", "2", "1"), ids, r.out());
        assertEquals(List.of("3", "RUNNING", "2026-01-01 10:20:00", "-", "bob", "2", "-"), row(r.out(), "3"));
        assertEquals(List.of("1", "SUCCEEDED", "2026-01-01 10:00:00", "1m15s", "ada", "-", "team:ml"), row(r.out(), "1"));
        Result ns = ok("--flow", FLOW, "show", "--namespace", "user:bob");
        assertEquals(List.of("3"), rows(ns.out()).stream().skip(2).map(row -> row.get(0)).toList(), ns.out());
    }

    @Test
    void showRunListsStepsWithTaskCountsAndStatuses() {
        Result r = ok("--flow", FLOW, "show", "1");
        assertTrue(r.out().startsWith("Run HelloFlow/1  SUCCEEDED\n"), r.out());
        assertTrue(r.out().contains("    name = world\n"), r.out());
        assertEquals(List.of("start", "1", "1 SUCCEEDED", "3.000s", "-"), row(r.out(), "start"));
        assertEquals(List.of("hello", "1", "1 SUCCEEDED", "3.000s", "-"), row(r.out(), "hello"));
        List<String> steps = rows(r.out()).stream().map(row -> row.get(0))
                .filter(s -> List.of("start", "hello", "end").contains(s)).toList();
        assertEquals(List.of("start", "hello", "end"), steps);

        Result failed = ok("--flow", FLOW, "show", "2");
        assertEquals(List.of("hello", "1", "1 FAILED", "3.000s", "-"), row(failed.out(), "hello"));
    }

    @Test
    void showStepAndTaskExplainFailures() {
        Result step = ok("--flow", FLOW, "show", "2/hello");
        List<String> task = row(step.out(), "2");
        assertEquals("FAILED", task.get(2));
        assertEquals("1", task.get(3));
        assertEquals("java.lang.IllegalStateException: boom", task.get(task.size() - 1));

        Result detail = ok("--flow", FLOW, "show", "HelloFlow/2/hello/2");
        assertTrue(detail.out().startsWith("Task HelloFlow/2/hello/2  FAILED\n"), detail.out());
        assertTrue(detail.out().contains("inputs    2/start/1"), detail.out());
        assertEquals(List.of("0", "FAILED", "2026-01-01 10:10:05", "3.000s", "host-a", "job-2"), row(detail.out(), "0"));
        assertTrue(detail.out().contains("  error\n    java.lang.IllegalStateException: boom\n"
                + "    java.lang.IllegalStateException: boom\n    \tat HelloFlow.hello(HelloFlow.java:27)\n"), detail.out());

        Result artifacts = ok("--flow", FLOW, "show", "1/end/3");
        List<String> greeting = row(artifacts.out(), "greeting");
        assertEquals("java.lang.String", greeting.get(1));

        Result unfinished = ok("--flow", FLOW, "show", "3/start/1");
        assertTrue(unfinished.out().contains("RUNNING_OR_KILLED"), unfinished.out());
        assertTrue(unfinished.out().contains("never recorded an end"), unfinished.out());
    }

    @Test
    void missingThingsAreNamedWithWhatExists() {
        Result run = usage("--flow", FLOW, "show", "9");
        assertTrue(run.err().contains("no run '9'") && run.err().contains("[3, 2, 1]"), run.err());
        Result step = usage("--flow", FLOW, "show", "1/nostep");
        assertTrue(step.err().contains("no step 'nostep'") && step.err().contains("end") && step.err().contains("hello"),
                step.err());
        Result task = usage("--flow", FLOW, "show", "1/hello/77");
        assertTrue(task.err().contains("no task '77'") && task.err().contains("[2]"), task.err());
        Result artifact = usage("--flow", FLOW, "dump", "1/end", "nosuch");
        assertTrue(artifact.err().contains("no artifact 'nosuch'") && artifact.err().contains("greeting"), artifact.err());
        Result noStep = usage("--flow", FLOW, "dump", "1");
        assertTrue(noStep.err().contains("RUN/STEP"), noStep.err());
        Result attempt = usage("--flow", FLOW, "logs", "1/hello", "--attempt", "5");
        assertTrue(attempt.err().contains("no attempt 5") && attempt.err().contains("[0]"), attempt.err());
        Result flow = usage("--flow", "NoSuchFlow", "show");
        assertTrue(flow.err().contains("NoSuchFlow") && flow.err().contains("HelloFlow"), flow.err());
    }

    @Test
    void dumpPrintsValuesReadably() throws Exception {
        assertEquals("Hello, world!\n", ok("--flow", FLOW, "dump", "1/end/3", "greeting").out());
        // the task may be omitted when the step has one
        String numbers = ok("--flow", FLOW, "dump", "1/end", "numbers").out();
        assertEquals(List.of(1, 2, 3), new ObjectMapper().readValue(numbers, List.class));
        assertTrue(numbers.contains("\n"), "pretty JSON: " + numbers);
        assertEquals(Map.of("a", 0.5), new ObjectMapper().readValue(ok("--flow", FLOW, "dump", "1/end", "scores").out(), Map.class));

        String big = ok("--flow", FLOW, "dump", "1/end", "big", "--max-chars", "50").out();
        assertTrue(big.contains("... (truncated at 50 characters; --max-chars 0 prints everything)"), big);
        assertTrue(big.length() < 200, big);
        String whole = ok("--flow", FLOW, "dump", "1/end", "big", "--max-chars", "0").out();
        assertEquals(10_000, new ObjectMapper().readValue(whole, List.class).size());

        String caught = ok("--flow", FLOW, "dump", "1/end", "caught").out();
        assertTrue(caught.startsWith("java.io.IOException: disk full (after 2 attempts)\n"), caught);

        String all = ok("--flow", FLOW, "dump", "1/end").out();
        assertTrue(all.contains("greeting (java.lang.String, "), all);
        assertTrue(all.lines().anyMatch(l -> l.startsWith("greeting (") && l.endsWith("): Hello, world!")), all);
        assertTrue(all.lines().anyMatch(l -> l.startsWith("numbers (") && l.endsWith("): [ 1, 2, 3 ]")), all);
        assertTrue(all.contains("caught (dev.baton.flow.CaughtException, "), all);
        assertTrue(all.contains("\n  java.io.IOException: disk full (after 2 attempts)\n"), all);
    }

    @Test
    void logsPrintWhatTheTaskWrote() {
        assertEquals("Hello, world!\n", ok("--flow", FLOW, "logs", "1/hello").out());
        assertEquals("a warning\n", ok("--flow", FLOW, "logs", "1/hello/2", "--stderr").out());
        assertEquals("Exception in hello: boom\n", ok("--flow", FLOW, "logs", "2/hello", "--stderr", "--attempt", "0").out());
    }

    @Test
    void aBareFlowNameReadsRunsWithoutTheFlowClass() {
        Result r = ok("--flow", "HelloFlow", "show", "1");
        assertTrue(r.out().startsWith("Run HelloFlow/1  SUCCEEDED\n"), r.out());
    }
    @Test
    void showWithoutAFlowListsTheFlowsUnderTheRoot() {
        Result r = ok("show");
        assertEquals("flows under " + root + ": HelloFlow\nshow one with: baton --flow NAME show (NAME or its class)\n",
                r.out());
    }
}
