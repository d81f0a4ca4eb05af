package dev.baton.bench;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.ContentStore;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Datastore save/load on the local filesystem, end to end through {@link Datastores#open} (codec + content
 * store + {@code LocalObjectStore}) in a fresh temporary directory.
 *
 * <ul>
 *   <li>{@code saveLarge}/{@code loadLarge}: one 256 MiB random {@code byte[]} (incompressible: the cost is
 *       hashing, framing and file I/O). Each save stores a new value (its first bytes carry a counter), so that
 *       dedupe never turns a save into a no-op.</li>
 *   <li>{@code saveSmall}/{@code loadSmall}: 10,000 artifacts of 100-character strings, saved with
 *       {@link ContentStore#putAll} and loaded with {@link ContentStore#getAll} (both on the bounded pool). Every
 *       iteration saves 10,000 values never stored before.</li>
 * </ul>
 *
 * Single-shot time per operation, as the targets are wall-clock seconds per save or load. Loads read
 * files written moments before, so they come from the page cache, as in a local run.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
// jvmArgs, not jvmArgsAppend: a -jvmArgs on the command line (e.g. "-Xms3g -Xmx3g") must replace the heap
// size, where an appended one would silently override it
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
public class DatastoreBenchmark {

    /** The size of the large value. */
    public static final int LARGE_BYTES = 256 << 20;
    /** The number of small artifacts. */
    public static final int SMALL_COUNT = 10_000;
    /** The length of each small artifact's string. */
    public static final int SMALL_CHARS = 100;

    /** A datastore in a fresh temporary directory, deleted at the end of the trial. */
    @State(Scope.Benchmark)
    public static class Store {
        Path root;
        FlowDatastore datastore;

        @Setup(Level.Trial)
        public void open() throws IOException {
            root = Files.createTempDirectory("baton-bench-datastore");
            datastore = Datastores.open(DatastoreConfig.local(root.toString()), "BenchFlow",
                    DatastoreBenchmark.class.getClassLoader());
        }

        @TearDown(Level.Trial)
        public void close() {
            datastore.close();
            removeLater(root);
        }
    }

    /** The 256 MiB random value; a fresh variant for every save, one stored copy for the loads. */
    @State(Scope.Benchmark)
    public static class Large {
        byte[] value;
        String storedKey;
        long counter;

        @Setup(Level.Trial)
        public void create(Store store) {
            value = new byte[LARGE_BYTES];
            new SplittableRandom(42).nextBytes(value);
            storedKey = store.datastore.blobs().put("large", value).key();
        }

        @Setup(Level.Invocation)
        public void vary() {
            // a new value per save: otherwise every save after the first would only find its blob present
            ByteBuffer.wrap(value).putLong(0, ++counter);
        }
    }

    /** 10,000 small values never stored before (per iteration), and 10,000 stored ones for the loads. */
    @State(Scope.Benchmark)
    public static class Small {
        Map<String, Object> fresh;
        Map<String, String> storedKeys;
        int iteration;

        @Setup(Level.Trial)
        public void store(Store store) {
            Map<String, ArtifactRef> refs = store.datastore.blobs().putAll(values("stored"));
            storedKeys = new LinkedHashMap<>();
            refs.forEach((name, ref) -> storedKeys.put(name, ref.key()));
        }

        @Setup(Level.Iteration)
        public void freshValues() {
            fresh = values("iteration-" + ++iteration);
        }

        private static Map<String, Object> values(String salt) {
            SplittableRandom random = new SplittableRandom(salt.hashCode());
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < SMALL_COUNT; i++) {
                StringBuilder s = new StringBuilder(SMALL_CHARS).append(salt).append('-').append(i).append('-');
                while (s.length() < SMALL_CHARS) {
                    s.append((char) ('a' + random.nextInt(26)));
                }
                values.put("artifact" + i, s.toString());
            }
            return values;
        }
    }

    @Benchmark
    public ArtifactRef saveLarge(Store store, Large large) {
        return store.datastore.blobs().put("large", large.value);
    }

    @Benchmark
    public Object loadLarge(Store store, Large large) {
        return store.datastore.blobs().get("artifact 'large' of the benchmark", large.storedKey);
    }

    @Benchmark
    public Map<String, ArtifactRef> saveSmall(Store store, Small small) {
        return store.datastore.blobs().putAll(small.fresh);
    }

    @Benchmark
    public Map<String, Object> loadSmall(Store store, Small small) {
        return store.datastore.blobs().getAll("the benchmark", small.storedKeys);
    }

    /**
     * Deletes the trial's directory (up to ~100,000 files) in a separate {@code rm} process: JMH runs trial teardown
     * inside the last measured iteration's profiling window, where in-process deletion would count as CPU time of
     * the benchmark. Falls back to deleting here when there is no {@code rm}.
     */
    static void removeLater(Path root) {
        try {
            new ProcessBuilder("rm", "-rf", root.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            deleteTree(root);
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
