package dev.baton.bench;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The first load of one 256 MiB random {@code byte[]} in a fresh JVM: what one task does with a large parent
 * artifact. Every fork measures exactly one load, in a JVM that has not run the codec before (the blob is written
 * by a separate process, so neither the JIT, nor the heap, nor the codec's pools are warm), started with the task
 * JVM's flags and no heap size (a task's JVM sets none). The blob is read from the page cache, as in a local run
 * where the parent task wrote it moments before.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar DatastoreFirstLoadBenchmark -prof dev.baton.bench.ProcessCpuProfiler
 * java -jar bench/target/benchmarks.jar DatastoreFirstLoadBenchmark -jvmArgs -XX:+UseG1GC   # under G1
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 5, jvmArgs = {"-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:Tier4InvocationThreshold=50000",
        "-XX:Tier4MinInvocationThreshold=50000", "-XX:Tier4CompileThreshold=150000",
        "-XX:Tier4BackEdgeThreshold=400000", "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.001",
        "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.001"})
@State(Scope.Benchmark)
public class DatastoreFirstLoadBenchmark {
    private static final String FLOW = "BenchFlow";

    Path root;
    FlowDatastore datastore;
    String key;

    /** Writes the blob in a child JVM, then opens the datastore (as a task does before loading anything). */
    @Setup(Level.Trial)
    public void writeElsewhere() throws IOException, InterruptedException {
        root = Files.createTempDirectory("baton-bench-first-load");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process writer = new ProcessBuilder(List.of(java.toString(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), DatastoreFirstLoadBenchmark.class.getName(), root.toString()))
                .redirectErrorStream(true).start();
        String output = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (writer.waitFor() != 0) {
            throw new IllegalStateException("the blob writer failed: " + output);
        }
        key = Files.readString(root.resolve("key")).trim();
        datastore = Datastores.open(DatastoreConfig.local(root.toString()), FLOW,
                DatastoreFirstLoadBenchmark.class.getClassLoader());
    }

    @TearDown(Level.Trial)
    public void close() {
        datastore.close();
        DatastoreBenchmark.removeLater(root);
    }

    @Benchmark
    public Object firstLoadLarge() {
        return datastore.blobs().get("artifact 'large' of the benchmark", key);
    }

    /** The child process: stores the 256 MiB value under {@code args[0]} and writes its key to {@code key}. */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        byte[] value = new byte[DatastoreBenchmark.LARGE_BYTES];
        new SplittableRandom(42).nextBytes(value);
        try (FlowDatastore datastore = Datastores.open(DatastoreConfig.local(root.toString()), FLOW,
                DatastoreFirstLoadBenchmark.class.getClassLoader())) {
            Files.writeString(root.resolve("key"), datastore.blobs().put("large", value).key());
        }
    }
}
