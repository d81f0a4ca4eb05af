package dev.baton.executor.internal;

import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.Isolation;
import dev.baton.executor.RunOptions;
import dev.baton.executor.RunResult;
import dev.baton.executor.TaskExecutor;
import dev.baton.executor.TaskInputs;
import dev.baton.executor.TaskLauncher;
import dev.baton.executor.TaskPosition;
import dev.baton.executor.TaskRequest;
import dev.baton.executor.TaskResult;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local runtime's scheduler. One coordinating thread (the caller of {@link #run()}) owns all scheduling state;
 * workers only run attempts and post a {@link Completion}, so no scheduling state is shared between threads.
 *
 * <p>Each launched task carries its <em>lineage</em>: the splits it is inside (branch, foreach or gang; split
 * task, index, width). A task whose next step is a join arrives at the barrier of the innermost open split; when
 * every branch has arrived the join is launched, for a foreach or gang naming the split task
 * ({@code --join-split}) so the foreach coordinator lists the children in index order, exactly as on Step
 * Functions. The lineage also gives each task its {@link TaskPosition} for the resume hook.
 */
public final class LocalRunner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalRunner.class);
    private final FlowBinding binding;
    private final FlowGraph graph;
    private final RunOptions options;
    private final PrintStream console;
    private final TaskExecutor executor;
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final Map<String, Integer> iterations = new HashMap<>();
    private final Map<String, Barrier> barriers = new HashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final AtomicLong taskIds = new AtomicLong();
    private final List<String> failed = new ArrayList<>();
    private final AtomicInteger doneCount = new AtomicInteger();
    private final Map<String, Integer> stepsSeen = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile boolean interrupted;
    private int inFlight;
    private int tasksRun;
    private int tasksReused;
    private String runId;
    private Progress progress;

    public LocalRunner(FlowBinding binding, RunOptions options) {
        this.binding = binding;
        this.graph = binding.graph();
        this.options = options;
        this.console = options.console() != null ? options.console() : OutputCapture.console();
        this.executor = new TaskExecutor(binding);
    }

    /** A split a task is inside. */
    private record Open(String splitStep, String splitTask, int index, int count, boolean frame) {}

    /** A task to run (or reuse). */
    private record Launch(String step, String taskId, TaskInputs inputs, Integer splitIndex, List<Open> lineage,
            TaskPosition position) {
        TaskPath path(String runId) {
            return new TaskPath(runId, step, taskId);
        }
    }

    private record Completion(Launch launch, TaskResult result, boolean reused) {}

    private static final class Barrier {
        final TaskPath[] arrivals;
        final List<Open> below;
        int arrived;

        Barrier(int count, List<Open> below) {
            this.arrivals = new TaskPath[count];
            this.below = below;
        }
    }

    /** A running attempt, for Ctrl-C. */
    private interface Running {
        void interrupt();
    }

    public RunResult run() {
        Instant t0 = Instant.now();
        OutputCapture.install();
        runId = options.runId() != null ? options.runId() : newRunId();
        RunRecord run = RunRecords.create(binding, runId, options.parameters(), options.tags(), options.originRunId(),
                Map.of("runtime", "local", "isolation", options.isolation().name().toLowerCase()));
        if (options.runIdFile() != null) {
            try {
                Files.writeString(options.runIdFile(), runId, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigurationException("cannot write --run-id-file " + options.runIdFile() + ": " + e.getMessage());
            }
        }
        progress = new Progress(console, options.liveProgress(), binding.datastore().flowName() + "/" + runId);
        progress.line("run " + binding.datastore().flowName() + "/" + runId + " started (" + options.isolation()
                .name().toLowerCase() + " isolation, " + options.maxWorkers() + " workers)");
        ExecutorService pool = Executors.newFixedThreadPool(options.maxWorkers(), daemon("baton-worker"));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("baton-retry"));
        Thread hook = new Thread(this::onShutdown, "baton-ctrl-c");
        Thread caller = Thread.currentThread();
        boolean hooked = addHook(hook);
        RunRecord.RunStatus status;
        try {
            launch(new Launch("start", nextTaskId(), new TaskInputs.None(), null, List.of(),
                    position("start", List.of())), pool, timer);
            while (inFlight > 0) {
                Completion c;
                try {
                    c = completions.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                    stopAll();
                    caller.interrupt();
                    break;
                }
                inFlight--;
                handle(c, pool, timer);
            }
            status = interrupted ? RunRecord.RunStatus.INTERRUPTED
                    : failed.isEmpty() ? RunRecord.RunStatus.SUCCEEDED : RunRecord.RunStatus.FAILED;
        } finally {
            pool.shutdownNow();
            timer.shutdownNow();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException inShutdown) {
                    // the JVM is exiting (Ctrl-C): the hook is running and waits for us
                }
            }
        }
        RunRecords.finish(binding, run, status);
        Duration elapsed = Duration.between(t0, Instant.now());
        progress.finish();
        String where = binding.datastore().root() + "/" + binding.datastore().flowName() + "/" + runId;
        console.println("run " + binding.datastore().flowName() + "/" + runId + " " + status + " in "
                + elapsed.toMillis() / 1000.0 + " s: " + tasksRun + " tasks run"
                + (tasksReused > 0 ? ", " + tasksReused + " reused" : "")
                + (failed.isEmpty() ? "" : "; failed: " + String.join("; ", failed)));
        console.println("  artifacts and logs: " + where + " (see them with: baton show " + runId + ")");
        console.flush();
        synchronized (this) {
            finished = true;
            notifyAll();
        }
        return new RunResult(runId, status, failed, tasksRun, tasksReused, elapsed);
    }

    private boolean finished;

    private boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    /** Ctrl-C: stop launching, interrupt what runs, and let {@link #run()} record the run as INTERRUPTED. */
    private void onShutdown() {
        interrupted = true;
        stopAll();
        synchronized (this) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!finished && System.nanoTime() < until) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void stopAll() {
        stopping = true;
        running.values().forEach(Running::interrupt);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private String newRunId() {
        long id = System.currentTimeMillis();
        while (binding.datastore().readRun(Long.toString(id)).isPresent()) {
            id++;
        }
        return Long.toString(id);
    }

    private String nextTaskId() {
        return Long.toString(taskIds.incrementAndGet());
    }

    private TaskPosition position(String step, List<Integer> indices) {
        String key = step + indices;
        int iteration = iterations.merge(key, 1, Integer::sum) - 1;
        return new TaskPosition(step, indices, iteration);
    }

    private static List<Integer> indices(List<Open> lineage) {
        return lineage.stream().filter(Open::frame).map(Open::index).toList();
    }

    private void launch(Launch l, ExecutorService pool, ScheduledExecutorService timer) {
        if (stopping) {
            return;
        }
        inFlight++;
        stepsSeen.merge(l.step(), 1, Integer::sum);
        TaskPath path = l.path(runId);
        if (options.reuse().reuse(l.position(), path, l.inputs())) {
            TaskState state = binding.datastore().readTask(path).filter(TaskState::succeeded)
                    .orElseThrow(() -> new IllegalStateException("the resume hook reported reusing " + path
                            + " but wrote no successful task there"));
            CoordinatorRecords.replay(graph, binding.coordinator(), binding.datastore().flowName(), state);
            completions.add(new Completion(l, new TaskResult(path, state.finishedAttempt(), ExitCodes.OK,
                    Optional.of(state.done()), null), true));
            return;
        }
        submit(l, 0, pool);
    }

    private void submit(Launch l, int attempt, ExecutorService pool) {
        progress.started(l.step());
        pool.execute(() -> {
            if (stopping) {
                completions.add(new Completion(l, null, false)); // queued before the run stopped: never started
                return;
            }
            TaskResult r;
            try {
                r = runAttempt(l, attempt);
            } catch (RuntimeException | Error e) {
                r = new TaskResult(l.path(runId), attempt, ExitCodes.TRANSIENT, Optional.empty(),
                        "the runtime could not run the task: " + e);
            }
            completions.add(new Completion(l, r, false));
        });
    }

    private TaskResult runAttempt(Launch l, int attempt) {
        StepNode node = graph.step(l.step());
        int maxRetries = node.decorators().retry().map(StepDecorators.RetryPolicy::times).orElse(0);
        TaskRequest req = new TaskRequest(l.step(), runId, l.taskId(), l.inputs(), l.splitIndex(), attempt, maxRetries,
                options.tags(), Map.of());
        boolean process = options.isolation() == Isolation.PROCESS
                || (!node.decorators().environment().isEmpty() && !options.childCommand().isEmpty());
        if (!process && !node.decorators().environment().isEmpty()) {
            LOG.warn("step '{}' has @Environment but no child command is configured (RunOptions.childCommand):"
                    + " it runs in this JVM without its variables", l.step());
        }
        String key = l.taskId() + "#" + attempt;
        if (options.launcher() != null && options.launcher().launches(node)) {
            // the third launcher kind: elsewhere (AWS Batch); the task records itself in the shared datastore
            TaskLauncher.Launch remote = options.launcher().prepare(req, node, StepArguments.of(req, l.position()),
                    "[" + l.step() + "/" + l.taskId() + "] ");
            running.put(key, remote::interrupt);
            try {
                if (stopping) {
                    remote.interrupt();
                }
                return remote.run();
            } finally {
                running.remove(key);
            }
        }
        if (process) {
            ChildTask child = new ChildTask(binding, options.childCommand(), req, l.position(), node,
                    "[" + l.step() + "/" + l.taskId() + "] ");
            running.put(key, child::interrupt);
            try {
                if (stopping) {
                    child.interrupt();
                }
                return child.run();
            } finally {
                running.remove(key);
            }
        }
        TaskExecutor.Attempt a = executor.start(req, "[" + l.step() + "/" + l.taskId() + "] ", l.position());
        running.put(key, a::interrupt);
        try {
            if (stopping) {
                a.interrupt();
            }
            return a.execute();
        } finally {
            running.remove(key);
        }
    }

    private void handle(Completion c, ExecutorService pool, ScheduledExecutorService timer) {
        Launch l = c.launch();
        TaskResult r = c.result();
        if (r == null) {
            return; // skipped: the run was stopping
        }
        if (c.reused()) {
            tasksReused++;
        } else {
            tasksRun++;
        }
        if (r.succeeded()) {
            doneCount.incrementAndGet();
            progress.finished(l.step(), l.taskId(), true, r.attempt(), null);
            DoneRecord done = r.done().orElseGet(() -> binding.datastore().readTask(l.path(runId))
                    .map(TaskState::done).orElseThrow());
            if (!stopping) {
                successors(l, done, pool, timer);
            }
            return;
        }
        StepNode node = graph.step(l.step());
        int maxAttempts = node.decorators().maxAttempts();
        boolean retryable = r.exitCode() != ExitCodes.USAGE && r.exitCode() != ExitCodes.INVALID_FLOW
                && r.exitCode() != ExitCodes.INTERRUPTED;
        String why = r.message() != null ? r.message() : "exit code " + r.exitCode();
        if (retryable && !stopping && r.attempt() + 1 < maxAttempts) {
            progress.retry(l.step(), l.taskId(), r.attempt(), why);
            int minutes = node.decorators().retry().map(StepDecorators.RetryPolicy::minutesBetweenRetries).orElse(0);
            inFlight++;
            tasksRun--; // the same task again
            if (minutes > 0) {
                timer.schedule(() -> submit(l, r.attempt() + 1, pool), minutes, TimeUnit.MINUTES);
            } else {
                submit(l, r.attempt() + 1, pool);
            }
            return;
        }
        progress.finished(l.step(), l.taskId(), false, r.attempt(), why);
        failed.add(runId + "/" + l.step() + "/" + l.taskId() + " (" + why + ")");
        stopping = true; // as Metaflow: no new task once one failed for good; running ones finish
    }

    private void successors(Launch l, DoneRecord done, ExecutorService pool, ScheduledExecutorService timer) {
        StepNode node = graph.step(l.step());
        Transition tr = node.transition();
        TaskInputs me = new TaskInputs.Paths(List.of(l.path(runId)));
        List<String> next = done.next();
        for (int b = 0; b < next.size(); b++) {
            String target = next.get(b);
            StepNode t = graph.step(target);
            if (t.join() && !(tr instanceof Transition.Branch) && !(tr instanceof Transition.Foreach)
                    && !(tr instanceof Transition.Parallel)) {
                arrive(l, t, pool, timer);
            } else if (tr instanceof Transition.Foreach || tr instanceof Transition.Parallel) {
                int n = done.foreachCardinality();
                for (int i = 0; i < n; i++) {
                    List<Open> lineage = with(l.lineage(), new Open(l.step(), l.taskId(), i, n, true));
                    launch(new Launch(target, nextTaskId(), me, i, lineage, position(target, indices(lineage))), pool,
                            timer);
                }
            } else if (tr instanceof Transition.Branch) {
                List<Open> lineage = with(l.lineage(), new Open(l.step(), l.taskId(), b, next.size(), false));
                launch(new Launch(target, nextTaskId(), me, null, lineage, position(target, indices(lineage))), pool,
                        timer);
            } else {
                launch(new Launch(target, nextTaskId(), me, null, l.lineage(), position(target, indices(l.lineage()))),
                        pool, timer);
            }
        }
    }

    private static List<Open> with(List<Open> lineage, Open open) {
        List<Open> out = new ArrayList<>(lineage);
        out.add(open);
        return List.copyOf(out);
    }

    private void arrive(Launch l, StepNode join, ExecutorService pool, ScheduledExecutorService timer) {
        String split = join.closesSplit().orElseThrow(() -> new IllegalStateException("join " + join.name()
                + " closes no split"));
        int at = -1;
        for (int i = l.lineage().size() - 1; i >= 0; i--) {
            if (l.lineage().get(i).splitStep().equals(split)) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw new IllegalStateException("task " + l.path(runId) + " reached join '" + join.name()
                    + "' outside split '" + split + "'");
        }
        Open open = l.lineage().get(at);
        List<Open> below = l.lineage().subList(0, at);
        String key = join.name() + "@" + open.splitTask();
        Barrier b = barriers.computeIfAbsent(key, k -> new Barrier(open.count(), List.copyOf(below)));
        if (b.arrivals[open.index()] == null) {
            b.arrived++;
        }
        b.arrivals[open.index()] = l.path(runId);
        if (b.arrived < open.count()) {
            return;
        }
        barriers.remove(key);
        TaskInputs inputs = open.frame() ? new TaskInputs.JoinSplit(new TaskPath(runId, split, open.splitTask()))
                : new TaskInputs.Paths(List.of(b.arrivals));
        launch(new Launch(join.name(), nextTaskId(), inputs, null, b.below, position(join.name(), indices(b.below))),
                pool, timer);
    }
}
