package dev.baton.bench;

import dev.baton.bench.SerializationCodecs.BenchCodec;
import dev.baton.bench.SerializationCodecs.CountingSink;
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
 * Encode and decode of one 256 MiB array, in memory (encode into a counting sink that discards, decode from a
 * byte array), so the figures are the codec's alone:
 *
 * <ul>
 *   <li>{@code random}: a random {@code byte[]} (incompressible: the cost is Kryo, SHA-256, zstd's
 *       incompressible-block path and the framing);</li>
 *   <li>{@code smooth}: a {@code double[]} of a smooth series, {@code sin(i / 1000) * 100 + i / 1e6} (the low
 *       mantissa bytes are noise, the sign/exponent bytes barely change).</li>
 * </ul>
 *
 * Single-shot time per operation: the targets are seconds per encode or decode.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
// jvmArgs, not jvmArgsAppend: a -jvmArgs on the command line (e.g. "-Xms3g -Xmx3g") must replace the heap
// size, where an appended one would silently override it
@Fork(value = 1, jvmArgs = {"-Xms6g", "-Xmx6g"})
@State(Scope.Benchmark)
public class SerializationLargeArrayBenchmark {
    /** Bytes in each large value. */
    public static final int BYTES = 256 << 20;

    @Param({"random", "smooth"})
    public String data;

    @Param({"zstd1", "zstd-1", "zstd3", "none", "java"})
    public String codec;

    private Object value;
    private byte[] blob;
    private BenchCodec bench;

    @Setup
    public void setup() {
        value = data.equals("random") ? randomBytes() : smoothDoubles();
        bench = SerializationCodecs.named(codec);
        blob = SerializationCodecs.blob(bench, value);
    }

    static byte[] randomBytes() {
        byte[] bytes = new byte[BYTES];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < bytes.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                bytes[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return bytes;
    }

    static double[] smoothDoubles() {
        double[] series = new double[BYTES / Double.BYTES];
        for (int i = 0; i < series.length; i++) {
            series[i] = Math.sin(i / 1000.0) * 100 + i / 1e6;
        }
        return series;
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
