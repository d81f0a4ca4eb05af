package dev.baton.client.internal;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.BatonException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What every handle of one client shares: the datastore configuration, the class loader values are decoded
 * with, the flow datastores opened so far and a small pool for reading many tasks' metadata at once. Thread-safe.
 */
public final class ClientSession implements AutoCloseable {
    /** Metadata reads are latency-bound (S3 round trips), not CPU-bound: more threads than cores pay off. */
    private static final int READ_PARALLELISM = 16;

    private final DatastoreConfig config;
    private final ClassLoader classLoader;
    private final Map<String, FlowDatastore> datastores = new ConcurrentHashMap<>();
    private final Object poolLock = new Object();
    private ExecutorService pool;
    private volatile boolean closed;

    public ClientSession(DatastoreConfig config, ClassLoader classLoader) {
        this.config = config;
        this.classLoader = classLoader;
    }

    public DatastoreConfig config() {
        return config;
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    /** The datastore of {@code flowName}, opened once per session. */
    public FlowDatastore datastore(String flowName) {
        if (closed) {
            throw new IllegalStateException("this Baton client is closed; create a new one with Baton.client(...)");
        }
        return datastores.computeIfAbsent(flowName, name -> Datastores.open(config, name, classLoader));
    }

    /**
     * The names of the flows under the root, sorted: the top-level entries that hold more than their
     * {@code data/} blobs (a run). Names starting with {@code .} or {@code _} are Baton's own bookkeeping
     * (temporary files, the local foreach coordinator) and never flows. One listing per flow, so that it stays
     * cheap on S3, where checking each run's {@code _run.json} would be one request per run.
     */
    public List<String> flowNames() {
        if ("local".equals(config.kind()) && !Files.isDirectory(Path.of(config.root()))) {
            return List.of(); // nothing has run here yet; opening the store would create the directory
        }
        try (ObjectStore store = Datastores.openObjectStore(config)) {
            List<String> flows = new ArrayList<>();
            for (String entry : store.list("")) {
                String name = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
                if (name.isEmpty() || name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                boolean hasRun = store.list(name + "/").stream()
                        .anyMatch(child -> !child.equals("data") && !child.equals("data/"));
                if (hasRun) {
                    flows.add(name);
                }
            }
            flows.sort(null);
            return flows;
        }
    }

    /**
     * Applies {@code reader} to every element with bounded parallelism, keeping the order. A {@link
     * BatonException} thrown by a reader is rethrown as is.
     */
    public <T, R> List<R> readAll(List<T> items, Function<? super T, ? extends R> reader) {
        if (items.size() <= 1) {
            return items.stream().<R>map(reader).toList();
        }
        ExecutorService executor = pool();
        List<Future<? extends R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(executor.submit(() -> reader.apply(item)));
        }
        List<R> results = new ArrayList<>(items.size());
        try {
            for (Future<? extends R> future : futures) {
                results.add(future.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new BatonException("interrupted while reading task metadata", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new BatonException("reading task metadata failed: " + cause, cause);
        }
        return results;
    }

    private ExecutorService pool() {
        synchronized (poolLock) {
            if (pool == null) {
                AtomicInteger counter = new AtomicInteger();
                pool = Executors.newFixedThreadPool(READ_PARALLELISM, runnable -> {
                    Thread thread = new Thread(runnable, "baton-client-read-" + counter.incrementAndGet());
                    thread.setDaemon(true); // never keeps a JVM alive for a client the caller forgot to close
                    return thread;
                });
            }
            return pool;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (poolLock) {
            if (pool != null) {
                pool.shutdownNow();
                pool = null;
            }
        }
        BatonException failure = null;
        for (FlowDatastore datastore : datastores.values()) {
            try {
                datastore.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new BatonException("closing the datastore of flow " + datastore.flowName()
                            + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        datastores.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
