package dev.baton.executor.internal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.RunResult;
import dev.baton.executor.internal.resume.flows.ResumeFlows;
import dev.baton.flow.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
    @TempDir
    Path tmp;

    private Path markers() throws Exception {
        return Files.createDirectories(tmp.resolve("markers"));
    }

    @Test
    void resumeAfterTheLastStepFailedReusesTheForeachOf100AndRunsTwoTasks() throws Exception {
        Path markers = markers();
        try (Fixture fx = new Fixture(tmp.resolve("store"), ResumeFlows.Wide.class)) {
            RunResult first = fx.run(Map.of("markers", markers.toString()));
            assertEquals(RunStatus.FAILED, first.status());
            assertEquals(1, Fixture.executions(markers, "evaluate"));
            long blobsBefore = fx.blobCount();
            Files.createFile(markers.resolve("fixed"));

            long t0 = System.nanoTime();
            Resumer.Outcome outcome = fx.resume(null, null);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("resume of the 100-wide foreach (in-process, warm JVM): " + millis + " ms");

            RunResult resumed = outcome.run();
            assertEquals(RunStatus.SUCCEEDED, resumed.status(), fx.consoleText());
            assertEquals(first.runId(), outcome.originRunId());
            assertEquals(102, resumed.tasksReused());
            assertEquals(2, resumed.tasksRun());
            // every step's executions over both runs: nothing before `evaluate` ran again
            assertEquals(1, Fixture.executions(markers, "start"));
            assertEquals(100, Fixture.executions(markers, "work"));
            assertEquals(100, Fixture.executions(markers).keySet().stream().filter(k -> k.startsWith("work ")).count());
            assertEquals(1, Fixture.executions(markers, "join"));
            assertEquals(2, Fixture.executions(markers, "evaluate"));
            assertEquals(1, Fixture.executions(markers, "end"));
            // zero blob copies: the only new blob is evaluate's new `result`
            assertEquals(blobsBefore + 1, fx.blobCount());
            assertTrue(fx.consoleText().contains("resuming Wide/" + first.runId() + " (the latest run of Wide, FAILED"),
                    fx.consoleText());
            assertTrue(fx.consoleText().contains("its first failed step 'evaluate'"), fx.consoleText());

            FlowDatastore ds = fx.binding.datastore();
            assertEquals(ds.readRun(first.runId()).orElseThrow().parameters(),
                    ds.readRun(resumed.runId()).orElseThrow().parameters());
            try (Client client = Baton.client(fx.root.toString()).namespace(null)) {
                Run run = client.flow("Wide").run(resumed.runId());
                assertEquals(first.runId(), run.originRunId().orElseThrow());
                assertEquals(RunStatus.SUCCEEDED, run.status());
                assertEquals("ok:9900", run.data().get("result"));
                List<TaskHandle> work = run.step("work").tasks();
                assertEquals(100, work.size());
                Run origin = client.flow("Wide").run(first.runId());
                List<TaskHandle> originWork = origin.step("work").tasks();
                for (int i = 0; i < 100; i++) {
                    TaskHandle clone = work.get(i);
                    assertEquals(originWork.get(i).pathspec(), clone.origin().orElseThrow());
                    assertEquals(originWork.get(i).artifacts(), clone.artifacts());
                    assertEquals(i, clone.foreachStack().get(0).index());
                    assertEquals(i * 2, clone.artifact("doubled", Integer.class));
                }
                assertEquals(origin.step("join").task().pathspec(), run.step("join").task().origin().orElseThrow());
                assertTrue(run.step("evaluate").task().origin().isEmpty());
                assertTrue(run.step("end").task().origin().isEmpty());
            }
        }
    }

    @Test
    void resumeFromANamedMiddleStepRunsItAndEverythingAfter() throws Exception {
        Path markers = markers();
        try (Fixture fx = new Fixture(tmp.resolve("store"), ResumeFlows.Chain.class)) {
            RunResult first = fx.run(Map.of("markers", markers.toString()));
            assertEquals(RunStatus.SUCCEEDED, first.status());
            ConfigurationException nothing = assertThrows(ConfigurationException.class, () -> fx.resume(null, null));
            assertTrue(nothing.getMessage().contains("succeeded") && nothing.getMessage().contains("baton resume STEP"),
                    nothing.getMessage());

            Resumer.Outcome outcome = fx.resume(first.runId(), "b");
            assertEquals(RunStatus.SUCCEEDED, outcome.run().status());
            assertEquals(2, outcome.run().tasksReused());
            assertEquals(3, outcome.run().tasksRun());
            assertEquals(Map.of("start", 1L, "a", 1L, "b", 2L, "c", 2L, "end", 2L), Fixture.executions(markers));
            TaskState c = fx.binding.datastore().readTask(new dev.baton.datastore.TaskPath(outcome.run().runId(), "c",
                    fx.binding.datastore().tasks(outcome.run().runId(), "c").get(0))).orElseThrow();
            Object trail = fx.binding.datastore().blobs().get("trail", c.data().artifacts().get("trail").key());
            assertEquals(List.of("start", "a", "b", "c"), trail);
            assertTrue(fx.consoleText().contains("given by --origin-run-id") && fx.consoleText().contains("step 'b'"),
                    fx.consoleText());
        }
    }

    @Test
    void badOriginsStepsAndParametersAreClearErrors() throws Exception {
        Path markers = markers();
        try (Fixture fx = new Fixture(tmp.resolve("store"), ResumeFlows.Chain.class)) {
            ConfigurationException none = assertThrows(ConfigurationException.class, () -> fx.resume(null, null));
            assertTrue(none.getMessage().contains("no run") && none.getMessage().contains("baton run"), none.getMessage());
            RunResult first = fx.run(Map.of("markers", markers.toString()));

            ConfigurationException missing = assertThrows(ConfigurationException.class, () -> fx.resume("nope", "b"));
            assertTrue(missing.getMessage().contains("'nope'") && missing.getMessage().contains(first.runId()),
                    missing.getMessage());
            ConfigurationException step = assertThrows(ConfigurationException.class, () -> fx.resume(null, "bogus"));
            assertTrue(step.getMessage().contains("'bogus'") && step.getMessage().contains("[start, a, b, c, end]"),
                    step.getMessage());
            ConfigurationException params = assertThrows(ConfigurationException.class, () -> new Resumer(fx.binding)
                    .resume(null, "b", fx.options().withParameters(Map.of("markers", "/elsewhere"))));
            assertTrue(params.getMessage().contains("--markers") && params.getMessage().contains("baton run"),
                    params.getMessage());
        }
        // a run of another flow under the same root is not an origin for this one
        try (Fixture other = new Fixture(tmp.resolve("store"), ResumeFlows.Wide.class)) {
            String chainRun = new Fixture(tmp.resolve("store"), ResumeFlows.Chain.class).binding.datastore().runIds().get(0);
            ConfigurationException foreign = assertThrows(ConfigurationException.class, () -> other.resume(chainRun, null));
            assertTrue(foreign.getMessage().contains("flow Wide has no run '" + chainRun + "'"), foreign.getMessage());
        }
    }

    @Test
    void resumeInsideANestedForeachRerunsOnlyTheFailedChildAndWhatFollowsIt() throws Exception {
        Path markers = markers();
        try (Fixture fx = new Fixture(tmp.resolve("store"), ResumeFlows.Nested.class)) {
            RunResult first = fx.run(Map.of("markers", markers.toString()));
            assertEquals(RunStatus.FAILED, first.status());
            Files.createFile(markers.resolve("fixed"));
            Resumer.Outcome outcome = fx.resume(null, null);
            assertEquals(RunStatus.SUCCEEDED, outcome.run().status(), fx.consoleText());

            Map<String, Long> executions = Fixture.executions(markers);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(i == 1 && j == 2 ? 2L : 1L, executions.get("leaf " + i + "," + j), "leaf " + i + "," + j);
                }
                assertEquals(1L, executions.get("mid " + i), "mid " + i);
            }
            assertEquals(1L, executions.get("start"));
            try (Client client = Baton.client(fx.root.toString()).namespace(null)) {
                Run run = client.flow("Nested").run(outcome.run().runId());
                assertEquals(List.of(0, 1, 2, 10, 11, 12, 20, 21, 22), run.data().get("all"));
                List<TaskHandle> leaves = run.step("leaf").tasks();
                assertEquals(9, leaves.size());
                // the origin stopped launching at its failure: every leaf that succeeded there is reused, by position
                java.util.Set<List<Integer>> succeededInOrigin = new java.util.HashSet<>();
                for (TaskHandle leaf : client.flow("Nested").run(first.runId()).step("leaf").tasks()) {
                    if (leaf.successful()) {
                        succeededInOrigin.add(indices(leaf));
                    }
                }
                assertTrue(succeededInOrigin.size() >= 1 && !succeededInOrigin.contains(List.of(1, 2)));
                for (TaskHandle leaf : leaves) {
                    assertEquals(succeededInOrigin.contains(indices(leaf)), leaf.origin().isPresent(), leaf.pathspec());
                }
            }
        }
    }

    @Test
    void resumeAfterABranchReusesTheBranchThatSucceeded() throws Exception {
        Path markers = markers();
        try (Fixture fx = new Fixture(tmp.resolve("store"), ResumeFlows.Branch.class)) {
            assertEquals(RunStatus.FAILED, fx.run(Map.of("markers", markers.toString())).status());
            Files.createFile(markers.resolve("fixed"));
            Resumer.Outcome outcome = fx.resume(null, null);
            assertEquals(RunStatus.SUCCEEDED, outcome.run().status(), fx.consoleText());
            assertEquals(Map.of("start", 1L, "a", 1L, "b", 2L, "join", 1L, "end", 1L), Fixture.executions(markers));
            assertEquals(2, outcome.run().tasksReused());
            try (Client client = Baton.client(fx.root.toString()).namespace(null)) {
                assertEquals("LR", client.flow("Branch").run(outcome.run().runId()).data().get("both"));
            }
            // resume at the join: both branches are reused, the join and what follows run again
            Resumer.Outcome atJoin = fx.resume(outcome.run().runId(), "join");
            assertEquals(RunStatus.SUCCEEDED, atJoin.run().status());
            assertEquals(3, atJoin.run().tasksReused());
            assertEquals(2L, Fixture.executions(markers).get("join"));
            assertEquals(2L, Fixture.executions(markers).get("b"));
        }
    }

    @Test
    void resumeAfterALoopMatchesEachIterationByPosition() throws Exception {
        Path markers = markers();
        try (Fixture fx = new Fixture(tmp.resolve("store"), ResumeFlows.Loop.class)) {
            assertEquals(RunStatus.FAILED, fx.run(Map.of("markers", markers.toString())).status());
            Files.createFile(markers.resolve("fixed"));
            Resumer.Outcome outcome = fx.resume(null, null);
            assertEquals(RunStatus.SUCCEEDED, outcome.run().status(), fx.consoleText());
            // start + 3 bodies + 3 checks reused; finish and end run
            assertEquals(7, outcome.run().tasksReused());
            assertEquals(2, outcome.run().tasksRun());
            assertEquals(Map.of("start", 1L, "body 1", 1L, "body 2", 1L, "body 3", 1L, "check 1", 1L, "check 2", 1L,
                    "check 3", 1L, "finish", 2L, "end", 1L), Fixture.executions(markers));
            try (Client client = Baton.client(fx.root.toString()).namespace(null)) {
                Run run = client.flow("Loop").run(outcome.run().runId());
                assertEquals("looped 3", run.step("finish").task().artifact("summary"));
                List<Integer> counters = run.step("body").tasks().stream()
                        .map(t -> t.artifact("counter", Integer.class)).sorted().toList();
                assertEquals(List.of(1, 2, 3), counters);
            }
            // resume from the loop's body: every iteration runs again (each one's input changed)
            Resumer.Outcome fromBody = fx.resume(outcome.run().runId(), "body");
            assertEquals(RunStatus.SUCCEEDED, fromBody.run().status());
            assertEquals(1, fromBody.run().tasksReused());
            assertEquals(2L, Fixture.executions(markers).get("body 3"));
        }
    }

    private static List<Integer> indices(TaskHandle task) {
        return task.foreachStack().stream().map(dev.baton.flow.ForeachFrame::index).toList();
    }

    @Test
    void resumeAfterKillDashNineOfTheRuntime() throws Exception {
        Path markers = markers();
        Path store = tmp.resolve("store");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                RuntimeChildMain.class.getName(), store.toString(), markers.toString())
                .redirectErrorStream(true).start();
        String runId;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            int done = 0;
            int blocking = 0;
            String line;
            StringBuilder seen = new StringBuilder();
            // read the runtime's live output until 8 tasks finished and the other 2 hang
            while ((done < 8 || blocking < 2) && (line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.matches(".*\\bdone \\d+$")) {
                    done++;
                } else if (line.matches(".*\\bblocking \\d+$")) {
                    blocking++;
                }
            }
            assertEquals(8, done, seen.toString());
            assertEquals(2, blocking, seen.toString());
            try (Fixture fx = new Fixture(store, ResumeFlows.Blocking.class)) {
                runId = fx.binding.datastore().runIds().get(0);
                // while the runtime lives, its run is not an origin
                ConfigurationException running = assertThrows(ConfigurationException.class, () -> fx.resume(runId, null));
                assertTrue(running.getMessage().contains("still running") && running.getMessage().contains(
                        String.valueOf(child.pid())), running.getMessage());
            }
            child.destroyForcibly(); // SIGKILL: kill -9
            assertEquals(137, child.waitFor());
        }
        Files.createFile(markers.resolve("fixed"));
        try (Fixture fx = new Fixture(store, ResumeFlows.Blocking.class)) {
            assertEquals(RunStatus.RUNNING, fx.binding.datastore().readRun(runId).orElseThrow().status());
            Resumer.Outcome outcome = fx.resume(null, null);
            assertEquals(runId, outcome.originRunId());
            assertEquals(RunStatus.SUCCEEDED, outcome.run().status(), fx.consoleText());
            assertEquals(9, outcome.run().tasksReused());
            assertEquals(4, outcome.run().tasksRun());
            Map<String, Long> executions = Fixture.executions(markers);
            for (int i = 0; i < 10; i++) {
                assertEquals(i >= 8 ? 2L : 1L, executions.get("work " + i), "work " + i);
            }
            assertEquals(1L, executions.get("start"));
            assertEquals(1L, executions.get("join"));
            assertEquals(90, fx.binding.datastore().blobs().get("total", fx.binding.datastore().readTask(
                    new dev.baton.datastore.TaskPath(outcome.run().runId(), "join",
                            fx.binding.datastore().tasks(outcome.run().runId(), "join").get(0))).orElseThrow()
                    .data().artifacts().get("total").key()));
            try (Client client = Baton.client(store.toString()).namespace(null)) {
                Run origin = client.flow("Blocking").run(runId);
                long killed = origin.step("work").tasks().stream()
                        .filter(t -> t.status() == dev.baton.client.TaskStatus.RUNNING_OR_KILLED).count();
                assertEquals(2, killed);
                assertNotEquals(runId, outcome.run().runId());
            }
        }
    }
}
