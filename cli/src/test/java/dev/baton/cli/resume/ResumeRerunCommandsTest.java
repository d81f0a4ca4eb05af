package dev.baton.cli.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.Main;
import dev.baton.cli.resume.flows.LastStepFails;
import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.client.TaskStatus;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.flow.FlowSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton resume} and {@code baton rerun} end to end, through the in-process command line and a real datastore. */
class ResumeRerunCommandsTest {
    private static final String FLOW = LastStepFails.class.getName();

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {}

    private Result baton(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, Map.of("BATON_DATASTORE_ROOT", tmp.resolve("store").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, Long> executions(Path markers) throws Exception {
        return Files.readAllLines(markers.resolve("executions")).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private Client client() {
        return Baton.client(tmp.resolve("store").toString()).namespace(null);
    }

    @Test
    void resumeReusesEverythingBeforeTheFailureAndSaysWhichRunItResumed() throws Exception {
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        Result first = baton("--flow", FLOW, "run", "--markers", markers.toString(), "--width", "10");
        assertEquals(1, first.exitCode(), first.err() + first.out());
        String origin;
        try (Client client = client()) {
            origin = client.flow("LastStepFails").latestRun().id();
        }

        Result withParams = baton("--flow", FLOW, "resume", "--width", "20");
        assertEquals(2, withParams.exitCode(), withParams.err());
        assertTrue(withParams.err().contains("parameters of the run it resumes") && withParams.err().contains("--width"),
                withParams.err());
        Result badOrigin = baton("--flow", FLOW, "resume", "--origin-run-id", "12345");
        assertEquals(2, badOrigin.exitCode(), badOrigin.err());
        assertTrue(badOrigin.err().contains("no run '12345'") && badOrigin.err().contains(origin), badOrigin.err());
        Result badStep = baton("--flow", FLOW, "resume", "nosuchstep");
        assertEquals(2, badStep.exitCode(), badStep.err());
        assertTrue(badStep.err().contains("'nosuchstep'") && badStep.err().contains("evaluate"), badStep.err());

        Files.createFile(markers.resolve("fixed"));
        Result resumed = baton("--flow", FLOW, "resume", "--max-workers", "2");
        assertEquals(0, resumed.exitCode(), resumed.err() + resumed.out());
        assertTrue(resumed.out().contains("resuming LastStepFails/" + origin + " (the latest run of LastStepFails, FAILED"),
                resumed.out());
        assertEquals(Map.of("start", 1L, "work", 10L, "join", 1L, "evaluate", 2L, "end", 1L), executions(markers));

        try (Client client = client()) {
            Run run = client.flow("LastStepFails").latestRun();
            assertEquals(origin, run.originRunId().orElseThrow());
            assertEquals(RunStatus.SUCCEEDED, run.status());
            assertEquals("total 90", run.data().get("result"));
            assertEquals(10, run.step("work").tasks().stream().filter(t -> t.origin().isPresent()).count());
            TaskHandle clone = run.step("work").tasks().get(3);
            // show, dump and logs treat the resumed run like any other; a clone's logs are its origin's
            Result show = baton("--flow", FLOW, "show", run.id());
            assertEquals(0, show.exitCode(), show.err());
            assertTrue(show.out().contains("resumed   from run " + origin), show.out());
            assertTrue(show.out().lines().anyMatch(l -> l.strip().matches("work\\s+10\\s+10 SUCCEEDED\\s+\\S+\\s+10")),
                    show.out());
            Result logs = baton("--flow", FLOW, "logs", run.id() + "/work/" + clone.id());
            assertEquals(0, logs.exitCode(), logs.err());
            assertEquals("work 3 doubled it\n", logs.out());
            Result dump = baton("--flow", FLOW, "dump", run.id() + "/work/" + clone.id(), "doubled");
            assertEquals("6\n", dump.out());
        }

        // a resumed run resumes like any other: from a named step, by its id; here with each task in a child
        // process, which reads the parameters the resume recorded
        Result again = baton("--flow", FLOW, "resume", "end", "--origin-run-id", latestId(), "--isolation",
                "process");
        assertEquals(0, again.exitCode(), again.err() + again.out());
        assertEquals(2L, executions(markers).get("end")); // the child found the marker directory parameter
        assertEquals(2L, executions(markers).get("evaluate"));
        assertEquals(1L, executions(markers).get("start"));
    }

    private String latestId() {
        try (Client client = client()) {
            return client.flow("LastStepFails").latestRun().id();
        }
    }

    private static final String FRAGILE = """
            package com.acme;
            import dev.baton.flow.*;
            public class Fragile extends FlowSpec {
                int base;
                int answer;
                @Step(next = "compute") public void start() { base = 40; }
                @Step(next = "end") public void compute() {
                    System.out.println("VERSION computing");
                    if (BUGGY) { throw new ArithmeticException("wrong answer"); }
                    answer = base + 2;
                }
                @Step public void end() { }
            }
            """;

    private Path build(String version, boolean buggy) throws Exception {
        Path src = tmp.resolve(version + "/src/com/acme/Fragile.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, FRAGILE.replace("VERSION", version).replace("BUGGY", String.valueOf(buggy)));
        Path classes = Files.createDirectories(tmp.resolve(version + "/classes"));
        Path api = Path.of(FlowSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", api.toString(), "-d",
                classes.toString(), src.toString()));
        return classes;
    }

    @Test
    void rerunOfAFailedTaskWithTheFixedClassPath() throws Exception {
        Path v1 = build("v1", true);
        Path v2 = build("v2", false);
        Result failed = baton("--flow", "com.acme.Fragile", "--classpath", v1.toString(), "run");
        assertEquals(1, failed.exitCode(), failed.err() + failed.out());
        String runId;
        String taskId;
        try (Client client = client()) {
            Run run = client.flow("Fragile").latestRun();
            runId = run.id();
            taskId = run.step("compute").task().id();
        }
        Result missing = baton("--flow", "com.acme.Fragile", "--classpath", v2.toString(), "rerun", runId + "/compute/999");
        assertEquals(2, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("no task compute/999") && missing.err().contains("[" + taskId + "]"),
                missing.err());

        Result rerun = baton("--flow", "com.acme.Fragile", "--classpath", v2.toString(), "rerun",
                "Fragile/" + runId + "/compute/" + taskId);
        assertEquals(0, rerun.exitCode(), rerun.err() + rerun.out());
        assertTrue(rerun.out().contains("attempt 1 SUCCEEDED"), rerun.out());
        assertTrue(rerun.out().contains(runId + "/compute/" + taskId + "/1.data.json"), rerun.out());

        Result show = baton("--flow", "com.acme.Fragile", "--classpath", v2.toString(), "show",
                runId + "/compute/" + taskId);
        assertTrue(show.out().startsWith("Task Fragile/" + runId + "/compute/" + taskId + "  SUCCEEDED"), show.out());
        assertEquals(List.of("0 FAILED", "1 SUCCEEDED"), show.out().lines().map(String::strip)
                .filter(l -> l.matches("[01]\\s+(FAILED|SUCCEEDED)\\s.*")).map(l -> l.replaceAll("\\s+", " ")
                        .substring(0, l.replaceAll("\\s+", " ").indexOf(' ', 2))).toList(), show.out());
        Result oldLog = baton("--flow", "com.acme.Fragile", "--classpath", v2.toString(), "logs",
                runId + "/compute", "--attempt", "0");
        assertEquals("v1 computing\n", oldLog.out());
        try (Client client = client()) {
            TaskHandle task = client.flow("Fragile").run(runId).step("compute").task();
            assertEquals(TaskStatus.SUCCEEDED, task.status());
            assertEquals(42, task.artifact("answer", Integer.class));
            assertEquals("v2 computing\n", task.stdout());
        }

        Result newRun = baton("--flow", "com.acme.Fragile", "--classpath", v2.toString(), "rerun",
                runId + "/compute/" + taskId, "--as-new-run");
        assertEquals(0, newRun.exitCode(), newRun.err() + newRun.out());
        assertTrue(newRun.out().contains("attempt 0 SUCCEEDED"), newRun.out());
        try (Client client = client()) {
            Run latest = client.flow("Fragile").latestRun();
            assertFalse(latest.id().equals(runId));
            assertEquals(runId, latest.originRunId().orElseThrow());
        }
    }
}
