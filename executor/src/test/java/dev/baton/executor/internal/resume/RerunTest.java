package dev.baton.executor.internal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.client.Attempt;
import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.client.TaskStatus;
import dev.baton.datastore.FlowDatastore.LogStream;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.executor.LocalRuntime;
import dev.baton.executor.RunResult;
import dev.baton.executor.internal.enhance.FlowClassLoading;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task fails in a run; the bug is fixed in the code (a second build of the flow class); {@code rerun} runs the
 * recorded task again with the fixed code, as a new attempt (the failed one is kept) or in a new run.
 */
class RerunTest {
    private static final String SOURCE = """
            package com.acme;
            import dev.baton.flow.*;
            import java.util.List;
            public class Fragile extends FlowSpec {
                public List<Integer> items;
                public int base;
                public int answer;
                @Step(next = "prepare", foreach = "items")
                public void start() { items = List.of(10, 20, 30); }
                @Step(next = "compute")
                public void prepare() { int item = input(); base = item; }
                @Step(next = "join")
                public void compute() {
                    System.out.println("computing " + base + " in VERSION");
                    if (BUGGY && base == 20) { throw new IllegalStateException("off by two at " + base); }
                    answer = base + 2;
                }
                @Step(next = "end")
                public void join(Inputs<Fragile> inputs) { answer = inputs.stream().mapToInt(in -> in.answer).sum(); }
                @Step public void end() { }
            }
            """;

    @TempDir
    Path tmp;

    private Path build(String version, boolean buggy) throws Exception {
        Path src = tmp.resolve(version + "/src/com/acme/Fragile.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE.replace("VERSION", version).replace("BUGGY", String.valueOf(buggy)));
        Path classes = Files.createDirectories(tmp.resolve(version + "/classes"));
        Path api = Path.of(FlowSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", api.toString(), "-d",
                classes.toString(), src.toString()));
        return classes;
    }

    private Fixture fixture(Path classes) {
        Class<? extends FlowSpec> flow = FlowClassLoading.load("com.acme.Fragile", List.of(classes),
                getClass().getClassLoader());
        return new Fixture(tmp.resolve("store"), flow, true);
    }

    @Test
    void rerunOfAFailedTaskAfterTheFixSucceedsAndKeepsTheOriginalAttempt() throws Exception {
        Path v1 = build("v1", true);
        Path v2 = build("v2", false);
        String runId;
        TaskPath failed;
        try (Fixture fx = fixture(v1)) {
            RunResult run = new LocalRuntime(fx.binding).run(fx.options());
            assertEquals(RunStatus.FAILED, run.status());
            runId = run.runId();
            failed = TaskPath.parse(run.failedTasks().get(0).split(" ")[0].replace(":", ""));
        }
        try (Fixture fx = fixture(v2)) {
            Rerunner.Outcome outcome = new Rerunner(fx.binding).rerun(failed, false);
            assertTrue(outcome.result().succeeded(), outcome.result().message());
            assertEquals(failed, outcome.task());
            assertEquals(1, outcome.attempt());
        }
        try (Client client = Baton.client(tmp.resolve("store").toString()).namespace(null)) {
            TaskHandle task = client.flow("Fragile").run(runId).step("compute").task(failed.taskId());
            assertEquals(TaskStatus.SUCCEEDED, task.status());
            assertEquals(22, task.artifact("answer", Integer.class));
            assertEquals(1, task.foreachStack().get(0).index()); // the recorded split index
            List<Attempt> attempts = task.attempts();
            assertEquals(List.of(TaskStatus.FAILED, TaskStatus.SUCCEEDED), attempts.stream().map(Attempt::status).toList());
            assertEquals("computing 20 in v1\n", task.log(0, LogStream.STDOUT)); // the original attempt is kept
            assertEquals("computing 20 in v2\n", task.log(1, LogStream.STDOUT));
            assertTrue(task.log(0, LogStream.STDERR).contains("off by two at 20"));
            // the run itself stays as it ended
            assertEquals(RunStatus.FAILED, client.flow("Fragile").run(runId).status());
        }
    }

    @Test
    void rerunAsANewRunClonesTheParentsAndLeavesTheOriginalRunAlone() throws Exception {
        Path v1 = build("v1", true);
        Path v2 = build("v2", false);
        String runId;
        TaskPath failed;
        try (Fixture fx = fixture(v1)) {
            RunResult run = new LocalRuntime(fx.binding).run(fx.options());
            runId = run.runId();
            failed = TaskPath.parse(run.failedTasks().get(0).split(" ")[0].replace(":", ""));
        }
        Rerunner.Outcome outcome;
        try (Fixture fx = fixture(v2)) {
            outcome = new Rerunner(fx.binding).rerun(failed, true);
            assertTrue(outcome.result().succeeded(), outcome.result().message());
            assertEquals(0, outcome.attempt());
            assertFalse(outcome.task().runId().equals(runId));

            ConfigurationException missing = assertThrows(ConfigurationException.class,
                    () -> new Rerunner(fx.binding).rerun(new TaskPath(runId, "compute", "999"), false));
            assertTrue(missing.getMessage().contains("no task compute/999") && missing.getMessage().contains(failed.taskId()),
                    missing.getMessage());
        }
        try (Client client = Baton.client(tmp.resolve("store").toString()).namespace(null)) {
            Run newRun = client.flow("Fragile").run(outcome.task().runId());
            assertEquals(RunStatus.SUCCEEDED, newRun.status());
            assertEquals(runId, newRun.originRunId().orElseThrow());
            assertEquals(22, newRun.step("compute").task().artifact("answer", Integer.class));
            TaskHandle parent = newRun.step("prepare").task();
            assertEquals("Fragile/" + runId + "/prepare/" + parent.id(), parent.origin().orElseThrow());
            TaskHandle original = client.flow("Fragile").run(runId).step("compute").task(failed.taskId());
            assertEquals(TaskStatus.FAILED, original.status());
            assertEquals(1, original.attempts().size());
        }
    }
}
