package dev.baton.executor.internal;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.DoneRecord.ErrorRecord;
import dev.baton.datastore.meta.DoneRecord.Outcome;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.TaskInputs;
import dev.baton.executor.TaskRequest;
import dev.baton.executor.TaskResult;
import dev.baton.executor.StepTimeoutException;
import dev.baton.flow.BatonException;
import dev.baton.flow.CaughtException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.TransientFailureException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import dev.baton.flow.internal.FlowSpecAccess;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of one task, start to finish: resolve the parents, bind a fresh flow instance, run the step method
 * (on its own thread, so {@code @Timeout} and interruption can stop it), record the transition, persist the
 * artifacts and write {@code done.json} last. Every failure after the attempt started is recorded in
 * {@code done.json} with its outcome and error; a process killed mid-way leaves no {@code done.json}.
 */
public final class TaskRun {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRun.class);
    private static final List<String> BATCH_ENV = List.of("AWS_BATCH_JOB_ID", "AWS_BATCH_JOB_ATTEMPT",
            "AWS_BATCH_CE_NAME", "AWS_BATCH_JQ_NAME", "BATON_CODE_PACKAGE");
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    /**
     * Step methods run on these threads (not the caller's) so that {@code @Timeout} and interruption can stop them.
     * Pooled, because creating a thread per task is a measurable part of a trivial task's cost.
     */
    private static final java.util.concurrent.ExecutorService STEP_THREADS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "baton-step");
                t.setDaemon(true);
                return t;
            });

    private final FlowBinding binding;
    private final FlowGraph graph;
    private final FlowDatastore ds;
    private final ForeachCoordinator coordinator;
    private final TaskRequest req;
    private final String livePrefix;
    private final String position;
    private final Map<String, RunRecord> runCache;
    private final AtomicBoolean doneWritten = new AtomicBoolean();
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicReference<Thread> stepThread = new AtomicReference<>();
    private volatile Instant startedAt = Instant.now();
    private volatile boolean attemptWritten;

    /**
     * @param livePrefix prepended to each line of the step's output shown live (empty: none)
     * @param position the task's position in the run ({@code TaskPosition}), recorded in the attempt, or null
     */
    public TaskRun(FlowBinding binding, TaskRequest req, String livePrefix, String position) {
        this(binding, req, livePrefix, position, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /**
     * @param runCache run records already read by this executor: a run's parameters, tags and origin never change
     *     once it started, and a local run of 1,000 tasks need not parse its {@code _run.json} 1,000 times
     */
    public TaskRun(FlowBinding binding, TaskRequest req, String livePrefix, String position,
            Map<String, RunRecord> runCache) {
        this.runCache = runCache;
        this.binding = binding;
        this.graph = binding.graph();
        this.ds = binding.datastore();
        this.coordinator = binding.coordinator();
        this.req = req;
        this.livePrefix = livePrefix == null ? "" : livePrefix;
        this.position = position;
    }

    private String pathspec(TaskPath p) {
        return ds.flowName() + "/" + p;
    }

    /**
     * Stops the attempt (Ctrl-C, the run was stopped): interrupts the step and records it INTERRUPTED. Safe from
     * any thread, e.g. a shutdown hook; returns once the outcome is recorded or the grace period is over.
     */
    public void interrupt() {
        interrupted.set(true);
        Thread t = stepThread.get();
        if (t != null) {
            t.interrupt();
        }
        if (attemptWritten && !doneWritten.get()) {
            writeDone(req.path(), Outcome.INTERRUPTED, List.of(), null, null,
                    new ErrorRecord("Interrupted", "the run was stopped while the task ran", ""));
        }
    }

    /** Runs the attempt; never throws for a failure of the task itself (see the result's exit code). */
    public TaskResult execute() {
        OutputCapture.install();
        TaskPath path;
        StepNode node;
        try {
            path = req.path();
            if (!graph.steps().containsKey(req.step())) {
                throw new ConfigurationException("flow " + graph.name() + " has no step '" + req.step()
                        + "'; its steps are " + graph.steps().keySet());
            }
            node = graph.step(req.step());
        } catch (BatonException e) {
            return new TaskResult(null, req.retryCount(), exitCodeOf(e), Optional.empty(), e.getMessage());
        }
        startedAt = Instant.now();
        Setup setup;
        try {
            setup = setup(path, node);
        } catch (RuntimeException e) {
            return recordEarlyFailure(path, e);
        }
        return runStep(path, node, setup);
    }

    /**
     * Everything known before user code runs, and the write of the attempt record, which {@link #runStep} joins
     * before the step runs.
     */
    private record Setup(RunRecord run, List<TaskState> parents, List<TaskData.Frame> frames,
            Map<String, ArtifactRef> inherited, PendingRequest<Void> attempt) {}

    /**
     * Reads the run record and the parents, and starts the attempt record's write. On a remote store the three go
     * together (each is a round trip; the parents' reads are themselves concurrent); only a {@code --join-split}
     * join asks the coordinator for its parents first. On a local store they are made one after the other, as
     * written. Failures are reported in the order of the sequential reads: the run's, then the parents'.
     */
    private Setup setup(TaskPath path, StepNode node) {
        Optional<Executor> overlap = ds.requestExecutor();
        RunRecord cached = runCache.get(req.runId());
        PendingRequest<Optional<RunRecord>> runRead = cached != null ? PendingRequest.done(Optional.of(cached))
                : PendingRequest.start(overlap, () -> ds.readRun(req.runId()));
        PendingRequest<Void> attempt = null;
        boolean ready = false;
        try {
            List<TaskPath> parentPaths = List.of();
            List<Optional<TaskState>> states = List.of();
            RuntimeException parentFailure = null; // comes after the run's own failure, as in the sequential order
            try {
                parentPaths = resolveInputPaths(node);
                for (TaskPath p : parentPaths) {
                    checkSameRun(p);
                }
                List<String> inputPaths = parentPaths.stream().map(TaskPath::toString).toList();
                attempt = PendingRequest.startWrite(overlap, () -> writeAttempt(path, inputPaths));
                // a join's parents are read concurrently: each is a few round trips on S3, and a foreach may have
                // thousands
                states = ds.readTasks(parentPaths);
            } catch (RuntimeException e) {
                parentFailure = e;
            }
            RunRecord run = runRecord(node, runRead.join());
            if (parentFailure != null) {
                throw parentFailure;
            }
            List<TaskState> parents = new ArrayList<>();
            for (int i = 0; i < parentPaths.size(); i++) {
                parents.add(checkParent(parentPaths.get(i), states.get(i)));
            }
            if (node.name().equals("start")) {
                if (!parents.isEmpty()) {
                    throw new ConfigurationException("step 'start' takes no --input-paths (its input is the run's parameters)");
                }
            } else if (parents.isEmpty()) {
                throw new ConfigurationException("step '" + node.name() + "' needs --input-paths naming its parent task(s)");
            } else if (!node.join() && parents.size() > 1) {
                throw new ConfigurationException("step '" + node.name() + "' is not a join but got " + parents.size()
                        + " input paths " + parentPaths + "; give exactly one parent");
            }
            List<TaskData.Frame> frames = frames(node, parents);
            Map<String, ArtifactRef> inherited = new HashMap<>();
            if (!node.join() && !parents.isEmpty()) {
                inherited.putAll(parents.get(0).data().artifacts()); // a join inherits nothing implicitly (merge*)
            }
            inherited.putAll(run.parameters());
            Setup setup = new Setup(run, parents, frames, inherited, attempt);
            ready = true;
            return setup;
        } finally {
            if (!ready) {
                // an attempt record in flight lands before recordEarlyFailure looks at attemptWritten (it writes the
                // record only when none was written); a deferred one is never made, as in the sequential order
                runRead.settle();
                if (attempt != null) {
                    attempt.settle();
                }
            }
        }
    }

    /** The run record as read, created for {@code start} when there is none, and cached. */
    private RunRecord runRecord(StepNode node, Optional<RunRecord> read) {
        RunRecord run = read.orElse(null);
        if (run == null) {
            if (!node.name().equals("start")) {
                throw new ConfigurationException("run " + ds.flowName() + "/" + req.runId() + " has no _run.json: run"
                        + " `baton step start --run-id " + req.runId() + " ...` first (or use `baton run`)");
            }
            run = RunRecords.create(binding, req.runId(), req.parameters(), req.tags(), null, Map.of());
        }
        runCache.put(req.runId(), run);
        return run;
    }

    private List<TaskPath> resolveInputPaths(StepNode node) {
        TaskInputs inputs = req.inputs() == null ? new TaskInputs.None() : req.inputs();
        if (inputs instanceof TaskInputs.Paths p) {
            return p.paths();
        }
        if (inputs instanceof TaskInputs.JoinSplit j) {
            if (!node.join()) {
                throw new ConfigurationException("--join-split is only for join steps; step '" + node.name()
                        + "' is not one");
            }
            String prefix = ds.flowName() + "/";
            List<TaskPath> out = new ArrayList<>();
            for (String ps : coordinator.joinInputs(prefix + j.splitTask())) {
                out.add(TaskPath.parse(ps.startsWith(prefix) ? ps.substring(prefix.length()) : ps));
            }
            return out;
        }
        return List.of();
    }

    private void checkSameRun(TaskPath p) {
        if (!p.runId().equals(req.runId())) {
            throw new ConfigurationException("input path " + p + " is in run " + p.runId() + ", not in run "
                    + req.runId() + " of this task");
        }
    }

    private TaskState checkParent(TaskPath p, Optional<TaskState> state) {
        TaskState s = state.orElseThrow(() -> new ConfigurationException("parent task " + pathspec(p)
                + " does not exist: check --input-paths (its step must have run in run " + p.runId() + ")"));
        if (s.done() == null) {
            throw new ConfigurationException("parent task " + pathspec(p) + " has not finished: attempt "
                    + s.unfinishedAttempt().orElse(0) + " started but wrote no done.json (still running, or killed)");
        }
        if (!s.succeeded()) {
            throw new ConfigurationException("parent task " + pathspec(p) + " did not succeed: its latest attempt "
                    + s.finishedAttempt() + " ended " + s.done().outcome()
                    + (s.done().error() != null ? " (" + s.done().error().type() + ": " + s.done().error().message() + ")" : ""));
        }
        return s;
    }

    private List<TaskData.Frame> frames(StepNode node, List<TaskState> parents) {
        if (parents.isEmpty()) {
            return List.of();
        }
        TaskState first = parents.get(0);
        List<TaskData.Frame> base = new ArrayList<>(first.data().foreachStack());
        if (node.join()) {
            Optional<String> closes = node.closesSplit();
            if (closes.isPresent() && opensFrame(closes.get())) {
                int at = lastFrameOf(base, closes.get());
                if (at >= 0) {
                    base.subList(at, base.size()).clear();
                }
            }
            return base;
        }
        String parentStep = first.path().step();
        Transition t = graph.step(parentStep).transition();
        if (t instanceof Transition.Foreach || t instanceof Transition.Parallel) {
            Integer i = req.splitIndex();
            int count = first.done().foreachCardinality() != null ? first.done().foreachCardinality()
                    : t instanceof Transition.Parallel par ? par.numParallel() : 0;
            if (i == null || i < 0 || i >= count) {
                throw new ConfigurationException("step '" + node.name() + "' follows the " + (t instanceof Transition.Foreach
                        ? "foreach" : "gang") + " split " + pathspec(first.path()) + " of " + count
                        + " tasks: give --split-index 0.." + (count - 1) + (i == null ? "" : " (got " + i + ")"));
            }
            String itemKey = t instanceof Transition.Foreach ? first.data().foreachItems().get(i).key() : null;
            base.add(new TaskData.Frame(parentStep, first.path().taskId(), i, count, itemKey));
        }
        return base;
    }

    private boolean opensFrame(String splitStep) {
        Transition t = graph.step(splitStep).transition();
        return t instanceof Transition.Foreach || t instanceof Transition.Parallel;
    }

    private static int lastFrameOf(List<TaskData.Frame> frames, String step) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (frames.get(i).step().equals(step)) {
                return i;
            }
        }
        return -1;
    }

    private Map<String, String> attemptEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : BATCH_ENV) {
            String v = System.getenv(k);
            if (v != null) {
                env.put(k, v);
            }
        }
        if (position != null) {
            env.put("baton.position", position);
        }
        return env;
    }

    private void writeAttempt(TaskPath path, List<String> inputPaths) {
        ds.writeAttempt(path, new AttemptRecord(req.retryCount(), startedAt, Hosts.name(), ProcessHandle.current().pid(),
                inputPaths, req.splitIndex(), attemptEnvironment()));
        attemptWritten = true;
    }

    private TaskResult recordEarlyFailure(TaskPath path, RuntimeException e) {
        int code = exitCodeOf(e);
        LOG.debug("task {} could not start", path, e);
        try {
            if (!attemptWritten) {
                writeAttempt(path, req.inputs() == null ? List.of() : List.of(req.inputs().format()));
            }
            Outcome outcome = code == ExitCodes.TRANSIENT ? Outcome.PLATFORM_FAILED : Outcome.FAILED;
            writeLog(path, new byte[0], (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            DoneRecord done = writeDone(path, outcome, List.of(), null, null, error(e));
            return new TaskResult(path, req.retryCount(), code, Optional.ofNullable(done), e.getMessage());
        } catch (RuntimeException again) {
            e.addSuppressed(again);
            return new TaskResult(path, req.retryCount(), code, Optional.empty(), e.getMessage());
        }
    }

    private TaskResult runStep(TaskPath path, StepNode node, Setup setup) {
        OutputCapture.Sink sink = new OutputCapture.Sink(livePrefix);
        Set<String> parameterNames = setup.run().parameters().keySet();
        Class<? extends FlowSpec> flowClass = binding.flowClass();
        boolean lazy = Enhancement.isEnhanced(flowClass);
        TaskScope scope = new TaskScope(graph, ds, path, new CurrentImpl(ds.flowName(), req.runId(), req.step(),
                req.taskId(), req.retryCount(), Set.copyOf(setup.run().tags()),
                Optional.ofNullable(setup.run().originRunId())), setup.frames());
        AtomicReference<ArtifactState> stateRef = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Outcome outcome;
        try {
            setup.attempt().join(); // the attempt record says the attempt started: stored before the step runs
            java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
            if (interrupted.get()) {
                throw new InterruptedException();
            }
            String name = "baton-task-" + req.step() + "-" + req.taskId();
            STEP_THREADS.execute(() -> {
                Thread self = Thread.currentThread();
                String poolName = self.getName();
                self.setName(name);
                stepThread.set(self);
                OutputCapture.bind(sink);
                try {
                    if (interrupted.get()) {
                        throw new InterruptedException("the task was stopped before it started");
                    }
                    FlowSpec instance = newInstance(flowClass);
                    ArtifactState state = new ArtifactState(scope, instance, setup.inherited(), parameterNames, false, lazy);
                    FlowSpecAccess.bind(instance, state);
                    stateRef.set(state);
                    if (!lazy) {
                        state.materializeAll();
                    }
                    Method m = stepMethod(flowClass, node);
                    if (node.join()) {
                        m.invoke(instance, parentInputs(flowClass, setup.parents(), parameterNames, lazy));
                    } else {
                        m.invoke(instance);
                    }
                } catch (InvocationTargetException e) {
                    failure.set(e.getCause());
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    System.out.flush();
                    System.err.flush();
                    OutputCapture.bind(null);
                    stepThread.set(null);
                    Thread.interrupted(); // a pooled thread must not carry this task's interrupt into the next
                    self.setName(poolName);
                    ended.countDown();
                }
            });
            Optional<Duration> timeout = node.decorators().timeout();
            boolean finished;
            if (timeout.isPresent()) {
                finished = ended.await(Math.max(1, timeout.get().toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                ended.await();
                finished = true;
            }
            if (!finished) {
                Thread t = stepThread.get();
                if (t != null) {
                    t.interrupt();
                }
                // give an interruptible step a moment to unwind before recording; a step that ignores interrupts
                // keeps its (daemon) thread, which the pool replaces
                ended.await(STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                outcome = Outcome.TIMED_OUT;
                failure.set(new StepTimeoutException("step '" + req.step() + "' of " + pathspec(path)
                        + " ran longer than its @Timeout of " + human(timeout.get()) + " and was stopped"));
            } else if (interrupted.get()) {
                outcome = Outcome.INTERRUPTED;
            } else {
                outcome = failure.get() == null ? Outcome.SUCCEEDED : Outcome.FAILED;
            }
        } catch (InterruptedException e) {
            interrupted.set(true);
            Thread t = stepThread.get();
            if (t != null) {
                t.interrupt();
            }
            outcome = Outcome.INTERRUPTED;
        } catch (RuntimeException e) {
            return recordEarlyFailure(path, e);
        }
        sink.flush();
        if (outcome == Outcome.INTERRUPTED) {
            writeLogQuietly(path, sink);
            DoneRecord done = writeDone(path, Outcome.INTERRUPTED, List.of(), null, null,
                    new ErrorRecord("Interrupted", "the run was stopped while the task ran", ""));
            return new TaskResult(path, req.retryCount(), ExitCodes.INTERRUPTED, Optional.ofNullable(done),
                    "interrupted");
        }
        if (outcome == Outcome.SUCCEEDED) {
            try {
                return finishSucceeded(path, node, setup, stateRef.get(), sink, null);
            } catch (RuntimeException e) {
                boolean transientFailure = isTransient(e);
                if (e instanceof ConfigurationException) {
                    return recordFailure(path, sink, Outcome.FAILED, e, ExitCodes.USAGE);
                }
                if (transientFailure) {
                    return recordFailure(path, sink, Outcome.PLATFORM_FAILED, e, ExitCodes.TRANSIENT);
                }
                failure.set(e); // e.g. an unknown switch value, an unserializable artifact: the step's failure
                outcome = Outcome.FAILED;
            }
        }
        Throwable cause = failure.get();
        if (outcome == Outcome.FAILED && isTransient(cause)) {
            return recordFailure(path, sink, Outcome.PLATFORM_FAILED, cause, ExitCodes.TRANSIENT);
        }
        int maxRetries = req.maxUserCodeRetries() != null ? req.maxUserCodeRetries()
                : node.decorators().retry().map(StepDecorators.RetryPolicy::times).orElse(0);
        Optional<StepDecorators.CatchPolicy> catchPolicy = node.decorators().catchPolicy();
        if (catchPolicy.isPresent() && req.retryCount() >= maxRetries) {
            if (catchPolicy.get().printException()) {
                printErr(sink, "[baton] @Catch: step '" + req.step() + "' failed; the flow goes on\n" + stackTrace(cause));
            }
            try {
                return catchFailure(path, node, setup, scope, catchPolicy.get(), cause, outcome, sink);
            } catch (RuntimeException e) {
                e.addSuppressed(cause);
                return recordFailure(path, sink, isTransient(e) ? Outcome.PLATFORM_FAILED : Outcome.FAILED, e,
                        isTransient(e) ? ExitCodes.TRANSIENT : ExitCodes.STEP_FAILED);
            }
        }
        printErr(sink, stackTrace(cause));
        return recordFailure(path, sink, outcome, cause,
                outcome == Outcome.TIMED_OUT ? ExitCodes.TIMED_OUT : ExitCodes.STEP_FAILED);
    }

    private TaskResult catchFailure(TaskPath path, StepNode node, Setup setup, TaskScope scope,
            StepDecorators.CatchPolicy policy, Throwable cause, Outcome outcome, OutputCapture.Sink sink) {
        // the failed attempt's half-done writes are dropped: the task holds what it inherited, plus the failure
        FlowSpec fresh = newInstanceUnchecked(binding.flowClass());
        ArtifactState state = new ArtifactState(scope, fresh, setup.inherited(), setup.run().parameters().keySet(),
                false, true);
        if (!policy.var().isEmpty()) {
            String type = outcome == Outcome.TIMED_OUT ? StepTimeoutException.class.getName() : cause.getClass().getName();
            state.write(policy.var(), new CaughtException(type, cause.getMessage(), stackTrace(cause),
                    req.retryCount() + 1));
        }
        return finishSucceeded(path, node, setup, state, sink, error(cause));
    }

    private TaskResult finishSucceeded(TaskPath path, StepNode node, Setup setup, ArtifactState state,
            OutputCapture.Sink sink, ErrorRecord caught) {
        Transition tr = node.transition();
        List<String> next = tr.targets();
        Integer cardinality = null;
        String switchValue = null;
        List<ArtifactRef> items = List.of();
        Map<String, Object> itemValues = Map.of(); // a foreach's items, stored with the artifacts
        if (tr instanceof Transition.Foreach f) {
            List<Object> elements = elements(node.name(), f.field(), state.valueOf(f.field()));
            Map<String, Object> byName = new LinkedHashMap<>();
            for (int i = 0; i < elements.size(); i++) {
                byName.put(f.field() + "[" + i + "]", elements.get(i));
            }
            itemValues = byName;
            cardinality = elements.size();
        } else if (tr instanceof Transition.Parallel p) {
            cardinality = p.numParallel();
        } else if (tr instanceof Transition.Switch s) {
            Object value = state.valueOf(s.field());
            switchValue = value instanceof Enum<?> e ? e.name() : String.valueOf(value);
            String target = s.cases().get(switchValue);
            if (target == null) {
                throw new BatonException("switch step '" + node.name() + "': condition field '" + s.field() + "' is '"
                        + switchValue + "', which matches no case; the cases are " + s.cases().keySet()
                        + ". Set '" + s.field() + "' to one of them");
            }
            next = List.of(target);
        }
        // on a remote store what does not depend on the artifacts goes alongside them: the log (complete by now),
        // the join registration (latest wins, and a join reads each parent's done.json, so a registration whose
        // attempt then fails lets nothing through) and, for an end step, the fresh read of _run.json.
        // done.json waits for every write; a failure is reported as in the sequential order, after what is in
        // flight has landed (a failure path rewrites the log, and a late write must not undo that)
        Optional<Executor> overlap = ds.requestExecutor();
        String self = pathspec(path);
        List<String> targets = next;
        byte[] stdout = sink.stdout();
        byte[] stderr = sink.stderr();
        boolean end = node.transition() instanceof Transition.End;
        // (a request with nothing to do is not handed to a thread at all)
        PendingRequest<Void> arrival = !CoordinatorRecords.arrivesAtJoin(graph, targets) ? PendingRequest.done(null)
                : PendingRequest.startWrite(overlap, () -> CoordinatorRecords.registerJoinArrival(graph, coordinator,
                        ds.flowName(), path, setup.frames(), targets));
        PendingRequest<Void> log = stdout.length == 0 && stderr.length == 0 ? PendingRequest.done(null)
                : PendingRequest.startWrite(overlap, () -> writeLog(path, stdout, stderr));
        PendingRequest<Optional<RunRecord>> run = end ? PendingRequest.start(overlap, () -> ds.readRun(req.runId()))
                : PendingRequest.done(Optional.empty());
        List<PendingRequest<?>> pending = List.of(arrival, log, run);
        try {
            if (!itemValues.isEmpty()) {
                items = new ArrayList<>(ds.blobs().putAll(itemValues).values());
            }
            Map<String, ArtifactRef> artifacts = state.persist();
            ds.writeData(path, req.retryCount(), new TaskData(artifacts, setup.frames(), items));
            // the split's cardinality and the switch's case only once the attempt's data is stored: a retry that
            // disagrees with an earlier attempt's record fails, so a failed attempt must not have recorded one
            if (cardinality != null) {
                coordinator.recordSplit(self, cardinality);
            }
            if (switchValue != null) {
                coordinator.recordSwitch(self, next.get(0));
            }
            arrival.join();
            log.join();
        } catch (RuntimeException | Error e) {
            pending.forEach(PendingRequest::settle);
            throw e;
        }
        DoneRecord done = writeDone(path, Outcome.SUCCEEDED, next, cardinality, switchValue, caught);
        if (done != null && end) {
            markRunSucceeded(run);
        } else {
            run.settle();
        }
        return new TaskResult(path, req.retryCount(), ExitCodes.OK, Optional.ofNullable(done), null);
    }

    /**
     * On Step Functions no runtime outlives the tasks, so the successful end task is what marks {@code _run.json}
     * SUCCEEDED (the local runtime rewrites it again when it ends, which is harmless). Read fresh, not from the
     * cache: resume may have rewritten the record since. The task itself has succeeded whatever happens here.
     *
     * @param read the fresh read of {@code _run.json}, made alongside the task's last writes on a remote store
     */
    private void markRunSucceeded(PendingRequest<Optional<RunRecord>> read) {
        try {
            read.join()
                    .filter(r -> r.status() == RunRecord.RunStatus.RUNNING)
                    .ifPresent(r -> RunRecords.finish(binding, r, RunRecord.RunStatus.SUCCEEDED));
        } catch (RuntimeException e) {
            LOG.warn("the end task of run {} succeeded, but _run.json could not be marked SUCCEEDED: {}", req.runId(),
                    e.toString());
        }
    }

    private TaskResult recordFailure(TaskPath path, OutputCapture.Sink sink, Outcome outcome, Throwable cause, int code) {
        String message = oneLine(cause);
        try {
            writeLog(path, sink.stdout(), sink.stderr());
            DoneRecord done = writeDone(path, outcome, List.of(), null, null, error(cause));
            return new TaskResult(path, req.retryCount(), code, Optional.ofNullable(done), message);
        } catch (RuntimeException e) {
            LOG.warn("could not record the failure of {}: {}", pathspec(path), e.toString());
            return new TaskResult(path, req.retryCount(), isTransient(e) ? ExitCodes.TRANSIENT : code, Optional.empty(),
                    message);
        }
    }

    private DoneRecord writeDone(TaskPath path, Outcome outcome, List<String> next, Integer cardinality,
            String switchValue, ErrorRecord error) {
        if (!doneWritten.compareAndSet(false, true)) {
            return null; // interrupt() and the task itself race: the first outcome recorded stands
        }
        DoneRecord done = new DoneRecord(req.retryCount(), outcome, startedAt, Instant.now(), next, cardinality,
                switchValue, error, null);
        ds.writeDone(path, req.retryCount(), done);
        return done;
    }

    /**
     * Stores the attempt's output. An empty stream is not stored: readers (client, {@code baton logs}) take a
     * missing log as empty, and most trivial tasks print nothing, so this saves two writes per task.
     */
    private void writeLog(TaskPath path, byte[] out, byte[] err) {
        if (out.length > 0) {
            ds.writeLog(path, req.retryCount(), FlowDatastore.LogStream.STDOUT, new ByteArrayInputStream(out));
        }
        if (err.length > 0) {
            ds.writeLog(path, req.retryCount(), FlowDatastore.LogStream.STDERR, new ByteArrayInputStream(err));
        }
    }

    private void writeLogQuietly(TaskPath path, OutputCapture.Sink sink) {
        try {
            writeLog(path, sink.stdout(), sink.stderr());
        } catch (RuntimeException e) {
            LOG.debug("could not store the logs of interrupted {}", path, e);
        }
    }

    private static void printErr(OutputCapture.Sink sink, String text) {
        OutputCapture.bind(sink);
        try {
            System.err.print(text);
            System.err.flush();
        } finally {
            OutputCapture.bind(null);
        }
        sink.flush();
    }

    private <T extends FlowSpec> Inputs<T> parentInputs(Class<T> flowClass, List<TaskState> parents,
            Set<String> parameterNames, boolean lazy) {
        return new ParentInputs<>(parents, i -> {
            TaskState p = parents.get(i);
            T instance = newInstanceUnchecked(flowClass);
            TaskScope scope = new TaskScope(graph, ds, p.path(), new CurrentImpl(ds.flowName(), p.path().runId(),
                    p.path().step(), p.path().taskId(), p.finishedAttempt(), Set.of(), Optional.empty()),
                    p.data().foreachStack());
            ArtifactState state = new ArtifactState(scope, instance, p.data().artifacts(), parameterNames, true, lazy);
            FlowSpecAccess.bind(instance, state);
            if (!lazy) {
                state.materializeAll();
            }
            return instance;
        });
    }

    private static <T extends FlowSpec> T newInstanceUnchecked(Class<T> c) {
        try {
            return newInstance(c);
        } catch (ReflectiveOperationException e) {
            throw new BatonException("cannot instantiate flow " + c.getName() + ": " + e, e);
        }
    }

    private static <T extends FlowSpec> T newInstance(Class<T> c) throws ReflectiveOperationException {
        Constructor<T> ctor;
        try {
            ctor = c.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new ConfigurationException("flow " + c.getName() + " needs a no-argument constructor");
        }
        ctor.setAccessible(true);
        try {
            T instance = ctor.newInstance();
            Enhancement.resetTracking(instance);
            return instance;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static Method stepMethod(Class<?> c, StepNode node) throws NoSuchMethodException {
        Method m = node.join() ? c.getMethod(node.name(), Inputs.class) : c.getMethod(node.name());
        m.setAccessible(true);
        return m;
    }

    private static List<Object> elements(String step, String field, Object value) {
        List<Object> out = new ArrayList<>();
        if (value == null) {
            throw new BatonException("foreach step '" + step + "': field '" + field + "' is null; set it to a"
                    + " collection, array or Iterable of the items to fan out over");
        } else if (value.getClass().isArray()) {
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                out.add(Array.get(value, i));
            }
        } else if (value instanceof Iterable<?> it) {
            it.forEach(out::add);
        } else if (value instanceof java.util.Map<?, ?> map) {
            out.addAll(map.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList());
        } else {
            throw new BatonException("foreach step '" + step + "': field '" + field + "' holds a "
                    + value.getClass().getName() + ", not a collection, array or Iterable");
        }
        if (out.isEmpty()) {
            throw new BatonException("foreach step '" + step + "': field '" + field + "' is empty; a foreach needs at"
                    + " least one item (branch around it with a switch when there may be none)");
        }
        return out;
    }

    static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BatonException b && b.isTransient()) {
                return true;
            }
        }
        return false;
    }

    static int exitCodeOf(Throwable e) {
        if (e instanceof dev.baton.flow.graph.InvalidFlowException) {
            return ExitCodes.INVALID_FLOW;
        }
        if (e instanceof ConfigurationException) {
            return ExitCodes.USAGE;
        }
        if (isTransient(e)) {
            return ExitCodes.TRANSIENT;
        }
        return ExitCodes.STEP_FAILED;
    }

    private static ErrorRecord error(Throwable t) {
        return new ErrorRecord(t.getClass().getName(), t.getMessage(), stackTrace(t));
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
    }
}
