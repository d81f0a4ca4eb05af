package dev.baton.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.DoneRecord.Outcome;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.flows.FeatureFlows;
import dev.baton.flow.CaughtException;
import dev.baton.flow.ConfigurationException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor's semantics end to end on the local runtime and the real local datastore. */
class SemanticsTest {
    @TempDir
    Path root;

    private static String log(FlowDatastore ds, TaskState t, int attempt, FlowDatastore.LogStream s) throws Exception {
        var log = ds.openLog(t.path(), attempt, s);
        if (log.isEmpty()) {
            return ""; // an empty log is not stored
        }
        try (InputStream in = log.get()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void artifactsOfManyKindsCrossSteps() {
        try (Harness h = new Harness(root, FeatureFlows.Kinds.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.failedTasks()::toString);
            assertEquals("42|1099511627776|2.5|true|Ω|héllo 🌍|3|null|[3, 1, 2]|[1.5, 2.5]|[z, y]|FRIDAY|12345.6789|"
                    + "123e4567-e89b-12d3-a456-426614174000|2024-01-02T03:04:05Z|2024-02-29|yes|1000|null|null",
                    h.artifact(r.runId(), "end", "echo"));
            TaskState start = h.task(r.runId(), "start");
            assertFalse(start.data().artifacts().containsKey("scratch"), "transient fields are never persisted");
            assertFalse(start.data().artifacts().containsKey("shared"), "static fields are never persisted");
            // inherited and untouched: the same key, no new blob
            assertEquals(start.data().artifacts().get("money").key(),
                    h.task(r.runId(), "end").data().artifacts().get("money").key());
        }
    }

    @Test
    void retryAttemptFailsThenSucceeds() throws Exception {
        try (Harness h = new Harness(root, FeatureFlows.Flaky.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.failedTasks()::toString);
            TaskState flaky = h.task(r.runId(), "flaky");
            assertEquals(List.of(0, 1), flaky.startedAttempts());
            assertEquals(1, flaky.finishedAttempt());
            assertEquals(1, h.artifact(r.runId(), "end", "attemptSeen"));
            assertTrue(log(h.datastore, flaky, 0, FlowDatastore.LogStream.STDERR).contains("first attempt fails"));
        }
    }

    @Test
    void exhaustedRetriesFailTheRunAndRecordTheError() throws Exception {
        try (Harness h = new Harness(root, FeatureFlows.AlwaysFails.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.FAILED, r.status());
            assertEquals(1, r.exitCode());
            assertEquals(RunStatus.FAILED, h.datastore.readRun(r.runId()).orElseThrow().status());
            TaskState boom = h.task(r.runId(), "boom");
            assertEquals(List.of(0, 1), boom.startedAttempts());
            assertEquals(Outcome.FAILED, boom.done().outcome());
            assertEquals(IllegalArgumentException.class.getName(), boom.done().error().type());
            assertEquals("boom in " + boom.path().taskId(), boom.done().error().message());
            assertEquals("about to fail\n", log(h.datastore, boom, 1, FlowDatastore.LogStream.STDOUT));
            assertTrue(h.tasks(r.runId(), "end").isEmpty());
            assertEquals(1, r.failedTasks().size());
        }
    }

    @Test
    void timeoutStopsTheAttemptAndRecordsTimedOut() {
        try (Harness h = new Harness(root, FeatureFlows.Slow.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.FAILED, r.status());
            TaskState slow = h.task(r.runId(), "slow");
            assertEquals(Outcome.TIMED_OUT, slow.done().outcome());
            assertEquals(StepTimeoutException.class.getName(), slow.done().error().type());
            assertTrue(slow.done().error().message().contains("@Timeout"), slow.done().error().message());
        }
    }

    @Test
    void catchStoresTheFailureAfterTheLastAttemptAndTheFlowGoesOn() {
        try (Harness h = new Harness(root, FeatureFlows.Caught.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.failedTasks()::toString);
            TaskState risky = h.task(r.runId(), "risky");
            assertEquals(List.of(0, 1), risky.startedAttempts());
            assertEquals(Outcome.SUCCEEDED, risky.done().outcome());
            assertNotNull(risky.done().error(), "the caught failure is recorded too");
            CaughtException caught = (CaughtException) h.artifact(risky, "failure");
            assertEquals(UnsupportedOperationException.class.getName(), caught.type());
            assertEquals("risky failed in attempt 1", caught.message());
            assertEquals(2, caught.attempts());
            assertTrue(caught.stackTrace().contains("FeatureFlows$Caught.risky"));
            assertEquals(7, h.artifact(risky, "kept"));
            assertFalse(risky.data().artifacts().containsKey("partial") && (int) h.artifact(risky, "partial") == 99);
            assertEquals(UnsupportedOperationException.class.getName() + "/2", h.artifact(r.runId(), "end", "after"));
        }
    }

    @Test
    void parametersAreTypedDefaultedStoredOnceAndReadOnly() {
        try (Harness h = new Harness(root, FeatureFlows.Params.class)) {
            RunResult r = h.run(Map.of("epochs", "3", "loud", "true", "color", "friday", "sizes", "[4,5]",
                    "learning-rate", "0.5"));
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.failedTasks()::toString);
            assertEquals("0.5,3,model,true,FRIDAY,[4, 5],7", h.artifact(r.runId(), "end", "summary"));
            var run = h.datastore.readRun(r.runId()).orElseThrow();
            assertEquals(run.parameters().get("epochs").key(),
                    h.task(r.runId(), "end").data().artifacts().get("epochs").key());
        }
    }

    @Test
    void missingUnknownAndBadlyTypedParametersAreUsageErrorsListingTheValidOnes() {
        try (Harness h = new Harness(root, FeatureFlows.Params.class)) {
            ConfigurationException missing = assertThrows(ConfigurationException.class, () -> h.run(Map.of()));
            assertTrue(missing.getMessage().contains("missing required parameter --epochs"), missing.getMessage());
            assertTrue(missing.getMessage().contains("--learning-rate (double, default 0.01): learning rate"),
                    missing.getMessage());
            ConfigurationException bad = assertThrows(ConfigurationException.class,
                    () -> h.run(Map.of("epochs", "three", "bogus", "1")));
            assertTrue(bad.getMessage().contains("--epochs 'three' is not a valid int"), bad.getMessage());
            assertTrue(bad.getMessage().contains("unknown parameter --bogus"), bad.getMessage());
            assertTrue(h.datastore.runIds().isEmpty(), "nothing runs on a usage error");
        }
    }

    @Test
    void writingAParameterFailsTheStepNamingIt() {
        try (Harness h = new Harness(root, FeatureFlows.WritesParameter.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.FAILED, r.status());
            String message = h.task(r.runId(), "start").done().error().message();
            assertTrue(message.contains("parameter 'alpha'"), message);
        }
    }

    @Test
    void mergeConflictNamesEveryConflictingArtifactAndSetsNothing() {
        try (Harness h = new Harness(root, FeatureFlows.Conflict.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.FAILED, r.status());
            TaskState join = h.task(r.runId(), "join");
            String message = join.done().error().message();
            assertTrue(message.contains("differs (2 different values among 2 inputs)"), message);
            assertTrue(message.contains("other (2 different values among 2 inputs)"), message);
            assertFalse(message.contains("same"), message);
            assertNull(join.data(), "a failed join persists nothing");
        }
    }

    @Test
    void mergeSkipsWhatTheJoinSetAndCopiesAgreedValuesByKey() {
        try (Harness h = new Harness(root, FeatureFlows.Resolved.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.failedTasks()::toString);
            TaskState join = h.task(r.runId(), "join");
            assertEquals(2, h.artifact(join, "differs"));
            assertEquals(h.task(r.runId(), "a").data().artifacts().get("same").key(),
                    join.data().artifacts().get("same").key());
        }
    }

    @Test
    void joinSeesForeachInputsInIndexOrderWhenChildrenFinishInReverse() {
        System.setProperty("baton.test.dir", root.toString());
        try (Harness h = new Harness(root.resolve("ds"), FeatureFlows.OutOfOrder.class)) {
            RunResult r = h.run(h.options().withMaxWorkers(6));
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.failedTasks()::toString);
            assertEquals(List.of(0, 1, 2, 3, 4, 5), h.artifact(r.runId(), "end", "seen"));
            // the children really finished in reverse: done times decrease with the index
            List<TaskState> body = h.tasks(r.runId(), "body");
            body.sort((a, b) -> Integer.compare(a.attemptRecord().splitIndex(), b.attemptRecord().splitIndex()));
            assertTrue(body.get(0).done().finishedAt().isAfter(body.get(5).done().finishedAt()));
        }
    }

    @Test
    void foreachChildLoadsOnlyItsItemAndUntouchedArtifactsPassByKey() {
        CountingDatastore[] counting = new CountingDatastore[1];
        try (Harness h = new Harness(root, FeatureFlows.BigForeach.class, d -> counting[0] = new CountingDatastore(d))) {
            RunResult r = h.run();
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.failedTasks()::toString);
            TaskState start = h.task(r.runId(), "start");
            String listKey = start.data().artifacts().get("items").key();
            String unusedKey = start.data().artifacts().get("unused").key();
            assertEquals(0, counting[0].loadsOf(listKey), "no task loaded the whole list");
            assertEquals(0, counting[0].loadsOf(unusedKey), "nobody read 'unused'");
            assertEquals(1, counting[0].stores.get(unusedKey).get(), "'unused' was serialized once, by start only");
            assertEquals(1, counting[0].stores.get(listKey).get(), "the list was serialized once, by start only");
            assertEquals(20, start.data().foreachItems().size());
            for (var item : start.data().foreachItems()) {
                assertEquals(1, counting[0].loadsOf(item.key()), "each item is loaded once, by its own child");
            }
            TaskState child = h.tasks(r.runId(), "body").get(3);
            assertEquals(listKey, child.data().artifacts().get("items").key(), "passed on by key");
            assertEquals(20, ((List<?>) h.artifact(r.runId(), "end", "outs")).size());
            assertEquals("ITEM-19", ((List<?>) h.artifact(r.runId(), "end", "outs")).get(19));
        }
    }

    @Test
    void unknownSwitchValueFailsNamingStepFieldAndValue() {
        try (Harness h = new Harness(root, FeatureFlows.UnknownCase.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.FAILED, r.status());
            String message = h.task(r.runId(), "start").done().error().message();
            assertTrue(message.contains("switch step 'start'") && message.contains("'pick'")
                    && message.contains("'zzz'") && message.contains("[a, b]"), message);
        }
    }

    @Test
    void stepOutputIsCapturedPerTaskAndStoredWithTheAttempt() throws Exception {
        try (Harness h = new Harness(root, FeatureFlows.Printing.class)) {
            RunResult r = h.run();
            assertEquals(RunStatus.SUCCEEDED, r.status());
            TaskState start = h.task(r.runId(), "start");
            assertEquals("hello from start " + start.path().taskId() + "\n",
                    log(h.datastore, start, 0, FlowDatastore.LogStream.STDOUT));
            assertEquals("warning from start\n", log(h.datastore, start, 0, FlowDatastore.LogStream.STDERR));
            assertEquals("", log(h.datastore, h.task(r.runId(), "end"), 0, FlowDatastore.LogStream.STDOUT));
        }
    }

    @Test
    void stepCommandResolvesInputPathsAndReportsExitCodes() {
        try (Harness h = new Harness(root, FeatureFlows.Flaky.class)) {
            TaskExecutor ex = new TaskExecutor(h.binding);
            TaskResult start = ex.execute(new TaskRequest("start", "r1", "1", new TaskInputs.None(), null, 0, null,
                    List.of("team:ml"), Map.of()));
            assertEquals(ExitCodes.OK, start.exitCode(), start.message());
            assertEquals(List.of("team:ml"), h.datastore.readRun("r1").orElseThrow().tags());
            // attempt 0 of flaky fails (exit 1), attempt 1 succeeds
            TaskInputs in = TaskInputs.parse("r1/start/:1", false);
            assertEquals(ExitCodes.STEP_FAILED, ex.execute(TaskRequest.of("flaky", "r1", "2", in, null)).exitCode());
            assertEquals(ExitCodes.OK, ex.execute(TaskRequest.of("flaky", "r1", "2", in, null).withRetryCount(1))
                    .exitCode());
            // a missing parent is a usage error naming it, and is recorded
            TaskResult missing = ex.execute(TaskRequest.of("end", "r1", "3", TaskInputs.parse("r1/flaky/9", false), null));
            assertEquals(ExitCodes.USAGE, missing.exitCode());
            assertTrue(missing.message().contains("r1/flaky/9"), missing.message());
            assertEquals(Outcome.FAILED, h.datastore.readTask(new TaskPath("r1", "end", "3")).orElseThrow().done()
                    .outcome());
            // an unknown step is a usage error listing the steps
            TaskResult unknown = ex.execute(TaskRequest.of("nope", "r1", "4", in, null));
            assertEquals(ExitCodes.USAGE, unknown.exitCode());
            assertTrue(unknown.message().contains("[start, flaky, end]"), unknown.message());
            // with no runtime around the tasks (Step Functions), the successful end task finishes the run record
            assertEquals(RunRecord.RunStatus.RUNNING, h.datastore.readRun("r1").orElseThrow().status());
            assertEquals(ExitCodes.OK, ex.execute(TaskRequest.of("end", "r1", "5", TaskInputs.parse("r1/flaky/2", false),
                    null)).exitCode());
            RunRecord finished = h.datastore.readRun("r1").orElseThrow();
            assertEquals(RunRecord.RunStatus.SUCCEEDED, finished.status());
            assertNotNull(finished.finishedAt());
            assertEquals(List.of("team:ml"), finished.tags());
        }
    }

    @Test
    void foreachJoinNamingItsSplitRefusesAnIncompleteSetAsTransient() {
        try (Harness h = new Harness(root, dev.baton.executor.flows.ShapeFlows.ForeachTwo.class)) {
            TaskExecutor ex = new TaskExecutor(h.binding);
            assertEquals(ExitCodes.OK, ex.execute(TaskRequest.of("start", "r1", "1", new TaskInputs.None(), null))
                    .exitCode());
            TaskInputs fromStart = TaskInputs.parse("r1/start/1", false);
            assertEquals(ExitCodes.OK, ex.execute(TaskRequest.of("first", "r1", "2", fromStart, 0)).exitCode());
            assertEquals(ExitCodes.OK, ex.execute(TaskRequest.of("second", "r1", "3",
                    TaskInputs.parse("r1/first/2", false), null)).exitCode());
            TaskResult join = ex.execute(TaskRequest.of("join", "r1", "4", TaskInputs.parse("r1/start/1", true), null));
            assertEquals(ExitCodes.TRANSIENT, join.exitCode(), join.message());
            assertTrue(join.message().contains("missing indices [1, 2, 3]"), join.message());
            assertEquals(Outcome.PLATFORM_FAILED, join.done().orElseThrow().outcome());
            // a child without --split-index is a usage error naming the range
            TaskResult noIndex = ex.execute(TaskRequest.of("first", "r1", "5", fromStart, null));
            assertEquals(ExitCodes.USAGE, noIndex.exitCode());
            assertTrue(noIndex.message().contains("--split-index 0..3"), noIndex.message());
        }
    }

    @Test
    void liveProgressRedrawsOneLineOnATerminal() {
        try (Harness h = new Harness(root, dev.baton.executor.flows.ShapeFlows.Linear.class)) {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            RunResult r = h.run(h.options().withConsole(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8),
                    true));
            assertEquals(RunStatus.SUCCEEDED, r.status());
            String out = buf.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("\r\033[K"), out);
            assertTrue(out.contains("tasks 3 done, 0 running, 0 failed"), out);
            assertTrue(out.contains("run Linear/" + r.runId() + " SUCCEEDED"), out);
        }
    }

    @Test
    void inputPathsParseCommaListsCompactGroupsAndFormatBack() {
        TaskInputs.Paths p = (TaskInputs.Paths) TaskInputs.parse("r/a/:1,2,3,r/b/7", false);
        assertEquals(List.of("r/a/1", "r/a/2", "r/a/3", "r/b/7"), p.paths().stream().map(Object::toString).toList());
        assertEquals("r/a/:1,2,3,r/b/:7", p.format());
        assertEquals(p, TaskInputs.parse(p.format(), false));
        assertEquals(new TaskInputs.JoinSplit(TaskPath.parse("r/s/5")), TaskInputs.parse("r/s/5", true));
        assertThrows(ConfigurationException.class, () -> TaskInputs.parse("7,8", false));
        assertThrows(ConfigurationException.class, () -> TaskInputs.parse("r/a", false));
    }
}
