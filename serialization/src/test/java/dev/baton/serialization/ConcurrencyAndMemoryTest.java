package dev.baton.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One codec shared by many threads; large values cost bounded extra memory. */
class ConcurrencyAndMemoryTest {

    @Test
    void manyThreadsShareOneCodec() throws Exception {
        ArtifactCodec codec = ArtifactCodec.builder().allowPackage(Fixtures.PACKAGE).build();
        List<Object> values = new ArrayList<>();
        Random random = new Random(9);
        for (int i = 0; i < 24; i++) {
            values.add(i % 3 == 0 ? random.doubles(50_000 + i).toArray()
                    : i % 3 == 1 ? PropertyTest.generate(new Random(i), 0)
                    : new Fixtures.Point(i, -i, "p" + i));
        }
        List<String> expectedKeys = new ArrayList<>();
        for (Object value : values) {
            expectedKeys.add(codec.encode("v", value, new ByteArrayOutputStream()).key());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                Callable<Void> work = () -> {
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < values.size(); i++) {
                            int at = (i + offset) % values.size();
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            EncodedBlob blob = codec.encode("v", values.get(at), out);
                            assertEquals(expectedKeys.get(at), blob.key());
                            Object back = codec.decode("v", blob.key(), new ByteArrayInputStream(out.toByteArray()));
                            assertEquals(expectedKeys.get(at), codec.encode("v", back, new ByteArrayOutputStream()).key());
                        }
                    }
                    return null;
                };
                results.add(pool.submit(work));
            }
            for (Future<Void> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLargeArrayStreamsWithoutASecondCopy() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ArtifactCodec codec = ArtifactCodec.builder().build();
        byte[] value = new byte[32 << 20];
        new Random(4).nextBytes(value);
        double[] series = new double[4 << 20];
        for (int i = 0; i < series.length; i++) {
            series[i] = Math.sin(i * 1e-3);
        }
        for (Object big : new Object[] {value, series}) {
            long size = big instanceof byte[] b ? b.length : 8L * ((double[]) big).length;
            // Warm up (pool, zstd buffers) so that the measured runs count only the per-encode allocation.
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            EncodedBlob blob = codec.encode("big", big, stored);
            byte[] bytes = stored.toByteArray();
            codec.decode("big", blob.key(), new ByteArrayInputStream(bytes));

            long before = threads.getCurrentThreadAllocatedBytes();
            codec.encode("big", big, OutputStream.nullOutputStream());
            long encodeAllocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(encodeAllocated < 4 << 20, "encode allocated " + encodeAllocated + " bytes for " + size);

            InputStream in = new ByteArrayInputStream(bytes);
            before = threads.getCurrentThreadAllocatedBytes();
            Object back = codec.decode("big", blob.key(), in);
            long decodeAllocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(decodeAllocated < size + (4 << 20), "decode allocated " + decodeAllocated + " bytes for " + size);
            if (big instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) back);
            } else {
                assertArrayEquals((double[]) big, (double[]) back);
            }
        }
    }
}
