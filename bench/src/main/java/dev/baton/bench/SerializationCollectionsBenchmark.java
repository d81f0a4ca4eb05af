package dev.baton.bench;

import dev.baton.bench.SerializationCodecs.BenchCodec;
import dev.baton.bench.SerializationCodecs.CountingSink;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode of object graphs, in memory:
 *
 * <ul>
 *   <li>{@code records}: an {@code ArrayList} of 1,000,000 small records {@code (long id, double value, int
 *       bucket, String tag)}, the tags drawn from 16 shared strings;</li>
 *   <li>{@code map}: a {@code HashMap<String, List<Integer>>} of 100,000 entries, each list 5 integers.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
// jvmArgs, not jvmArgsAppend: a -jvmArgs on the command line (e.g. "-Xms3g -Xmx3g") must replace the heap
// size, where an appended one would silently override it
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class SerializationCollectionsBenchmark {
    /** A small record, as a flow would keep a million of. */
    public record Sample(long id, double value, int bucket, String tag) implements Serializable {}

    @Param({"records", "map"})
    public String data;

    @Param({"zstd1", "zstd-1", "zstd3", "none", "java"})
    public String codec;

    private Object value;
    private byte[] blob;
    private BenchCodec bench;

    @Setup
    public void setup() {
        value = data.equals("records") ? records() : map();
        bench = SerializationCodecs.named(codec);
        blob = SerializationCodecs.blob(bench, value);
    }

    static List<Sample> records() {
        SplittableRandom random = new SplittableRandom(2);
        String[] tags = new String[16];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = "tag-" + i;
        }
        List<Sample> samples = new ArrayList<>(1_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            samples.add(new Sample(i, random.nextDouble(), random.nextInt(100), tags[random.nextInt(tags.length)]));
        }
        return samples;
    }

    static Map<String, List<Integer>> map() {
        SplittableRandom random = new SplittableRandom(3);
        Map<String, List<Integer>> map = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            List<Integer> list = new ArrayList<>(5);
            for (int j = 0; j < 5; j++) {
                list.add(random.nextInt(1_000_000));
            }
            map.put("key-" + i, list);
        }
        return map;
    }

    /** Encodes the value; returns the stored size. */
    @Benchmark
    public long encode() {
        return bench.encode(value, new CountingSink(null));
    }

    /** Decodes the value. */
    @Benchmark
    public Object decode() {
        return bench.decode(blob);
    }
}
