package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.spi.ObjectStore;
import dev.baton.testsupport.FaultInjectingProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Multipart uploads and parallel ranged downloads against a real S3Proxy. */
class S3LargeObjectTest {
    private static final int MIB = 1 << 20;

    private S3ObjectStore store;
    private String bucket;

    @BeforeEach
    void open() {
        bucket = SharedS3.server().createBucket();
        Map<String, String> settings = SharedS3.settings();
        settings.put("s3.partSizeMiB", "8");
        settings.put("s3.readPartSizeMiB", "8");
        store = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static S3Client raw() {
        return SharedS3.server().client();
    }

    /** A deterministic stream of pseudo-random bytes, so that 64 MiB never sits on the heap twice. */
    private static final class Generated {
        private final Random random;
        private final MessageDigest digest;

        Generated(long seed) {
            random = new Random(seed);
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        byte[] next(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            digest.update(b);
            return b;
        }
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[100_003];
        int n;
        long total = 0;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
            total += n;
        }
        assertTrue(total >= 0);
        return digest.digest();
    }

    @Test
    void objectOf64MiBGoesUpAsParallelMultipartAndComesBackThroughRangedGets() throws Exception {
        long size = 64L * MIB + 12_345;
        Generated gen = new Generated(64);
        try (ObjectStore.Staged staged = store.stage()) {
            OutputStream out = staged.out();
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(left, 1_000_003);
                out.write(gen.next(n));
                left -= n;
            }
            assertTrue(staged.commitIfAbsent("F/data/ab/big"));
        }
        byte[] expected = gen.digest.digest();

        HeadObjectResponse head = raw().headObject(b -> b.bucket(bucket).key("baton/F/data/ab/big"));
        assertEquals(size, head.contentLength());
        assertTrue(head.eTag().endsWith("-9\""), "a multipart upload of 9 parts of 8 MiB: " + head.eTag());

        try (InputStream in = store.open("F/data/ab/big")) {
            assertInstanceOf(RangedInputStream.class, in, "a large object is read through parallel ranged GETs");
            assertArrayEquals(expected, sha256(in));
        }
        // committing the same content-addressed name again sends nothing
        try (ObjectStore.Staged staged = store.stage()) {
            staged.out().write(new byte[9 * MIB]);
            assertFalse(staged.commitIfAbsent("F/data/ab/big"));
        }
        assertEquals(head.eTag(), raw().headObject(b -> b.bucket(bucket).key("baton/F/data/ab/big")).eTag());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {5 * MIB - 1, 5 * MIB, 5 * MIB + 1, 10 * MIB, 3 * 5 * MIB + 7})
    void rangedDownloadIsExactAtPartBoundaries(int size) throws IOException {
        S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, SharedS3.settings()), Map.of()); // 5 MiB parts
        try {
            rangedDownloadIsExact(store, size);
        } finally {
            store.close();
        }
    }

    private void rangedDownloadIsExact(S3ObjectStore store, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        // uploaded by a plain single PUT: ranged reads do not depend on how the object was written
        raw().putObject(b -> b.bucket(bucket).key("baton/F/blob"), RequestBody.fromBytes(data));
        try (InputStream in = store.open("F/blob")) {
            assertEquals(size > 5 * MIB, in instanceof RangedInputStream);
            assertArrayEquals(data, in.readAllBytes());
            assertEquals(-1, in.read());
        }
        try (InputStream in = store.open("F/blob")) {
            // byte-at-a-time reads across part boundaries
            for (int i = 0; i < size; i += (size / 97) + 1) {
                in.skipNBytes(i == 0 ? 0 : (size / 97));
                assertEquals(data[i] & 0xff, in.read(), "byte " + i);
            }
        }
    }

    @Test
    void readAheadIsBoundedByTheWindow() throws Exception {
        Map<String, String> settings = SharedS3.settings();
        settings.put("s3.readAheadParts", "2");
        settings.put("s3.partSizeMiB", "5");
        settings.put("s3.readPartSizeMiB", "5");
        try (S3ObjectStore small = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of())) {
            byte[] data = new byte[40 * MIB];
            new Random(5).nextBytes(data);
            raw().putObject(b -> b.bucket(bucket).key("baton/F/window"), RequestBody.fromBytes(data));
            try (InputStream in = small.open("F/window")) {
                RangedInputStream ranged = assertInstanceOf(RangedInputStream.class, in);
                byte[] first = in.readNBytes(MIB);
                assertArrayEquals(java.util.Arrays.copyOf(data, MIB), first);
                assertEquals(5L * MIB, ranged.fetchedUpTo(), "nothing fetched ahead within the first part");
                byte[] next = in.readNBytes(5 * MIB);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, MIB, 6 * MIB), next);
                assertTrue(ranged.parallel(), "a slow first part (forced here) switches to parallel ranged GETs");
                assertTrue(ranged.partsAhead() <= 2, "at most 2 parts fetched ahead, saw " + ranged.partsAhead());
                assertEquals(5L * MIB + 5L * MIB + 2 * 5L * MIB, ranged.fetchedUpTo(),
                        "first part + the part being read + 2 parts ahead, no more");
                assertArrayEquals(sha(data, 6 * MIB), sha256(in));
            }
        }
    }

    @Test
    void fastConnectionStreamsTheWholeObjectFromOneResponse() throws Exception {
        byte[] data = new byte[17 * MIB + 3];
        new Random(17).nextBytes(data);
        raw().putObject(b -> b.bucket(bucket).key("baton/F/one"), RequestBody.fromBytes(data));
        try (FaultInjectingProxy counting = FaultInjectingProxy.passThrough(SharedS3.server().endpoint())) {
            Map<String, String> settings = SharedS3.settings(counting.endpoint());
            settings.put("s3.singleStreamReadMiBps", "0"); // any connection is fast enough
            try (S3ObjectStore one = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of())) {
                long before = counting.requests();
                try (InputStream in = one.open("F/one")) {
                    RangedInputStream ranged = assertInstanceOf(RangedInputStream.class, in);
                    assertArrayEquals(data, in.readAllBytes());
                    assertFalse(ranged.parallel());
                    assertEquals(data.length, ranged.fetchedUpTo());
                    assertEquals(0, ranged.partsAhead());
                }
                assertEquals(1, counting.requests() - before, "one GET, no HEAD, no ranges: "
                        + counting.requestHeads());
                assertFalse(counting.requestHeads().get(counting.requestHeads().size() - 1)
                        .toLowerCase(java.util.Locale.ROOT).contains("range:"), "a plain GET");
            }
        }
    }

    @ParameterizedTest(name = "memory budget {0} MiB")
    @ValueSource(ints = {0, 5, 1024})
    void stagedPartsStayInMemoryWhileTheBudgetHasRoomThenSpool(int budgetMiB, @TempDir Path spoolDir)
            throws Exception {
        Map<String, String> settings = SharedS3.settings(); // 5 MiB parts
        settings.put("s3.memorySpoolMiB", Integer.toString(budgetMiB));
        settings.put("s3.spoolDir", spoolDir.toString());
        byte[] data = new byte[17 * MIB + 11];
        new Random(budgetMiB).nextBytes(data);
        try (S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of())) {
            try (ObjectStore.Staged staged = store.stage()) {
                for (int off = 0; off < data.length; off += 999_999) {
                    staged.out().write(data, off, Math.min(999_999, data.length - off));
                }
                long spoolFiles;
                try (var files = Files.list(spoolDir)) {
                    spoolFiles = files.count();
                }
                // the first part is always in memory; the 3 after it fit a budget of 1024 MiB, not of 0 or 5
                assertEquals(budgetMiB >= 15 ? 0 : 1, spoolFiles, "spool files while staged");
                assertEquals(budgetMiB >= 15 ? 15L * MIB : 0, store.spoolBudget().used(), "memory held");
                assertTrue(staged.commitIfAbsent("F/data/sp/spooled"));
            }
            assertEquals(0, store.spoolBudget().used(), "memory given back");
            try (var files = Files.list(spoolDir)) {
                assertEquals(0, files.count(), "spool file deleted");
            }
            HeadObjectResponse head = raw().headObject(b -> b.bucket(bucket).key("baton/F/data/sp/spooled"));
            assertTrue(head.eTag().endsWith("-4\""), "4 parts of 5 MiB: " + head.eTag());
            try (InputStream in = store.open("F/data/sp/spooled")) {
                assertArrayEquals(data, in.readAllBytes());
            }
        }
    }

    private static byte[] sha(byte[] data, int from) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(data, from, data.length - from);
        return digest.digest();
    }
}
