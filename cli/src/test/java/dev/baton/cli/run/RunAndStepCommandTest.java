package dev.baton.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.Main;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.DoneRecord.Outcome;
import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.TaskPosition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton run} and {@code baton step} through the real command line and the real local datastore. */
class RunAndStepCommandTest {
    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {}

    private Path root() {
        return dir.resolve("store");
    }

    private Result baton(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--datastore-root", root().toString()));
        all.addAll(List.of(args));
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result baton(String... args) {
        return baton(Map.of(), args);
    }

    private static String flow(Class<?> c) {
        return c.getName();
    }

    private FlowDatastore open(String flowName) {
        return Datastores.open(DatastoreConfig.local(root().toString()), flowName, getClass().getClassLoader());
    }

    private String runId(Path runIdFile) throws Exception {
        return Files.readString(runIdFile).trim();
    }

    private static TaskState only(FlowDatastore ds, String run, String step) {
        List<String> ids = ds.tasks(run, step);
        assertEquals(1, ids.size(), () -> step + " has tasks " + ids);
        return ds.readTask(new TaskPath(run, step, ids.get(0))).orElseThrow();
    }

    private static Object artifact(FlowDatastore ds, TaskState t, String name) {
        return ds.blobs().get("test " + name, t.data().artifacts().get(name).key());
    }

    @Test
    void runWithParametersWritesTheRunIdAndArtifacts() throws Exception {
        Path idFile = dir.resolve("run-id");
        Result r = baton("--flow", flow(CliFlows.Hello.class), "run", "--times", "2", "--name=baton",
                "--run-id-file", idFile.toString(), "--tag", "team:ml");
        assertEquals(0, r.exitCode(), r.err());
        String run = runId(idFile);
        try (FlowDatastore ds = open("Hello")) {
            assertEquals("hello baton!hello baton!", artifact(ds, only(ds, run, "end"), "greeting"));
            var record = ds.readRun(run).orElseThrow();
            assertEquals(RunStatus.SUCCEEDED, record.status());
            assertEquals(List.of("team:ml"), record.tags());
        }
    }

    @Test
    void badParametersAreUsageErrorsListingTheValidOnes() {
        Result missing = baton("--flow", flow(CliFlows.Hello.class), "run");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("missing required parameter --times"), missing.err());
        assertTrue(missing.err().contains("--name (String, default world): who to greet"), missing.err());
        Result badType = baton("--flow", flow(CliFlows.Hello.class), "run", "--times", "many");
        assertEquals(2, badType.exitCode());
        assertTrue(badType.err().contains("--times 'many' is not a valid int"), badType.err());
        Result unknown = baton("--flow", flow(CliFlows.Hello.class), "run", "--times", "1", "--colour", "red");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown parameter --colour"), unknown.err());
    }

    @Test
    void invalidFlowExitsWithFour() {
        Result r = baton("--flow", flow(CliFlows.Invalid.class), "run");
        assertEquals(4, r.exitCode(), r.err());
        assertTrue(r.err().contains("join"), r.err());
    }

    @Test
    void failedRunExitsNonZeroAndRecordsTheError() throws Exception {
        Path idFile = dir.resolve("run-id");
        Result r = baton("--flow", flow(CliFlows.Fails.class), "run", "--run-id-file", idFile.toString());
        assertEquals(1, r.exitCode());
        try (FlowDatastore ds = open("Fails")) {
            TaskState start = only(ds, runId(idFile), "start");
            assertEquals(Outcome.FAILED, start.done().outcome());
            assertEquals("start fails on purpose", start.done().error().message());
            assertEquals(RunStatus.FAILED, ds.readRun(runId(idFile)).orElseThrow().status());
        }
    }

    @Test
    void processIsolationRunsEveryTaskAsAChildStepProcess() throws Exception {
        Path idFile = dir.resolve("run-id");
        Result r = baton("--flow", flow(CliFlows.Mixed.class), "run", "--isolation", "process", "--count", "1",
                "--max-workers", "2", "--run-id-file", idFile.toString());
        assertEquals(0, r.exitCode(), r.err());
        String run = runId(idFile);
        try (FlowDatastore ds = open("Mixed")) {
            TaskState end = only(ds, run, "end");
            assertEquals(List.of(1), artifact(ds, end, "squares"));
            assertEquals("fan,other", artifact(ds, end, "sides"));
            assertEquals("odd", artifact(ds, end, "picked"));
            assertEquals(List.of(100, 101), artifact(ds, end, "members"));
            // every task ran in a process of its own, and recorded its position and output
            List<Long> pids = new ArrayList<>();
            for (String step : ds.steps(run)) {
                for (String id : ds.tasks(run, step)) {
                    TaskState t = ds.readTask(new TaskPath(run, step, id)).orElseThrow();
                    pids.add(t.attemptRecord().pid());
                    assertTrue(t.attemptRecord().environment().containsKey(TaskPosition.ATTEMPT_KEY));
                }
            }
            assertTrue(pids.stream().noneMatch(p -> p == ProcessHandle.current().pid()));
            assertEquals(pids.size(), pids.stream().distinct().count());
            TaskState body1 = ds.readTask(new TaskPath(run, "body", ds.tasks(run, "body").get(0))).orElseThrow();
            try (var log = ds.openLog(body1.path(), 0, FlowDatastore.LogStream.STDOUT).orElseThrow()) {
                assertTrue(new String(log.readAllBytes(), StandardCharsets.UTF_8).startsWith("square of "));
            }
        }
    }

    @Test
    void threadIsolationGivesTheSameResults() throws Exception {
        Path idFile = dir.resolve("run-id");
        Result r = baton("--flow", flow(CliFlows.Mixed.class), "run", "--count", "4", "--run-id-file",
                idFile.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (FlowDatastore ds = open("Mixed")) {
            TaskState end = only(ds, runId(idFile), "end");
            assertEquals(List.of(1, 4, 9, 16), artifact(ds, end, "squares"));
            assertEquals("even", artifact(ds, end, "picked"));
        }
    }

    @Test
    void killedChildLeavesNoDoneJsonAndTheRunFails() throws Exception {
        Path idFile = dir.resolve("run-id");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            tmp.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            CompletableFuture<Result> running = CompletableFuture.supplyAsync(() -> baton(
                    "--flow", flow(CliFlows.Killed.class), "run", "--isolation", "process",
                    "--run-id-file", idFile.toString()));
            long pid = awaitVictim(watch, idFile, () -> !running.isDone());
            assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "kill -9 of the task process");
            Result r = running.get(60, TimeUnit.SECONDS);
            assertEquals(1, r.exitCode(), r.err());
            try (FlowDatastore ds = open("Killed")) {
                String run = runId(idFile);
                TaskState victim = only(ds, run, "victim");
                assertNull(victim.done(), "a killed task never looks finished");
                assertEquals(0, victim.unfinishedAttempt().orElseThrow());
                assertEquals(RunStatus.FAILED, ds.readRun(run).orElseThrow().status());
                assertTrue(ds.tasks(run, "end").isEmpty());
            }
        }
    }

    /** Waits until the victim step of the run whose id lands in {@code idFile} has written its pid. */
    private static long awaitVictim(WatchService watch, Path idFile, java.util.function.BooleanSupplier alive)
            throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path pidFile = null;
        while (pidFile == null || !Files.exists(pidFile)) {
            if (pidFile == null && Files.exists(idFile) && !Files.readString(idFile).isBlank()) {
                pidFile = tmp.resolve("baton-victim-" + Files.readString(idFile).trim() + ".pid");
                continue;
            }
            WatchKey key = watch.poll(60, TimeUnit.SECONDS);
            if (key == null || !alive.getAsBoolean()) {
                throw new AssertionError("the victim step never started");
            }
            key.pollEvents();
            key.reset();
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Files.delete(pidFile);
        return pid;
    }

    @Test
    void stoppingTheRuntimeMarksRunningTasksAndTheRunInterrupted() throws Exception {
        Path idFile = dir.resolve("run-id");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--datastore-root", root().toString(),
                "--flow", flow(CliFlows.Killed.class), "run", "--run-id-file", idFile.toString());
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            tmp.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            Process runtime = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("runtime.log").toFile()).start();
            try {
                long pid = awaitVictim(watch, idFile, runtime::isAlive);
                assertEquals(runtime.pid(), pid, "thread isolation: the step runs in the runtime's JVM");
                runtime.destroy(); // SIGTERM: the same shutdown path as Ctrl-C's SIGINT
                assertTrue(runtime.waitFor(60, TimeUnit.SECONDS), "the runtime stopped");
                assertEquals(143, runtime.exitValue(), () -> readQuietly(dir.resolve("runtime.log")));
            } finally {
                runtime.destroyForcibly();
            }
        }
        try (FlowDatastore ds = open("Killed")) {
            String run = runId(idFile);
            TaskState victim = only(ds, run, "victim");
            assertEquals(Outcome.INTERRUPTED, victim.done().outcome(), () -> readQuietly(dir.resolve("runtime.log")));
            assertEquals(RunStatus.INTERRUPTED, ds.readRun(run).orElseThrow().status());
            assertTrue(ds.tasks(run, "end").isEmpty());
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void stepRunsOneTaskWithExitCodesAsTheContainerEntrypoint() throws Exception {
        String flow = flow(CliFlows.Hello.class);
        assertEquals(0, baton("--flow", flow, "step", "start", "--run-id", "r7", "--task-id", "1", "--times", "3",
                "--tag", "via:step").exitCode());
        Result shout = baton("step", "shout", "--flow", flow, "--run-id", "r7", "--task-id", "2", "--input-paths",
                "r7/start/:1");
        assertEquals(0, shout.exitCode(), shout.err());
        assertEquals(0, baton("--flow", flow, "step", "end", "--run-id", "r7", "--task-id", "3", "--input-paths",
                "r7/shout/2").exitCode());
        try (FlowDatastore ds = open("Hello")) {
            assertEquals("hello world!".repeat(3), artifact(ds, only(ds, "r7", "end"), "greeting"));
            assertEquals(List.of("via:step"), ds.readRun("r7").orElseThrow().tags());
        }
        Result missingParent = baton("--flow", flow, "step", "end", "--run-id", "r7", "--task-id", "4",
                "--input-paths", "r7/shout/99");
        assertEquals(2, missingParent.exitCode());
        assertTrue(missingParent.err().contains("r7/shout/99"), missingParent.err());
        Result failing = baton("--flow", flow(CliFlows.Fails.class), "step", "start", "--run-id", "r8", "--task-id",
                "1");
        assertEquals(1, failing.exitCode());
        assertTrue(failing.err().contains("start fails on purpose"), failing.err());
        Result slow = baton("--flow", flow(CliFlows.Slow.class), "step", "start", "--run-id", "r9", "--task-id", "1");
        assertEquals(124, slow.exitCode(), slow.err());
        try (FlowDatastore ds = open("Slow")) {
            assertEquals(Outcome.TIMED_OUT, only(ds, "r9", "start").done().outcome());
        }
    }

    @Test
    void environmentStepSeesRealVariablesEvenInThreadIsolation() throws Exception {
        Path idFile = dir.resolve("run-id");
        Result r = baton("--flow", flow(CliFlows.WithEnv.class), "run", "--run-id-file", idFile.toString());
        assertEquals(0, r.exitCode(), r.err());
        try (FlowDatastore ds = open("WithEnv")) {
            TaskState start = only(ds, runId(idFile), "start");
            assertEquals("hi there", artifact(ds, start, "seen"));
            assertTrue(start.attemptRecord().pid() != ProcessHandle.current().pid(), "ran as a child process");
        }
    }
}
