package dev.baton.client;

import dev.baton.client.internal.LazyValueMap;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.FlowDatastore.LogStream;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.flow.BatonException;
import dev.baton.flow.CaughtException;
import dev.baton.flow.ForeachFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One task of a run, as its metadata stood when the handle was made. Its state is that of the latest attempt:
 * a finished attempt's outcome, or, when a newer attempt started and never recorded an end, that attempt's
 * {@link TaskStatus#RUNNING_OR_KILLED} / {@link TaskStatus#KILLED}. Artifacts are those of the latest finished
 * attempt and are loaded only when asked for.
 */
public final class TaskHandle {
    private final Run run;
    private final TaskState state;

    TaskHandle(Run run, TaskState state) {
        this.run = run;
        this.state = state;
    }

    public String id() {
        return state.path().taskId();
    }

    public String stepName() {
        return state.path().step();
    }

    public String runId() {
        return state.path().runId();
    }

    public String flowName() {
        return run.flowName();
    }

    public Run run() {
        return run;
    }

    /** {@code Flow/run/step/task}. */
    public String pathspec() {
        return run.flowName() + "/" + state.path();
    }

    /** {@code run/step/task}, as {@code --input-paths} and {@code rerun} take it. */
    public TaskPath path() {
        return state.path();
    }

    /** The raw metadata of the task's latest finished attempt (and the list of started ones). */
    public TaskState metadata() {
        return state;
    }

    /** Where the task stands; see {@link TaskStatus}. */
    public TaskStatus status() {
        if (state.unfinishedAttempt().isPresent() || state.done() == null) {
            return run.finished() ? TaskStatus.KILLED : TaskStatus.RUNNING_OR_KILLED;
        }
        return TaskStatus.of(state.done().outcome());
    }

    public boolean successful() {
        return status() == TaskStatus.SUCCEEDED;
    }

    /**
     * True when the task's latest attempt recorded how it ended (success or failure); false while it runs and
     * for an attempt that was killed without a trace ({@link TaskStatus#KILLED}).
     */
    public boolean finished() {
        return status().recordedEnd();
    }

    /** The latest attempt's number: the one {@link #status()} describes. */
    public int currentAttempt() {
        return state.unfinishedAttempt().orElse(state.finishedAttempt() == null ? 0 : state.finishedAttempt());
    }

    /**
     * Every started attempt, oldest first, each with its own outcome, times, host and error; an older attempt that
     * never recorded an end (its process died, and a retry followed) is {@link TaskStatus#KILLED}.
     */
    public List<Attempt> attempts() {
        List<Attempt> attempts = new ArrayList<>();
        for (int number : state.startedAttempts()) {
            attempts.add(attempt(number));
        }
        return attempts;
    }

    private Attempt attempt(int number) {
        Integer finished = state.finishedAttempt();
        AttemptRecord record = state.attemptRecord();
        if (finished != null && finished == number) {
            DoneRecord done = state.done();
            return new Attempt(number, TaskStatus.of(done.outcome()),
                    firstNonNull(record == null ? null : record.startedAt(), done.startedAt()), done.finishedAt(),
                    record == null ? null : record.host(), record == null ? Map.of() : record.environment(),
                    toCaught(done.error(), number + 1));
        }
        if (state.unfinishedAttempt().orElse(-1) == number) {
            boolean recordIsThis = finished == null && record != null && record.attempt() == number;
            return new Attempt(number, run.finished() ? TaskStatus.KILLED : TaskStatus.RUNNING_OR_KILLED,
                    recordIsThis ? record.startedAt() : null, null, recordIsThis ? record.host() : null,
                    recordIsThis ? record.environment() : Map.of(), null);
        }
        // an older attempt, superseded by a retry: read its own records
        Optional<TaskState> older = datastore().readAttempt(state.path(), number);
        if (older.isPresent()) {
            AttemptRecord r = older.get().attemptRecord();
            DoneRecord d = older.get().done();
            return new Attempt(number, d == null ? TaskStatus.KILLED : TaskStatus.of(d.outcome()),
                    r != null ? r.startedAt() : d != null ? d.startedAt() : null, d == null ? null : d.finishedAt(),
                    r == null ? null : r.host(), r == null ? Map.of() : r.environment(),
                    d == null ? null : toCaught(d.error(), number + 1));
        }
        // a datastore that serves only the latest attempt: a retry implies that this one failed
        return new Attempt(number, TaskStatus.FAILED, null, null, null, Map.of(), null);
    }

    private static Instant firstNonNull(Instant a, Instant b) {
        return a != null ? a : b;
    }

    /** When the latest attempt started, if known. */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(attempt(currentAttempt()).startedAt());
    }

    /** When the latest attempt ended, if it did. */
    public Optional<Instant> finishedAt() {
        return Optional.ofNullable(attempt(currentAttempt()).finishedAt());
    }

    /** How long the latest attempt took, once it has ended. */
    public Optional<Duration> duration() {
        return attempt(currentAttempt()).duration();
    }

    /** Artifact name to stored reference (key, type, size), without loading any value. */
    public Map<String, ArtifactRef> artifacts() {
        return state.data() == null ? Map.of() : state.data().artifacts();
    }

    /**
     * The value of artifact {@code name}, loaded from the datastore.
     *
     * @throws NotFoundException when the task has no such artifact, listing those it has
     */
    public Object artifact(String name) {
        ArtifactRef ref = artifacts().get(name);
        if (ref == null) {
            String why = state.data() == null
                    ? " (its latest attempt, " + currentAttempt() + ", recorded no artifacts: " + status() + ")"
                    : "; its artifacts are " + artifacts().keySet();
            throw new NotFoundException("task " + pathspec() + " has no artifact '" + name + "'" + why);
        }
        return datastore().blobs().get("artifact '" + name + "' of " + pathspec() + " (attempt "
                + state.finishedAttempt() + ")", ref.key());
    }

    /**
     * The value of artifact {@code name} as a {@code type} (primitive types stand for their boxes).
     *
     * @throws NotFoundException when there is no such artifact
     * @throws BatonException when the value is of another type, naming both
     */
    public <T> T artifact(String name, Class<T> type) {
        Object value = artifact(name);
        Class<?> boxed = box(type);
        if (value != null && !boxed.isInstance(value)) {
            throw new BatonException("artifact '" + name + "' of " + pathspec() + " is a " + value.getClass().getName()
                    + ", not a " + type.getName());
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }

    /** Artifact name to value; each value is loaded on first access. */
    public Map<String, Object> data() {
        return new LazyValueMap<>(artifacts().keySet(), this::artifact);
    }

    /**
     * The failure recorded by the latest finished attempt: why it failed, or, for a task whose {@code @Catch}
     * caught the failure and went on, what it caught. Empty for a clean success, and for an attempt that never
     * recorded an end (see {@link #status()}).
     */
    public Optional<CaughtException> exception() {
        DoneRecord done = state.done();
        return done == null ? Optional.empty() : Optional.ofNullable(toCaught(done.error(), done.attempt() + 1));
    }

    private static CaughtException toCaught(DoneRecord.ErrorRecord error, int attempts) {
        return error == null ? null : new CaughtException(error.type(), error.message(), error.stackTrace(), attempts);
    }

    /** What the latest attempt printed on stdout ("" when nothing was stored). */
    public String stdout() {
        return log(currentAttempt(), LogStream.STDOUT);
    }

    /** What the latest attempt printed on stderr ("" when nothing was stored). */
    public String stderr() {
        return log(currentAttempt(), LogStream.STDERR);
    }

    /**
     * What attempt {@code attempt} printed on {@code stream} ("" when nothing was stored).
     *
     * @throws NotFoundException when the task has no such attempt
     */
    public String log(int attempt, LogStream stream) {
        try (InputStream in = openLog(attempt, stream).orElse(InputStream.nullInputStream())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + stream.suffix() + " of " + pathspec() + " attempt "
                    + attempt, e);
        }
    }

    /**
     * Opens the stored log of an attempt for streaming, or empty when there is none. A task cloned by
     * {@code resume} stores no log of its own (nothing ran): its origin task's log stands in for it.
     */
    public Optional<InputStream> openLog(int attempt, LogStream stream) {
        if (!state.startedAttempts().contains(attempt)) {
            throw new NotFoundException("task " + pathspec() + " has no attempt " + attempt + "; its attempts are "
                    + state.startedAttempts());
        }
        Optional<InputStream> own = datastore().openLog(state.path(), attempt, stream);
        if (own.isPresent() || origin().isEmpty() || attempt != currentAttempt()) {
            return own;
        }
        // follow the chain of origins (a resumed run may itself have been resumed) to the task that ran
        String prefix = flowName() + "/";
        String origin = origin().get();
        for (int hops = 0; hops < MAX_ORIGIN_HOPS && origin != null && origin.startsWith(prefix); hops++) {
            TaskPath originPath = TaskPath.parse(origin.substring(prefix.length()));
            Optional<TaskState> source = datastore().readTask(originPath).filter(s -> s.finishedAttempt() != null);
            if (source.isEmpty()) {
                return Optional.empty();
            }
            Optional<InputStream> log = datastore().openLog(originPath, source.get().finishedAttempt(), stream);
            if (log.isPresent()) {
                return log;
            }
            origin = source.get().done().originPathspec();
        }
        return Optional.empty();
    }

    /** Bounds the walk along origins, in case records ever point in a circle. */
    private static final int MAX_ORIGIN_HOPS = 64;

    /** The enclosing foreach frames, outermost first; each frame's {@link ForeachFrame#value()} loads its item. */
    public List<ForeachFrame> foreachStack() {
        TaskData data = state.data();
        if (data == null) {
            return List.of();
        }
        List<ForeachFrame> frames = new ArrayList<>();
        for (TaskData.Frame frame : data.foreachStack()) {
            frames.add(new StoredFrame(frame, this));
        }
        return List.copyOf(frames);
    }

    /** The foreach index or gang member index the task was started with, if any. */
    public Optional<Integer> splitIndex() {
        return Optional.ofNullable(state.attemptRecord() == null ? null : state.attemptRecord().splitIndex());
    }

    /** The parent tasks ({@code run/step/task}) the task was started with, in input order. */
    public List<String> inputPaths() {
        return state.attemptRecord() == null ? List.of() : state.attemptRecord().inputPaths();
    }

    /** For a task that {@code resume} cloned: {@code Flow/run/step/task} it was cloned from. */
    public Optional<String> origin() {
        return Optional.ofNullable(state.done() == null ? null : state.done().originPathspec());
    }

    /** Sort key: foreach indices at every depth, then a gang member index that is not already the innermost one. */
    List<Integer> positionIndices() {
        List<Integer> indices = new ArrayList<>();
        if (state.data() != null) {
            state.data().foreachStack().forEach(f -> indices.add(f.index()));
        }
        Optional<Integer> split = splitIndex();
        if (split.isPresent() && (indices.isEmpty() || !indices.get(indices.size() - 1).equals(split.get()))) {
            indices.add(split.get());
        }
        return indices;
    }

    private FlowDatastore datastore() {
        return run.flow().datastore();
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "byte" -> Byte.class;
            case "short" -> Short.class;
            case "char" -> Character.class;
            default -> Void.class;
        };
    }

    @Override
    public String toString() {
        return "Task('" + pathspec() + "', " + status() + ")";
    }

    /** A foreach frame read from {@code data.json}; the item is loaded on first {@link #value()}. */
    private static final class StoredFrame implements ForeachFrame {
        private final TaskData.Frame frame;
        private final TaskHandle task;
        private volatile Object value;
        private volatile boolean loaded;

        StoredFrame(TaskData.Frame frame, TaskHandle task) {
            this.frame = frame;
            this.task = task;
        }

        @Override
        public String stepName() {
            return frame.step();
        }

        @Override
        public int index() {
            return frame.index();
        }

        @Override
        public int count() {
            return frame.count();
        }

        @Override
        public Object value() {
            if (!loaded) {
                value = task.datastore().blobs().get("foreach item " + frame.index() + " of step " + frame.step()
                        + " for " + task.pathspec(), frame.itemKey());
                loaded = true;
            }
            return value;
        }

        @Override
        public String toString() {
            return frame.step() + "[" + frame.index() + "/" + frame.count() + "]";
        }
    }
}
