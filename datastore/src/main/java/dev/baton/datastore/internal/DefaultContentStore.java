package dev.baton.datastore.internal;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.ContentStore;
import dev.baton.datastore.MissingBlobException;
import dev.baton.datastore.spi.ObjectNotFoundException;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.BatonException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.CorruptBlobException;
import dev.baton.serialization.EncodedBlob;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The content-addressed blob store of one flow over any {@link ObjectStore}: a blob lives at
 * {@code <Flow>/data/<key[0:2]>/<key>}.
 *
 * <p>{@link #put} encodes into memory up to {@linkplain #DEFAULT_INLINE_LIMIT a limit} and beyond it into a
 * {@linkplain ObjectStore#stage() staged object} (the key is known only once encoding ends), then publishes it
 * with put-if-absent semantics: an existing blob is never rewritten, and concurrent writers of one value store it
 * once. {@link #putAll} and {@link #getAll} run on a bounded pool of daemon threads created on first use and
 * stopped by {@link #close()}.
 *
 * <p>A blob this instance has read or written is known to exist (blobs are never rewritten or deleted while a task
 * runs), so storing the same value again costs no request: a step that reads an artifact without changing it
 * re-encodes it to learn that its key is unchanged, and on S3 the write of that key was one more round trip (a
 * conditional PUT answered 412) per such artifact and task.
 */
public final class DefaultContentStore implements ContentStore, AutoCloseable {

    /** Encoded blobs up to this size are buffered in memory and written in one call. */
    public static final int DEFAULT_INLINE_LIMIT = 1 << 20;

    private static final int READ_BUFFER = 8 << 10;

    private final ObjectStore store;
    private final String flowName;
    private final ArtifactCodec codec;
    private final int parallelism;
    private final int inlineLimit;
    /**
     * How many keys {@link #present} holds at most (~10 MiB): a long local run with thread isolation shares one store
     * across all its tasks, and a cache must not grow with the run. Past it the set starts again, which costs a
     * request per value seen again, never correctness (the write is put-if-absent anyway).
     */
    static final int DEFAULT_KNOWN_KEYS = 1 << 16;

    /** Keys of blobs known to be in {@link #store}: read or written through this instance. */
    private final Set<String> present = ConcurrentHashMap.newKeySet();
    private final int knownKeys;
    private final Object poolLock = new Object();
    private ExecutorService pool;
    private boolean closed;

    /**
     * @param store where blobs go (not closed by this store)
     * @param flowName the flow whose {@code data/} directory this is
     * @param codec encodes and verifies values
     * @param parallelism threads for {@link #putAll} and {@link #getAll}
     */
    public DefaultContentStore(ObjectStore store, String flowName, ArtifactCodec codec, int parallelism) {
        this(store, flowName, codec, parallelism, DEFAULT_INLINE_LIMIT);
    }

    DefaultContentStore(ObjectStore store, String flowName, ArtifactCodec codec, int parallelism, int inlineLimit) {
        this(store, flowName, codec, parallelism, inlineLimit, DEFAULT_KNOWN_KEYS);
    }

    DefaultContentStore(ObjectStore store, String flowName, ArtifactCodec codec, int parallelism, int inlineLimit,
            int knownKeys) {
        if (parallelism < 1) {
            throw new ConfigurationException("datastore parallelism must be at least 1, not " + parallelism);
        }
        this.store = store;
        this.flowName = flowName;
        this.codec = codec;
        this.parallelism = parallelism;
        this.inlineLimit = inlineLimit;
        this.knownKeys = knownKeys;
    }

    private void remember(String key) {
        if (present.size() >= knownKeys) {
            present.clear(); // bounded; see DEFAULT_KNOWN_KEYS
        }
        present.add(key);
    }

    /** The default parallelism of {@link #putAll}/{@link #getAll}: {@code min(8, 2 * cores)}. */
    public static int defaultParallelism() {
        return Math.min(8, 2 * Runtime.getRuntime().availableProcessors());
    }

    @Override
    public ArtifactRef put(String artifact, Object value) {
        SpillingOutputStream out = new SpillingOutputStream(store, inlineLimit);
        try {
            EncodedBlob blob = codec.encode(artifact, value, out);
            String path = pathOf(blob.key(), "artifact '" + artifact + "'");
            if (!present.contains(blob.key())) {
                if (out.spilled()) {
                    out.staged().commitIfAbsent(path);
                } else {
                    store.writeIfAbsent(path, out.bytes());
                }
                remember(blob.key());
            }
            return new ArtifactRef(blob.key(), blob.type(), blob.serializedSize());
        } finally {
            out.discard();
        }
    }

    @Override
    public Map<String, ArtifactRef> putAll(Map<String, ?> values) {
        List<String> names = new ArrayList<>(values.keySet());
        List<Supplier<ArtifactRef>> work = new ArrayList<>(names.size());
        for (String name : names) {
            Object value = values.get(name);
            work.add(() -> put(name, value));
        }
        return zip(names, runAll(work));
    }

    @Override
    public Object get(String context, String key) {
        String path = pathOf(key, context);
        InputStream in;
        try {
            in = store.open(path);
        } catch (ObjectNotFoundException e) {
            throw new MissingBlobException(context + ": no blob with key " + key + " in the datastore "
                    + store.root() + " (expected at " + path + "); the blob was deleted or the metadata was copied"
                    + " without its data: re-run the task that produced it");
        }
        // the frame is read in small pieces (header, chunk lengths, trailer): a buffer turns a small blob into one
        // read call, and large reads go straight through it
        try (InputStream buffered = new BufferedInputStream(in, READ_BUFFER)) {
            Object value = codec.decode(context, key, buffered);
            remember(key);
            return value;
        } catch (CorruptBlobException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains(context) && message.contains(key)) {
                throw e;
            }
            // the codec saw only the stream: make sure the reader learns which artifact, task and blob it was
            throw new CorruptBlobException(context + ": blob " + key + " at " + store.root() + "/" + path
                    + " is damaged (" + message + "); re-run the task that produced it", e);
        } catch (IOException e) {
            throw new TransientFailureException(context + ": could not close blob " + key + " in " + store.root()
                    + ": " + e, e);
        }
    }

    @Override
    public Map<String, Object> getAll(String owner, Map<String, String> keys) {
        List<String> names = new ArrayList<>(keys.keySet());
        List<Supplier<Object>> work = new ArrayList<>(names.size());
        for (String name : names) {
            String key = keys.get(name);
            work.add(() -> get(ContentStore.artifactContext(name, owner), key));
        }
        return zip(names, runAll(work));
    }

    @Override
    public boolean exists(String key) {
        return store.exists(pathOf(key, "blob lookup"));
    }

    @Override
    public Stream<String> keys() {
        String data = flowName + "/data";
        return store.list(data).stream()
                .flatMap(shard -> store.list(data + "/" + shard).stream())
                .filter(DefaultContentStore::isKey);
    }

    @Override
    public ArtifactCodec codec() {
        return codec;
    }

    /** The object path of a blob, {@code <Flow>/data/<key[0:2]>/<key>}. */
    public String pathOf(String key) {
        return pathOf(key, "blob");
    }

    /** Stops the worker threads; calls in flight finish first. */
    @Override
    public void close() {
        synchronized (poolLock) {
            closed = true;
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    private String pathOf(String key, String context) {
        if (!isKey(key)) {
            throw new MissingBlobException(context + ": '" + key + "' is not a content key (64 lowercase hex digits)"
                    + " of flow " + flowName + "; the metadata naming it is damaged");
        }
        return flowName + "/data/" + key.substring(0, 2) + "/" + key;
    }

    /** A content key: 64 lowercase hex digits (checked by hand: this runs once per blob). */
    static boolean isKey(String key) {
        if (key == null || key.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = key.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static <T> Map<String, T> zip(List<String> names, List<T> values) {
        Map<String, T> result = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            result.put(names.get(i), values.get(i));
        }
        return result;
    }

    /**
     * Runs the work on the pool (inline when there is only one item or one thread) and returns results in order.
     * Each of at most {@code parallelism} workers takes the next item from a shared index, so a batch of 10,000
     * small values costs a handful of hand-offs rather than one per value. The first failure stops the batch.
     */
    private <T> List<T> runAll(List<Supplier<T>> work) {
        int size = work.size();
        List<T> results = new ArrayList<>(size);
        if (size <= 1 || parallelism == 1) {
            for (Supplier<T> item : work) {
                results.add(item.get());
            }
            return results;
        }
        Object[] values = new Object[size];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // counts items, not workers: every index is taken exactly once, so the batch is over when all are counted,
        // whichever threads took them (a helper that never got to start is simply not needed)
        CountDownLatch done = new CountDownLatch(size);
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < size; i = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        values[i] = work.get(i).get();
                    }
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        };
        ExecutorService executor = pool();
        int helpers = Math.min(parallelism, size) - 1;
        for (int i = 0; i < helpers; i++) {
            executor.execute(worker);
        }
        // the calling thread works too: it would only wait otherwise, and on a busy pool (a nested call) it then
        // finishes the batch alone
        worker.run();
        try {
            done.await();
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            Thread.currentThread().interrupt();
        }
        Throwable first = failure.get();
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
        if (first instanceof InterruptedException) {
            throw new TransientFailureException("interrupted while moving blobs of flow " + flowName, first);
        }
        if (first != null) {
            throw new BatonException("datastore worker failed: " + first, first);
        }
        for (Object value : values) {
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            results.add(typed);
        }
        return results;
    }

    private ExecutorService pool() {
        synchronized (poolLock) {
            if (closed) {
                throw new IllegalStateException("the content store of flow " + flowName + " is closed");
            }
            if (pool == null) {
                AtomicInteger counter = new AtomicInteger();
                pool = Executors.newFixedThreadPool(parallelism, runnable -> {
                    Thread thread = new Thread(runnable, "baton-blobs-" + flowName + "-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
            }
            return pool;
        }
    }
}
