package dev.baton.bench;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.testsupport.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 *       {@code open()} (parallel ranged GETs streaming in order). Raw: one {@code PutObject} / one streamed
 *       {@code GetObject}. Score: MiB/s ({@code ops/s} with one op per MiB).</li>
 *   <li>{@code put64KiB*}/{@code get64KiB*}: 1,000 objects of 64 KiB; {@code put1KiB*}/{@code get1KiB*}: 10,000
 *       objects of 1 KiB. Baton:
 *       put-if-absent ({@code writeIfAbsent}, the content store's small-blob path) and {@code read}, issued by
 *       {@code callers} threads over the store's bounded connection pool. Raw: one request at a time on one
 *       thread. Score: objects/s ({@code ops/s} with one op per object).</li>
 * </ul>
 *
 * Run: {@code java -jar bench/target/benchmarks.jar S3Benchmark -f 1 -wi 2 -i 3}
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
            store = Datastores.openObjectStore(new DatastoreConfig("s3", "s3://" + bucket + "/bench", settings));
            raw = s3.client();
        }

        @TearDown(Level.Trial)
        public void stop() {
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
        /** Threads issuing Baton's requests (-Dbaton.bench.callers; the store bounds connections on its own). */
        final int callers = Integer.getInteger("baton.bench.callers", 16);

        byte[][] data;
        ExecutorService pool;
        String source;

        abstract int size();

        abstract int count();

        @Setup(Level.Trial)
        public void create(Server server) throws Exception {
            SplittableRandom random = new SplittableRandom(size());
            data = new byte[count()][size()];
            for (byte[] d : data) {
                random.nextBytes(d);
            }
            pool = Executors.newFixedThreadPool(callers);
            source = "small-" + size() + "/source";
            run(i -> server.store.write(source + "/" + i, data[i]));
        }

        @TearDown(Level.Iteration)
        public void clean(Server server) {
            server.deleteAll("bench/small-" + size() + "/put");
        }

        @TearDown(Level.Trial)
        public void stop() {
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
                if (server.store.read(source + "/" + i).orElseThrow().length != size()) {
                    throw new IllegalStateException("short read of object " + i);
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
