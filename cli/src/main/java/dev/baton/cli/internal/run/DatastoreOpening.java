package dev.baton.cli.internal.run;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.StartupWarmup;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The object store of a session's datastore, opened on a background thread while the main thread loads the flow
 * class and its graph.
 *
 * <p>Why: opening an S3 store builds the SDK client (class loading, endpoint rules, the HTTP client's TLS set-up)
 * and checks the bucket with a first request: the largest single piece of a container task's start-up, and
 * independent of the flow. The 2 vCPUs of a default Batch job leave a core idle while the main thread loads the
 * flow, so the two overlap. The same store serves a code package that this host has not cached yet, so a cold
 * task builds one client, not two.
 *
 * <p>A local store is cheap to open: it opens on first {@link #get()}, on the caller's thread. Errors keep their
 * order: an invalid datastore option is reported when the store is first asked for (after the flow's own
 * errors), and a failure to open is rethrown, unchanged, by {@link #get()}.
 *
 * <p>A task's S3 store opens without checking the bucket ({@code s3.checkBucket=false}): whoever launched the task
 * ({@code run}, {@code step-functions create}, a Batch job definition) had a store of its own on that bucket, so the
 * {@code HeadBucket} request would only repeat that check on every task. A missing bucket still fails the task, with
 * the same configuration error naming the bucket (exit 2), at its first request.
 */
final class DatastoreOpening implements Supplier<ObjectStore> {
    /** The S3 store's setting that turns the bucket check at open off. */
    static final String CHECK_BUCKET = "s3.checkBucket";

    private final GlobalOptions global;
    private final boolean task;
    private final CompletableFuture<ObjectStore> opened = new CompletableFuture<>();
    private DatastoreConfig config;
    private boolean started;

    private DatastoreOpening(GlobalOptions global, boolean task) {
        this.global = global;
        this.task = task;
    }

    /**
     * Starts opening the store of {@code global}'s datastore when it is worth a thread (not local).
     *
     * @param task whether the store is a task's ({@code baton step}): it skips the bucket check (see above)
     */
    static DatastoreOpening start(GlobalOptions global, boolean task) {
        DatastoreOpening opening = new DatastoreOpening(global, task);
        DatastoreConfig config;
        try {
            config = configure(global.datastoreConfig(), task);
        } catch (RuntimeException invalid) {
            return opening; // reported by config(), in its usual place
        }
        if (!config.kind().equals("local") && StartupWarmup.enabled(System.getenv())) {
            opening.config = config;
            opening.started = true;
            Thread thread = new Thread(() -> {
                try {
                    opening.opened.complete(Datastores.openObjectStore(config));
                } catch (Throwable e) {
                    opening.opened.completeExceptionally(e);
                }
            }, "baton-open-datastore");
            thread.setDaemon(true); // a store still opening never keeps a failed task's process alive
            thread.start();
        }
        return opening;
    }

    /** The datastore configuration the store is opened from. */
    synchronized DatastoreConfig config() {
        if (config == null) {
            config = configure(global.datastoreConfig(), task);
        }
        return config;
    }

    /** The configuration a store is opened with: a task's S3 store skips the bucket check (see above). */
    static DatastoreConfig configure(DatastoreConfig config, boolean task) {
        if (!task || !config.kind().equals("s3") || config.settings().containsKey(CHECK_BUCKET)) {
            return config;
        }
        Map<String, String> settings = new LinkedHashMap<>(config.settings());
        settings.put(CHECK_BUCKET, "false");
        return new DatastoreConfig(config.kind(), config.root(), settings);
    }

    /** The open store: waits for the background opening, or opens it here; rethrows what opening threw. */
    @Override
    public ObjectStore get() {
        synchronized (this) {
            if (!started) {
                started = true;
                try {
                    opened.complete(Datastores.openObjectStore(config()));
                } catch (RuntimeException | Error e) {
                    opened.completeExceptionally(e);
                }
            }
        }
        try {
            return opened.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * For a session that failed before a datastore took the store over: closes the store once it is open (now,
     * or when the background opening finishes).
     */
    void abandon() {
        opened.thenAccept(ObjectStore::close);
    }
}
