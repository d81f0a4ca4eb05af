package dev.baton.bench;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.internal.DefaultContentStore;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.testsupport.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * S3 transfer throughput of Baton's S3 {@link ObjectStore} against an in-process S3Proxy on loopback (client and
 * server share the machine's cores, as in the reference measurements), next to a raw single-stream AWS SDK
 * client moving the same bytes to the same server.
 *
 * <ul>
 *   <li>{@code large*}: one 256 MiB object. Baton: staged write (spool file, parallel multipart upload) and
 *       {@code open()} (one GET whose connection, if it keeps up, streams the whole object; parallel ranged GETs
 *       otherwise). Raw: one {@code PutObject} / one streamed {@code GetObject}. Score: MiB/s ({@code ops/s}
 *       with one op per MiB).</li>
 *   <li>{@code put64KiB*}/{@code get64KiB*}: 1,000 objects of 64 KiB; {@code put1KiB*}/{@code get1KiB*}: 10,000
 *       objects of 1 KiB. Baton: put-if-absent ({@code writeIfAbsent}, the content store's small-blob path) and
 *       {@code open()} read to the end (as the content store reads a blob), issued by {@code callers} threads, as
 *       many as the content store's {@code putAll}/{@code getAll} use ({@link DefaultContentStore#defaultParallelism()},
 *       or {@code -Dbaton.bench.callers}). Raw: one request at a time on one thread. Score: objects/s
 *       ({@code ops/s} with one op per object).</li>
 * </ul>
 *
 * <p>Bodies: the raw client is the SDK's default, which over plain http signs every body (aws-chunked SHA-256
 * per chunk); Baton sends {@code UNSIGNED-PAYLOAD} with a CRC32 the server verifies, as the SDK itself does for
 * S3 over https (see the store's {@code s3.signPayloads}).
 *
 * <p>Warm-up: the small-object benchmarks first run {@code -Dbaton.bench.warmupRequests} (default 40,000) requests
 * of the kind they measure in their trial set-up, before JMH's own warm-up. One operation here is a whole set (1,000
 * or 10,000 requests, seconds of work), so a short time-based warm-up ({@code -w 3}) ends after one or two sets, and
 * the measured iterations then mostly timed the JIT compiling the SDK, Apache HttpClient, Jetty and S3Proxy (all in
 * this process): the process's CPU per 1 KiB put fell from ~1.4 ms in the first 10,000 requests to ~0.35 ms after
 * 40,000 (20,000 warm-up requests still left the 1 KiB iterations climbing). {@code -Dbaton.bench.warmupRequests=0}
 * measures a cold JVM as before.
 *
 * <p>Store settings can be tried without rebuilding: {@code -Dbaton.bench.s3.partSizeMiB=16} sets
 * {@code s3.partSizeMiB}. The client/server CPU split: {@code -prof 'dev.baton.bench.S3Benchmark$CpuSplit'}.
 *
 * Run: {@code java -jar bench/target/benchmarks.jar S3Benchmark -f 1 -wi 1 -w 3 -i 3 -r 4}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class S3Benchmark {
    static final int LARGE_MIB = 256;

    /** The server, a bucket, Baton's store on it and a raw SDK client. */
    @State(Scope.Benchmark)
    public static class Server {
        S3ProxyServer s3;
        String bucket;
        ObjectStore store;
        S3Client raw;
        final AtomicLong names = new AtomicLong();

        @Setup(Level.Trial)
        public void start() {
            s3 = S3ProxyServer.startInMemory();
            bucket = s3.createBucket();
            Map<String, String> settings = new HashMap<>(s3.datastoreSettings());
            // -Dbaton.bench.s3.<setting>=<value> tries a store setting (s3.<setting>) without rebuilding
            System.getProperties().stringPropertyNames().stream()
                    .filter(p -> p.startsWith("baton.bench.s3."))
                    .forEach(p -> settings.put(p.substring("baton.bench.".length()), System.getProperty(p)));
            store = Datastores.openObjectStore(new DatastoreConfig("s3", "s3://" + bucket + "/bench", settings));
            raw = s3.client();
        }

        @TearDown(Level.Trial)
        public void stop() {
            CpuSplit.beforeThreadsEnd();
            store.close();
            s3.close();
        }

        String fresh(String dir) {
            return dir + "/" + names.incrementAndGet();
        }

        /** Deletes objects (outside measurement) so the in-memory server's heap stays bounded. */
        void deleteAll(String keyPrefix) {
            for (var page : raw.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix))) {
                if (page.contents().isEmpty()) {
                    continue;
                }
                List<ObjectIdentifier> ids = page.contents().stream()
                        .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
                raw.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
            }
        }
    }

    /** One 256 MiB random payload, uploaded once for the GET benchmarks. */
    @State(Scope.Benchmark)
    public static class Large {
        byte[] data;

        @Setup(Level.Trial)
        public void create(Server server) {
            data = new byte[LARGE_MIB << 20];
            new SplittableRandom(256).nextBytes(data);
            server.raw.putObject(b -> b.bucket(server.bucket).key("bench/large/source"), RequestBody.fromBytes(data));
        }

        @TearDown(Level.Invocation)
        public void clean(Server server) {
            server.deleteAll("bench/large/put");
        }
    }

    /** {@code count()} random payloads of {@code size()} bytes, uploaded once for the GET benchmarks. */
    public abstract static class SmallSet {
        /** Threads issuing Baton's requests: as many as the content store's putAll/getAll use. */
        final int callers = Integer.getInteger("baton.bench.callers", DefaultContentStore.defaultParallelism());
        /** Requests of the measured kind made in the trial set-up, before JMH's warm-up (see the class comment). */
        final int warmupRequests = Integer.getInteger("baton.bench.warmupRequests", 40_000);

        byte[][] data;
        ExecutorService pool;
        String source;

        abstract int size();

        abstract int count();

        @Setup(Level.Trial)
        public void create(Server server, BenchmarkParams params) throws Exception {
            SplittableRandom random = new SplittableRandom(size());
            data = new byte[count()][size()];
            for (byte[] d : data) {
                random.nextBytes(d);
            }
            pool = Executors.newFixedThreadPool(callers);
            source = "small-" + size() + "/source";
            run(i -> server.store.write(source + "/" + i, data[i]));
            warmUp(server, params.getBenchmark());
        }

        /** Runs whole sets of the benchmark's own operation until {@code warmupRequests} requests were made. */
        private void warmUp(Server server, String benchmark) throws Exception {
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            boolean baton = method.endsWith("Baton");
            for (int done = 0; done < warmupRequests; done += count()) {
                if (method.startsWith("put")) {
                    if (baton) {
                        putBaton(server);
                    } else {
                        putRaw(server);
                    }
                    clean(server);
                } else if (baton) {
                    getBaton(server);
                } else {
                    getRaw(server);
                }
            }
        }

        @TearDown(Level.Iteration)
        public void clean(Server server) {
            server.deleteAll("bench/small-" + size() + "/put");
        }

        @TearDown(Level.Trial)
        public void stop() {
            CpuSplit.beforeThreadsEnd();
            pool.shutdownNow();
        }

        interface Task {
            void run(int i) throws Exception;
        }

        /** Runs {@code task} for every object on the caller pool and waits for all. */
        void run(Task task) throws Exception {
            List<Future<?>> futures = new ArrayList<>(count());
            for (int i = 0; i < count(); i++) {
                int id = i;
                futures.add(pool.submit(() -> {
                    task.run(id);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }

        void putBaton(Server server) throws Exception {
            String dir = server.fresh("small-" + size() + "/put");
            run(i -> server.store.writeIfAbsent(dir + "/" + i, data[i]));
        }

        void putRaw(Server server) {
            String dir = "bench/" + server.fresh("small-" + size() + "/put");
            for (int i = 0; i < count(); i++) {
                String key = dir + "/" + i;
                server.raw.putObject(b -> b.bucket(server.bucket).key(key), RequestBody.fromBytes(data[i]));
            }
        }

        void getBaton(Server server) throws Exception {
            run(i -> {
                // as the content store reads a blob: open() and stream it
                try (InputStream in = server.store.open(source + "/" + i)) {
                    if (in.readAllBytes().length != size()) {
                        throw new IllegalStateException("short read of object " + i);
                    }
                }
            });
        }

        long getRaw(Server server) {
            long total = 0;
            for (int i = 0; i < count(); i++) {
                String key = "bench/" + source + "/" + i;
                total += server.raw.getObjectAsBytes(b -> b.bucket(server.bucket).key(key)).asByteArray().length;
            }
            return total;
        }
    }

    /** 1,000 objects of 64 KiB. */
    @State(Scope.Benchmark)
    public static class Kib64 extends SmallSet {
        @Override
        int size() {
            return 64 << 10;
        }

        @Override
        int count() {
            return 1_000;
        }
    }

    /** 10,000 objects of 1 KiB. */
    @State(Scope.Benchmark)
    public static class Kib1 extends SmallSet {
        @Override
        int size() {
            return 1 << 10;
        }

        @Override
        int count() {
            return 10_000;
        }
    }

    /**
     * Splits the process's CPU time per operation between the in-process server and the client, so that a figure
     * can be read against the machine's cores: {@code ·server.ms/op} is the CPU of S3Proxy's Jetty threads,
     * {@code ·client.ms/op} that of every other live Java thread (Baton's or the raw SDK's callers and transfer
     * pools, the benchmark thread), and {@code ·cpu.ms/op} the whole process (the difference is GC, JIT and threads
     * that ended during the iteration). Use with {@code -prof 'dev.baton.bench.S3Benchmark$CpuSplit'}.
     */
    public static final class CpuSplit implements InternalProfiler {
        private static final String SERVER_THREADS = "S3Proxy";
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        /**
         * Thread CPU times taken just before the trial's tear-down stops the server and the pools: JMH runs it
         * before the last iteration's {@link #afterIteration}, when those threads are gone.
         */
        private static final Map<Long, Long> LAST_SEEN = new ConcurrentHashMap<>();
        private static final Map<Long, String> LAST_SEEN_NAMES = new ConcurrentHashMap<>();
        private long processStart;
        private Map<Long, Long> threadStart = Map.of();

        /** Records every live thread's CPU time; the trial tear-downs call it before stopping threads. */
        static void beforeThreadsEnd() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (info != null) {
                    long t = mx.getThreadCpuTime(info.getThreadId());
                    if (t >= 0) {
                        LAST_SEEN.put(info.getThreadId(), t);
                        LAST_SEEN_NAMES.put(info.getThreadId(), info.getThreadName());
                    }
                }
            }
        }

        @Override
        public String getDescription() {
            return "process CPU per operation, split between the in-process S3 server's threads and the client's";
        }

        @Override
        public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
            LAST_SEEN.clear();
            LAST_SEEN_NAMES.clear();
            threadStart = threadTimes();
            processStart = os.getProcessCpuTime();
        }

        @Override
        public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                IterationParams iterationParams, IterationResult result) {
            long process = os.getProcessCpuTime() - processStart;
            Map<Long, Long> now = new HashMap<>(LAST_SEEN);
            Map<Long, String> names = new HashMap<>(LAST_SEEN_NAMES);
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                long t = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    now.merge(info.getThreadId(), t, Math::max);
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
            long server = 0;
            long client = 0;
            for (Map.Entry<Long, Long> e : now.entrySet()) {
                long delta = e.getValue() - threadStart.getOrDefault(e.getKey(), 0L);
                if (names.get(e.getKey()).startsWith(SERVER_THREADS)) {
                    server += delta;
                } else {
                    client += delta;
                }
            }
            double ops = Math.max(1, result.getMetadata().getAllOps());
            return List.of(
                    new ScalarResult("cpu.ms/op", process / 1e6 / ops, "ms/op", AggregationPolicy.AVG),
                    new ScalarResult("server.ms/op", server / 1e6 / ops, "ms/op", AggregationPolicy.AVG),
                    new ScalarResult("client.ms/op", client / 1e6 / ops, "ms/op", AggregationPolicy.AVG));
        }

        private Map<Long, Long> threadTimes() {
            Map<Long, Long> times = new HashMap<>();
            for (long id : threads.getAllThreadIds()) {
                long t = threads.getThreadCpuTime(id);
                if (t >= 0) {
                    times.put(id, t);
                }
            }
            return times;
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
        }
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_MIB)
    public boolean largePutBaton(Server server, Large large) throws IOException {
        try (ObjectStore.Staged staged = server.store.stage()) {
            OutputStream out = staged.out();
            for (int off = 0; off < large.data.length; off += 1 << 20) {
                out.write(large.data, off, 1 << 20); // as a codec writes: in pieces
            }
            return staged.commitIfAbsent(server.fresh("large/put"));
        }
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_MIB)
    public Object largePutRawSdk(Server server, Large large) {
        String key = "bench/" + server.fresh("large/put");
        return server.raw.putObject(b -> b.bucket(server.bucket).key(key), RequestBody.fromBytes(large.data));
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_MIB)
    public long largeGetBaton(Server server, Large large) throws IOException {
        try (InputStream in = server.store.open("large/source")) {
            return drain(in);
        }
    }

    @Benchmark
    @OperationsPerInvocation(LARGE_MIB)
    public long largeGetRawSdk(Server server, Large large) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in =
                server.raw.getObject(b -> b.bucket(server.bucket).key("bench/large/source"))) {
            return drain(in);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public void put64KiBBaton(Server server, Kib64 set) throws Exception {
        set.putBaton(server);
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public void put64KiBRawSdk(Server server, Kib64 set) {
        set.putRaw(server);
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public void get64KiBBaton(Server server, Kib64 set) throws Exception {
        set.getBaton(server);
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public long get64KiBRawSdk(Server server, Kib64 set) {
        return set.getRaw(server);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public void put1KiBBaton(Server server, Kib1 set) throws Exception {
        set.putBaton(server);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public void put1KiBRawSdk(Server server, Kib1 set) {
        set.putRaw(server);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public void get1KiBBaton(Server server, Kib1 set) throws Exception {
        set.getBaton(server);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public long get1KiBRawSdk(Server server, Kib1 set) {
        return set.getRaw(server);
    }
}
