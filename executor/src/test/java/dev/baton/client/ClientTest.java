package dev.baton.client;

import static dev.baton.datastore.meta.DoneRecord.Outcome.FAILED;
import static dev.baton.datastore.meta.DoneRecord.Outcome.SUCCEEDED;
import static dev.baton.datastore.meta.RunRecord.RunStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.MissingBlobException;
import dev.baton.datastore.FlowDatastore.LogStream;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.flow.BatonException;
import dev.baton.flow.CaughtException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.ForeachFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTest {
    @TempDir
    Path root;

    StoreFixture fx;
    Client client;

    /**
     * TrainFlow: run 1 (minute 0) succeeded, a foreach of 3 whose task ids run against the foreach order; run 2
     * (minute 5) failed in train; run 3 (minute 10) is alice's production run, still running.
     */
    @BeforeEach
    void build() {
        fx = new StoreFixture(root, "TrainFlow");
        fx.run("1", 0, RunStatus.SUCCEEDED, StoreFixture.me(), List.of("team:ml"), Map.of("rate", 0.5, "epochs", 3), null);
        fx.ok("1", "start", "1", 0, Map.of("rates", List.of(0.1, 0.01, 0.001)));
        String[] ids = {"4", "3", "2"};
        for (int i = 0; i < 3; i++) {
            fx.task("1", "train", ids[i], 0, 10 + i, SUCCEEDED, Map.of("loss", 1.0 / (i + 1)),
                    List.of(fx.frame("start", "1", i, 3, List.of(0.1, 0.01, 0.001).get(i))), null, null);
        }
        fx.ok("1", "join", "5", 20, Map.of("loss", 0.25));
        fx.ok("1", "end", "6", 30, Map.of("loss", 0.25, "model", "m-1"));

        fx.run("2", 5, RunStatus.FAILED);
        fx.ok("2", "start", "1", 300, Map.of("rates", List.of(0.1)));
        fx.task("2", "train", "2", 0, 310, FAILED, Map.of(), List.of(fx.frame("start", "1", 0, 1, 0.1)),
                new DoneRecord.ErrorRecord("java.lang.IllegalStateException", "diverged",
                        "java.lang.IllegalStateException: diverged\n\tat TrainFlow.train(TrainFlow.java:12)\n"), null);

        fx.run("3", 10, RunStatus.RUNNING, "alice", List.of("production:tok"), Map.of(), null);
        fx.ok("3", "start", "1", 600, Map.of());
        client = Baton.client(root.toString());
    }

    @AfterEach
    void close() {
        client.close();
        fx.close();
    }

    @Test
    void listsFlowsAndNamesTheMissingOne() {
        try (StoreFixture other = new StoreFixture(root, "OtherFlow")) {
            other.run("7", 0, RunStatus.SUCCEEDED);
        }
        assertEquals(List.of("OtherFlow", "TrainFlow"), client.flows());
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.flow("NoSuchFlow"));
        assertTrue(e.getMessage().contains("NoSuchFlow") && e.getMessage().contains("[OtherFlow, TrainFlow]"), e.getMessage());
        assertInstanceOf(ConfigurationException.class, e);
    }

    @Test
    void runsAreNewestFirstWithinTheDefaultNamespace() {
        assertEquals("user:" + StoreFixture.me(), client.namespace());
        FlowHandle flow = client.flow("TrainFlow");
        assertEquals(List.of("2", "1"), flow.runs().stream().map(Run::id).toList());
        assertEquals("2", flow.latestRun().id());
        assertEquals("1", flow.latestSuccessfulRun().id());
        Run failed = flow.run("2");
        assertEquals(RunStatus.FAILED, failed.status());
        assertFalse(failed.successful());
        assertTrue(failed.finished());
        assertEquals(Duration.ofSeconds(30), failed.duration().orElseThrow());
    }

    @Test
    void namespacesFilterByUserAndByTag() {
        assertEquals(List.of("3", "2", "1"), client.namespace(null).flow("TrainFlow").runs().stream().map(Run::id).toList());
        assertEquals(List.of("3"), client.namespace("user:alice").flow("TrainFlow").runs().stream().map(Run::id).toList());
        assertEquals(List.of("3"), client.namespace("production:tok").flow("TrainFlow").runs().stream().map(Run::id).toList());
        assertEquals(List.of("1"), client.namespace("team:ml").flow("TrainFlow").runs().stream().map(Run::id).toList());
        assertEquals("3", client.namespace(null).flow("TrainFlow").latestRun().id());

        NotFoundException e = assertThrows(NotFoundException.class, () -> client.flow("TrainFlow").run("3"));
        assertTrue(e.getMessage().contains("not in namespace user:" + StoreFixture.me()) && e.getMessage().contains("alice"),
                e.getMessage());
        NotFoundException none = assertThrows(NotFoundException.class,
                () -> client.namespace("user:bob").flow("TrainFlow").latestRun());
        assertTrue(none.getMessage().contains("user:bob"), none.getMessage());
        assertThrows(NotFoundException.class, () -> client.namespace("production:tok").flow("TrainFlow").latestSuccessfulRun());
    }

    @Test
    void missingRunStepAndTaskErrorsListWhatExists() {
        FlowHandle flow = client.flow("TrainFlow");
        NotFoundException run = assertThrows(NotFoundException.class, () -> flow.run("99"));
        assertTrue(run.getMessage().contains("'99'") && run.getMessage().contains("[2, 1]"), run.getMessage());
        assertThrows(NotFoundException.class, () -> flow.run("../1"));

        NotFoundException step = assertThrows(NotFoundException.class, () -> flow.run("1").step("evaluate"));
        assertTrue(step.getMessage().contains("'evaluate'") && step.getMessage().contains("train"), step.getMessage());

        NotFoundException task = assertThrows(NotFoundException.class, () -> flow.run("1").step("train").task("77"));
        assertTrue(task.getMessage().contains("'77'") && task.getMessage().contains("[4, 3, 2]"), task.getMessage());

        NotFoundException many = assertThrows(NotFoundException.class, () -> flow.run("1").step("train").task());
        assertTrue(many.getMessage().contains("3 tasks"), many.getMessage());
    }

    @Test
    void parametersLoadLazily() {
        Run run = client.flow("TrainFlow").run("1");
        assertEquals(Map.of("rate", 0.5, "epochs", 3), Map.copyOf(run.parameters()));
        assertEquals(java.util.Set.of("rate", "epochs"), run.parameterRefs().keySet());
        // A parameter whose blob is gone: its name is listed, and only reading its value fails.
        fx.store.writeRun(new dev.baton.datastore.meta.RunRecord("TrainFlow", "1", StoreFixture.me(), List.of(),
                Map.of("ghost", new dev.baton.datastore.ArtifactRef("ab".repeat(32), "java.lang.String", 3)), null,
                RunStatus.SUCCEEDED, StoreFixture.T0, StoreFixture.T0, Map.of()));
        Map<String, Object> params = client.flow("TrainFlow").run("1").parameters();
        assertEquals(java.util.Set.of("ghost"), params.keySet());
        MissingBlobException missing = assertThrows(MissingBlobException.class, () -> params.get("ghost"));
        assertTrue(missing.getMessage().contains("ab".repeat(32)), missing.getMessage());
    }

    @Test
    void stepsInStartOrderAndForeachTasksInIndexOrder() {
        Run run = client.flow("TrainFlow").run("1");
        assertEquals(List.of("start", "train", "join", "end"), run.steps().stream().map(StepHandle::name).toList());
        StepHandle train = run.step("train");
        assertEquals(List.of("4", "3", "2"), train.taskIds());
        List<TaskHandle> tasks = train.tasks();
        for (int i = 0; i < 3; i++) {
            List<ForeachFrame> stack = tasks.get(i).foreachStack();
            assertEquals(1, stack.size());
            assertEquals(i, stack.get(0).index());
            assertEquals(3, stack.get(0).count());
            assertEquals("start", stack.get(0).stepName());
            assertEquals(List.of(0.1, 0.01, 0.001).get(i), stack.get(0).value());
            assertEquals(1.0 / (i + 1), tasks.get(i).artifact("loss", double.class));
            assertEquals(i, tasks.get(i).splitIndex().orElseThrow());
        }
        assertEquals("TrainFlow/1/train/3", tasks.get(1).pathspec());
        assertEquals(new TaskPath("1", "train", "3"), tasks.get(1).path());
    }

    @Test
    void artifactsAreTypedAndListedWithoutLoading() {
        TaskHandle end = client.flow("TrainFlow").run("1").endTask().orElseThrow();
        assertEquals(java.util.Set.of("loss", "model"), end.artifacts().keySet());
        assertEquals("java.lang.String", end.artifacts().get("model").type());
        assertEquals(0.25, end.artifact("loss", Double.class));
        assertEquals("m-1", end.artifact("model", String.class));
        BatonException wrongType = assertThrows(BatonException.class, () -> end.artifact("loss", String.class));
        assertTrue(wrongType.getMessage().contains("java.lang.Double"), wrongType.getMessage());
        NotFoundException missing = assertThrows(NotFoundException.class, () -> end.artifact("accuracy"));
        assertTrue(missing.getMessage().contains("'accuracy'") && missing.getMessage().contains("[loss, model]"),
                missing.getMessage());
        assertEquals(Map.of("loss", 0.25, "model", "m-1"), Map.copyOf(client.flow("TrainFlow").run("1").data()));
    }

    @Test
    void failedTaskExplainsItself() {
        Run run = client.flow("TrainFlow").run("2");
        TaskHandle train = run.step("train").task();
        assertEquals(TaskStatus.FAILED, train.status());
        assertFalse(train.successful());
        assertTrue(train.finished());
        CaughtException error = train.exception().orElseThrow();
        assertEquals("java.lang.IllegalStateException", error.type());
        assertEquals("diverged", error.message());
        assertTrue(error.stackTrace().contains("TrainFlow.train"));
        assertEquals(1, error.attempts());
        assertTrue(run.endTask().isEmpty());
        NotFoundException noData = assertThrows(NotFoundException.class, run::data);
        assertTrue(noData.getMessage().contains("no end task"), noData.getMessage());
        assertTrue(client.flow("TrainFlow").run("1").step("start").task().exception().isEmpty());
    }

    @Test
    void unfinishedAttemptIsKilledOnceTheRunEndedAndRunningOrKilledBefore() {
        TaskPath killed = new TaskPath("2", "train", "9");
        fx.start(killed, 0, 320, 0, List.of("2/start/1"));
        TaskHandle task = client.flow("TrainFlow").run("2").step("train").task("9");
        assertEquals(TaskStatus.KILLED, task.status());
        assertFalse(task.finished());
        assertTrue(task.exception().isEmpty());
        assertEquals(List.of("2/start/1"), task.inputPaths());
        assertEquals(StoreFixture.T0.plusSeconds(320), task.startedAt().orElseThrow());

        TaskPath running = new TaskPath("3", "train", "2");
        fx.start(running, 0, 620, null, List.of());
        TaskHandle live = client.namespace(null).flow("TrainFlow").run("3").step("train").task();
        assertEquals(TaskStatus.RUNNING_OR_KILLED, live.status());
        assertFalse(live.finished());
        assertTrue(live.duration().isEmpty());
    }

    @Test
    void retriedTaskListsEveryAttemptAndTheirLogs() {
        fx.run("4", 20, RunStatus.SUCCEEDED);
        TaskPath path = fx.task("4", "start", "1", 0, 1200, FAILED, Map.of(), List.of(),
                new DoneRecord.ErrorRecord("java.io.IOException", "flaky", "java.io.IOException: flaky\n"), null);
        fx.task("4", "start", "1", 1, 1210, SUCCEEDED, Map.of("x", 1), List.of(), null, null);
        TaskHandle task = client.flow("TrainFlow").run("4").step("start").task();
        assertEquals(TaskStatus.SUCCEEDED, task.status());
        assertEquals(1, task.currentAttempt());
        List<Attempt> attempts = task.attempts();
        assertEquals(List.of(0, 1), attempts.stream().map(Attempt::number).toList());
        assertEquals(TaskStatus.FAILED, attempts.get(0).status());
        assertEquals("flaky", attempts.get(0).error().message());
        assertEquals(StoreFixture.T0.plusSeconds(1200), attempts.get(0).startedAt());
        assertEquals(Duration.ofSeconds(2), attempts.get(0).duration().orElseThrow());
        assertEquals(TaskStatus.SUCCEEDED, attempts.get(1).status());
        assertEquals(Duration.ofSeconds(2), attempts.get(1).duration().orElseThrow());
        assertEquals("host-a", attempts.get(1).host());
        assertEquals("job-1", attempts.get(1).environment().get("AWS_BATCH_JOB_ID"));
        assertEquals("out of start/1 attempt 1\n", task.stdout());
        assertEquals("err of start/1 attempt 1\n", task.stderr());
        assertEquals("out of start/1 attempt 0\n", task.log(0, LogStream.STDOUT));
        NotFoundException noAttempt = assertThrows(NotFoundException.class, () -> task.log(5, LogStream.STDOUT));
        assertTrue(noAttempt.getMessage().contains("[0, 1]"), noAttempt.getMessage());
        assertEquals(1, task.artifact("x", Integer.class));
        assertEquals(path, task.path());
    }

    @Test
    void resumedRunShowsOriginOfClonedTasks() {
        fx.run("5", 30, RunStatus.SUCCEEDED, StoreFixture.me(), List.of(), Map.of(), "2");
        clone("5", "TrainFlow/2/start/1", Map.of("rates", List.of(0.1)));
        Run resumed = client.flow("TrainFlow").latestRun();
        assertEquals("5", resumed.id());
        assertEquals("2", resumed.originRunId().orElseThrow());
        TaskHandle start = resumed.step("start").task();
        assertEquals("TrainFlow/2/start/1", start.origin().orElseThrow());
        assertNull(client.flow("TrainFlow").run("1").step("start").task().origin().orElse(null));
        // a clone stores no logs: its origin's stand in, along a chain of resumes
        assertEquals("out of start/1 attempt 0\n", start.stdout());
        fx.run("6", 40, RunStatus.SUCCEEDED, StoreFixture.me(), List.of(), Map.of(), "5");
        clone("6", "TrainFlow/5/start/1", Map.of());
        TaskHandle twice = client.flow("TrainFlow").run("6").step("start").task();
        assertEquals("TrainFlow/5/start/1", twice.origin().orElseThrow());
        assertEquals("out of start/1 attempt 0\n", twice.stdout());
        assertEquals("err of start/1 attempt 0\n", twice.stderr());
    }

    /** A task cloned by resume: metadata only, no logs. */
    private void clone(String run, String origin, Map<String, ?> artifacts) {
        TaskPath path = new TaskPath(run, "start", "1");
        fx.start(path, 0, 2400, null, List.of());
        Map<String, dev.baton.datastore.ArtifactRef> refs = new java.util.HashMap<>();
        artifacts.forEach((k, v) -> refs.put(k, fx.store.blobs().put(k, v)));
        fx.store.writeData(path, 0, new TaskData(refs, List.of(), List.of()));
        fx.store.writeDone(path, 0, new DoneRecord(0, SUCCEEDED, StoreFixture.T0, StoreFixture.T0, List.of(), null,
                null, null, origin));
    }

    @Test
    void pathspecsResolveToHandles() {
        assertInstanceOf(Run.class, client.pathspec("TrainFlow/1"));
        assertInstanceOf(StepHandle.class, client.pathspec("TrainFlow/1/train"));
        assertEquals(1.0, client.task("TrainFlow/1/train/4").artifact("loss", Double.class));
        assertThrows(ConfigurationException.class, () -> client.pathspec("TrainFlow"));
        assertThrows(ConfigurationException.class, () -> client.task("TrainFlow/1/train"));
    }
}
