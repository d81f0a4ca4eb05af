package dev.baton.datastore.internal;

import dev.baton.datastore.ContentStore;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.AttemptRecord;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.datastore.spi.ObjectNotFoundException;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The datastore of one flow over any {@link ObjectStore}, with the layout of DESIGN.md:
 * <pre>
 * &lt;Flow&gt;/data/&lt;key[0:2]&gt;/&lt;key&gt;
 * &lt;Flow&gt;/&lt;run&gt;/_run.json
 * &lt;Flow&gt;/&lt;run&gt;/&lt;step&gt;/&lt;task&gt;/&lt;attempt&gt;.attempt.json|.data.json|.done.json|.stdout|.stderr
 * </pre>
 * Metadata is JSON ({@link MetadataJson}). Owns (and closes) the object store and the content store.
 */
public final class DefaultFlowDatastore implements FlowDatastore {

    static final String DATA_DIR = "data";
    static final String RUN_FILE = "_run.json";
    private static final Pattern ATTEMPT_FILE = Pattern.compile("(0|[1-9][0-9]{0,8})\\.(attempt|data|done)\\.json");

    /** Numeric ids (task ids, run ids) in numeric order, then everything else by name: {@code 2 < 10 < a}. */
    static final Comparator<String> NATURAL = (a, b) -> {
        boolean an = isNumber(a);
        boolean bn = isNumber(b);
        if (an && bn) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        return an ? -1 : bn ? 1 : a.compareTo(b);
    };

    private final ObjectStore store;
    private final String flowName;
    private final DefaultContentStore blobs;
    // guarded by this; created on first use (readTasks; readTask and requestExecutor on a remote store)
    private ExecutorService readers;

    /**
     * @param store the storage; closed with this datastore
     * @param flowName the flow, the first path segment of everything stored here
     * @param blobs the content store of this flow over the same {@code store}; closed with this datastore
     */
    public DefaultFlowDatastore(ObjectStore store, String flowName, DefaultContentStore blobs) {
        checkName("flow name", flowName);
        this.store = store;
        this.flowName = flowName;
        this.blobs = blobs;
    }

    @Override
    public String flowName() {
        return flowName;
    }

    @Override
    public String root() {
        return store.root();
    }

    @Override
    public ContentStore blobs() {
        return blobs;
    }

    @Override
    public void writeRun(RunRecord run) {
        checkName("run id", run.runId());
        store.write(runPath(run.runId()), MetadataJson.write(run));
    }

    @Override
    public Optional<RunRecord> readRun(String runId) {
        checkName("run id", runId);
        String path = runPath(runId);
        return store.read(path).map(json -> MetadataJson.read(json, RunRecord.class, where(path)));
    }

    @Override
    public List<String> runIds() {
        List<String> runs = new ArrayList<>();
        for (String name : store.list(flowName)) {
            // data/ holds the blobs; everything else at this level is a run
            if (!name.equals(DATA_DIR)) {
                runs.add(name);
            }
        }
        return runs;
    }

    @Override
    public List<String> steps(String runId) {
        checkName("run id", runId);
        List<String> steps = new ArrayList<>();
        for (String name : store.list(flowName + "/" + runId)) {
            // step names are Java identifiers: a name with a dot is a run-level file such as _run.json
            if (name.indexOf('.') < 0) {
                steps.add(name);
            }
        }
        return steps;
    }

    @Override
    public List<String> tasks(String runId, String step) {
        checkName("run id", runId);
        checkName("step", step);
        List<String> tasks = new ArrayList<>(store.list(flowName + "/" + runId + "/" + step));
        tasks.sort(NATURAL);
        return tasks;
    }

    @Override
    public void writeAttempt(TaskPath task, AttemptRecord attempt) {
        store.write(attemptPath(task, attempt.attempt(), "attempt.json"), MetadataJson.write(attempt));
    }

    @Override
    public void writeData(TaskPath task, int attempt, TaskData data) {
        store.write(attemptPath(task, attempt, "data.json"), MetadataJson.write(data));
    }

    @Override
    public void writeDone(TaskPath task, int attempt, DoneRecord done) {
        if (done.attempt() != attempt) {
            throw new IllegalArgumentException("done record of attempt " + done.attempt() + " written as attempt "
                    + attempt + " of " + flowName + "/" + task);
        }
        store.write(attemptPath(task, attempt, "done.json"), MetadataJson.write(done));
    }

    @Override
    public Optional<TaskState> readTask(TaskPath task) {
        String dir = taskDir(task);
        // on S3 the three reads of the chosen attempt are three round trips: the attempt and data records are fetched
        // alongside done.json (not from a reader thread itself, whose pool may be full of readTask calls waiting for
        // such reads)
        boolean alongside = store.remote() && !(Thread.currentThread() instanceof MetadataReader);
        // the listing and those reads would still be two round trips one after the other, the second waiting only to
        // learn the chosen attempt, which is the first one for almost every task: its files are asked for together
        // with the listing, and used only where the listing confirms them
        FirstAttemptGuess guess = alongside ? new FirstAttemptGuess(dir) : null;
        try {
            return readTask(task, dir, alongside, guess);
        } finally {
            if (guess != null) {
                guess.discard();
            }
        }
    }

    private Optional<TaskState> readTask(TaskPath task, String dir, boolean alongside, FirstAttemptGuess guess) {
        // one listing tells every attempt's state; only the chosen attempt's files are then read
        TreeSet<Integer> started = new TreeSet<>();
        TreeSet<Integer> finished = new TreeSet<>();
        TreeSet<Integer> withData = new TreeSet<>();
        for (String name : store.list(dir)) {
            Matcher m = ATTEMPT_FILE.matcher(name);
            if (!m.matches()) {
                continue;
            }
            int attempt = Integer.parseInt(m.group(1));
            switch (m.group(2)) {
                case "attempt" -> started.add(attempt);
                case "done" -> finished.add(attempt);
                default -> withData.add(attempt);
            }
        }
        if (started.isEmpty() && finished.isEmpty()) {
            return Optional.empty();
        }
        if (finished.isEmpty()) {
            AttemptRecord latest = readJson(dir, started.last(), "attempt.json", AttemptRecord.class);
            return Optional.of(new TaskState(task, List.copyOf(started), null, latest, null, null));
        }
        int chosen = finished.last();
        // the guessed reads count only for the attempt they were made for, and only for the files the listing shows
        boolean guessed = guess != null && chosen == FirstAttemptGuess.ATTEMPT;
        Supplier<AttemptRecord> attempt = started.contains(chosen)
                ? readFile(guessed ? guess.attempt : null, alongside, task, dir, chosen, "attempt.json",
                        AttemptRecord.class)
                : () -> null;
        Supplier<TaskData> data = withData.contains(chosen)
                ? readFile(guessed ? guess.data : null, alongside, task, dir, chosen, "data.json", TaskData.class)
                : () -> null;
        // parsed before the other two, as when read in turn: a damaged done.json is the error reported first
        DoneRecord done = readFile(guessed ? guess.done : null, false, task, dir, chosen, "done.json",
                DoneRecord.class).get();
        return Optional.of(new TaskState(task, List.copyOf(started), chosen, attempt.get(), data.get(), done));
    }

    /**
     * One metadata file of an attempt the listing showed: from {@code guessed} when that GET found it, else read as
     * without a guess (now, or on a reader thread when {@code alongside}). A guessed read that found nothing or
     * failed is made again, so whatever is reported (a vanished or damaged file, a failing store) is what reading
     * it in turn reports.
     */
    private <T> Supplier<T> readFile(Speculation guessed, boolean alongside, TaskPath task, String dir, int attempt,
            String suffix, Class<T> type) {
        Optional<byte[]> found = guessed == null ? Optional.empty() : guessed.found(task);
        if (found.isPresent()) {
            String path = attemptFile(dir, attempt, suffix);
            byte[] json = found.get();
            return () -> MetadataJson.read(json, type, where(path));
        }
        return read(alongside, task, () -> readJson(dir, attempt, suffix, type));
    }

    /**
     * The first attempt's {@code done.json}, {@code attempt.json} and {@code data.json}, requested on the reader
     * threads before the listing says which attempt is chosen. On S3 a GET of a missing key is a plain 404 (no retry)
     * when the caller may list the bucket, which reading a task needs anyway; an unused guess costs its request and
     * nothing else: its result, success or failure, is dropped.
     */
    private final class FirstAttemptGuess {
        /** The attempt every task starts with, and the chosen one for every task that succeeded the first time. */
        static final int ATTEMPT = 0;

        final Speculation done;
        final Speculation attempt;
        final Speculation data;

        FirstAttemptGuess(String dir) {
            // done.json first: every finished task needs it
            done = new Speculation(attemptFile(dir, ATTEMPT, "done.json"));
            attempt = new Speculation(attemptFile(dir, ATTEMPT, "attempt.json"));
            data = new Speculation(attemptFile(dir, ATTEMPT, "data.json"));
        }

        /** Drops the reads nobody took: the ones still queued never run, the running ones end unobserved. */
        void discard() {
            // not interrupted: an S3 request cut off in its middle may cost its pooled connection
            done.discard();
            attempt.discard();
            data.discard();
        }
    }

    /** A read of one object made before it is known to be needed; its outcome is never reported as such. */
    private final class Speculation {
        private final Future<Optional<byte[]>> pending;

        Speculation(String path) {
            Future<Optional<byte[]>> submitted;
            try {
                submitted = readers().submit(() -> store.read(path));
            } catch (RejectedExecutionException e) {
                // a closed datastore: no guess; the reads in turn report what they report without one
                submitted = null;
            }
            pending = submitted;
        }

        /** The object's bytes when the read found it; empty when it found nothing, failed or never ran. */
        Optional<byte[]> found(TaskPath task) {
            if (pending == null) {
                return Optional.empty();
            }
            try {
                return pending.get();
            } catch (ExecutionException | CancellationException e) {
                return Optional.empty(); // read again in turn, which reports its own failure, if any
            } catch (InterruptedException e) {
                throw interrupted(pending, task, e);
            }
        }

        void discard() {
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    /** Metadata requests in flight at once ({@link #readTasks}, {@link #requestExecutor}): I/O-bound, above the cores. */
    static final int METADATA_READERS = 16;

    @Override
    public List<Optional<TaskState>> readTasks(List<TaskPath> tasks) {
        // on a reader thread (a request made through requestExecutor()), one after the other: a reader that waited
        // on reads queued behind it in its own pool could wait forever once every reader did the same
        if (tasks.size() <= 1 || Thread.currentThread() instanceof MetadataReader) {
            return FlowDatastore.super.readTasks(tasks);
        }
        ExecutorService pool = readers();
        List<Future<Optional<TaskState>>> futures = new ArrayList<>(tasks.size());
        for (TaskPath task : tasks) {
            futures.add(pool.submit(() -> readTask(task)));
        }
        List<Optional<TaskState>> out = new ArrayList<>(tasks.size());
        try {
            for (int i = 0; i < tasks.size(); i++) {
                out.add(result(futures.get(i), tasks.get(i)));
            }
            return out;
        } catch (RuntimeException | Error e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
    }

    /** The reader threads on a remote store; empty on a local one, whose requests a caller makes in order itself. */
    @Override
    public Optional<Executor> requestExecutor() {
        return store.remote() ? Optional.of(readers()) : Optional.empty();
    }

    /** {@code read} now, or on a reader thread when {@code alongside}: the supplier gives its value or its failure. */
    private <T> Supplier<T> read(boolean alongside, TaskPath task, Supplier<T> read) {
        if (!alongside) {
            T value = read.get();
            return () -> value;
        }
        Future<T> pending = readers().submit(read::get);
        return () -> result(pending, task);
    }

    private ExecutorService readers() {
        synchronized (this) {
            if (readers == null) {
                AtomicInteger n = new AtomicInteger();
                readers = Executors.newFixedThreadPool(METADATA_READERS,
                        r -> new MetadataReader(r, "baton-metadata-read-" + n.incrementAndGet()));
            }
            return readers;
        }
    }

    /** A thread of {@link #readers()}: it reads a task's files itself, never waiting on the pool it is part of. */
    private static final class MetadataReader extends Thread {
        MetadataReader(Runnable r, String name) {
            super(r, name);
            setDaemon(true); // never keeps a JVM alive for a datastore nobody closed
        }
    }

    /** The value of a read made on a reader thread, with its failure as the reader threw it. */
    private <T> T result(Future<T> read, TaskPath task) {
        try {
            return read.get();
        } catch (InterruptedException e) {
            throw interrupted(read, task, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new TransientFailureException("reading " + flowName + "/" + task + " in " + store.root()
                    + " failed: " + e.getCause(), e.getCause());
        }
    }

    private TransientFailureException interrupted(Future<?> read, TaskPath task, InterruptedException e) {
        read.cancel(true);
        Thread.currentThread().interrupt();
        return new TransientFailureException("interrupted while reading " + flowName + "/" + task + " in "
                + store.root(), e);
    }

    @Override
    public Optional<TaskState> readAttempt(TaskPath task, int attempt) {
        String dir = taskDir(task);
        Optional<AttemptRecord> started =
                readOptionalJson(attemptPath(task, attempt, "attempt.json"), AttemptRecord.class);
        Optional<DoneRecord> done = readOptionalJson(attemptPath(task, attempt, "done.json"), DoneRecord.class);
        if (started.isEmpty() && done.isEmpty()) {
            return Optional.empty();
        }
        TaskData data = done.isEmpty() ? null
                : readOptionalJson(attemptFile(dir, attempt, "data.json"), TaskData.class).orElse(null);
        return Optional.of(new TaskState(task, started.isPresent() ? List.of(attempt) : List.of(),
                done.isPresent() ? attempt : null, started.orElse(null), data, done.orElse(null)));
    }

    private <T> Optional<T> readOptionalJson(String path, Class<T> type) {
        return store.read(path).map(json -> MetadataJson.read(json, type, where(path)));
    }

    @Override
    public java.util.Map<String, String> taskEnvironment() {
        return store.taskEnvironment();
    }

    private static final Pattern TASK_FILE = Pattern.compile("_[A-Za-z0-9_.-]{1,200}");

    @Override
    public void writeTaskFile(TaskPath task, String name, byte[] content) {
        if (name == null || !TASK_FILE.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid task file name '" + name + "' for " + flowName + "/" + task
                    + ": it must start with '_' and hold only letters, digits, '_', '.' or '-'");
        }
        store.write(taskDir(task) + "/" + name, content);
    }

    /** Logs up to this size are written in one replacing write; larger ones stream through a staged object. */
    private static final int SMALL_LOG_BYTES = 1 << 20;

    @Override
    public void writeLog(TaskPath task, int attempt, LogStream stream, InputStream content) {
        String path = attemptPath(task, attempt, stream.suffix());
        try {
            // most logs are small: one replacing write (on S3 one PUT) is enough
            byte[] head = content.readNBytes(SMALL_LOG_BYTES + 1);
            if (head.length <= SMALL_LOG_BYTES) {
                store.write(path, head);
                return;
            }
            // a large log streams through a staged object, which only commits where nothing is; a re-run of the
            // same attempt replaces its logs, hence the delete
            store.delete(path);
            try (ObjectStore.Staged staged = store.stage()) {
                staged.out().write(head);
                content.transferTo(staged.out());
                staged.commitIfAbsent(path);
            }
        } catch (IOException e) {
            throw new TransientFailureException("cannot store the " + stream.suffix() + " of " + flowName + "/" + task
                    + " (attempt " + attempt + ") in " + store.root() + ": " + e, e);
        }
    }

    @Override
    public Optional<InputStream> openLog(TaskPath task, int attempt, LogStream stream) {
        try {
            return Optional.of(store.open(attemptPath(task, attempt, stream.suffix())));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (readers != null) {
                readers.shutdownNow();
            }
        }
        try {
            blobs.close();
        } finally {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "FlowDatastore[" + flowName + " @ " + store.root() + "]";
    }

    private <T> T readJson(String dir, int attempt, String suffix, Class<T> type) {
        String path = attemptFile(dir, attempt, suffix);
        byte[] json = store.read(path).orElseThrow(() -> new TransientFailureException(
                "metadata " + where(path) + " was listed but has vanished; it is being rewritten: read the task again"));
        return MetadataJson.read(json, type, where(path));
    }

    private String where(String path) {
        return path + " in datastore " + store.root();
    }

    private String runPath(String runId) {
        return flowName + "/" + runId + "/" + RUN_FILE;
    }

    private String taskDir(TaskPath task) {
        if (task.runId().equals(DATA_DIR)) {
            throw new ConfigurationException("'" + DATA_DIR + "' cannot be a run id: it names the blob directory");
        }
        return flowName + "/" + task.runId() + "/" + task.step() + "/" + task.taskId();
    }

    private String attemptPath(TaskPath task, int attempt, String suffix) {
        if (attempt < 0) {
            throw new IllegalArgumentException("negative attempt " + attempt + " of " + flowName + "/" + task);
        }
        return attemptFile(taskDir(task), attempt, suffix);
    }

    /** An attempt's file in a task's directory: {@code <dir>/<attempt>.<suffix>}, e.g. {@code .../0.done.json}. */
    private static String attemptFile(String dir, int attempt, String suffix) {
        return dir + "/" + attempt + "." + suffix;
    }

    private static void checkName(String what, String value) {
        if (value == null || value.isEmpty() || value.contains("/") || value.equals(".") || value.equals("..")) {
            throw new ConfigurationException("invalid " + what + " '" + value + "': it must be a non-empty name"
                    + " without '/'");
        }
        if (what.equals("run id") && value.equals(DATA_DIR)) {
            throw new ConfigurationException("'" + DATA_DIR + "' cannot be a run id: it names the blob directory");
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || (s.length() > 1 && s.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
