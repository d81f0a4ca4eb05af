package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.TransientFailureException;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.CorruptBlobException;
import dev.baton.serialization.EncodedBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damage anywhere is a CorruptBlobException naming the artifact and key, never a wrong value. */
class CorruptionTest {
    private static final String ARTIFACT = "scores of Flow/7/train/3";

    private static Object smallValue() {
        return Map.of("alpha", List.of(1, 2, 3), "beta", "unicode ✓ 😀", "gamma", 2.5);
    }

    private static byte[] encode(ArtifactCodec codec, Object value, String[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncodedBlob blob = codec.encode("scores", value, out);
        key[0] = blob.key();
        return out.toByteArray();
    }

    /** Small, and compressible enough that every level but 0 stores it zstd-compressed. */
    private static Object compressibleValue() {
        return List.of("the same words again ".repeat(20), smallValue(), "and again ".repeat(10));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -5})
    void everySingleFlippedByteIsDetected(int level) {
        // random bytes are stored as they are at every level (zstd would not shrink them); the compressible value
        // in a zstd frame at every level but 0: flips must be caught in both kinds of payload
        byte[] noise = new byte[1000];
        new Random(3).nextBytes(noise);
        assertEveryFlipDetected(level, List.of(noise, 42L), BlobFormat.COMPRESSION_NONE);
        assertEveryFlipDetected(level, compressibleValue(),
                level == 0 ? BlobFormat.COMPRESSION_NONE : BlobFormat.COMPRESSION_ZSTD);
    }

    private static void assertEveryFlipDetected(int level, Object value, int compression) {
        ArtifactCodec codec = ArtifactCodec.builder().compressionLevel(level).build();
        String[] key = new String[1];
        byte[] blob = encode(codec, value, key);
        assertEquals(compression, blob[6], "compression id in the header");
        Object back = codec.decode(ARTIFACT, key[0], new ByteArrayInputStream(blob));
        assertEquals(key[0], codec.encode("scores", back, new ByteArrayOutputStream()).key());
        for (int i = 0; i < blob.length; i++) {
            for (int bit : new int[] {0x01, 0x80, 0xff}) {
                byte[] damaged = blob.clone();
                damaged[i] ^= (byte) bit;
                for (String expected : new String[] {key[0], null}) {
                    int at = i;
                    CorruptBlobException e = assertThrows(CorruptBlobException.class,
                            () -> codec.decode(ARTIFACT, expected, new ByteArrayInputStream(damaged)),
                            () -> "flip at " + at + " of " + blob.length);
                    assertTrue(e.getMessage().contains(ARTIFACT), e.getMessage());
                    if (expected != null) {
                        assertTrue(e.getMessage().contains(expected), e.getMessage());
                    }
                }
            }
        }
    }

    @Test
    void blobsWrittenWithTheZstdContentChecksumStillDecodeAndStillDetectDamage() {
        // Blobs written before the zstd checksum was dropped carry one: they must read as before.
        ArtifactCodec plain = ArtifactCodec.builder().compressionLevel(0).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object value = smallValue();
        EncodedBlob encoded = plain.encode("scores", value, out);
        byte[] uncompressed = out.toByteArray();
        // level 0, one chunk: header (8), length (4), the serialized bytes
        int length = FrameInputStream.getInt(uncompressed, BlobFormat.HEADER_SIZE);
        byte[] serialized = Arrays.copyOfRange(uncompressed, BlobFormat.HEADER_SIZE + 4,
                BlobFormat.HEADER_SIZE + 4 + length);
        assertEquals(encoded.serializedSize(), serialized.length);
        byte[] withChecksum = HandCraftedBlobs.frame(serialized, true);

        ArtifactCodec codec = ArtifactCodec.builder().build();
        assertEquals(value, codec.decode(ARTIFACT, encoded.key(), new ByteArrayInputStream(withChecksum)));
        for (int i = 0; i < withChecksum.length; i++) {
            byte[] damaged = withChecksum.clone();
            damaged[i] ^= 0x10;
            assertThrows(CorruptBlobException.class,
                    () -> codec.decode(ARTIFACT, encoded.key(), new ByteArrayInputStream(damaged)));
        }
    }

    @Test
    void flippedBytesInALargeStreamedArrayAreDetected() {
        ArtifactCodec codec = ArtifactCodec.builder().build();
        double[] series = IntStream.range(0, 600_000).mapToDouble(i -> Math.sin(i * 0.001)).toArray();
        byte[] raw = new byte[3 << 20];
        new Random(5).nextBytes(raw);
        Random random = new Random(11);
        for (Object value : new Object[] {series, raw}) {
            String[] key = new String[1];
            byte[] blob = encode(codec, value, key);
            for (int trial = 0; trial < 25; trial++) {
                byte[] damaged = blob.clone();
                int at = random.nextInt(blob.length);
                damaged[at] ^= (byte) (1 + random.nextInt(255));
                assertThrows(CorruptBlobException.class,
                        () -> codec.decode(ARTIFACT, key[0], new ByteArrayInputStream(damaged)), () -> "flip at " + at);
            }
        }
    }

    @Test
    void everyTruncationIsDetected() {
        ArtifactCodec codec = ArtifactCodec.builder().build();
        String[] key = new String[1];
        byte[] blob = encode(codec, smallValue(), key);
        for (int length = 0; length < blob.length; length++) {
            byte[] cut = Arrays.copyOf(blob, length);
            CorruptBlobException e = assertThrows(CorruptBlobException.class,
                    () -> codec.decode(ARTIFACT, key[0], new ByteArrayInputStream(cut)));
            assertTrue(e.getMessage().contains(ARTIFACT) && e.getMessage().contains(key[0]), e.getMessage());
        }
        byte[] bigBlob = encode(codec, new byte[5 << 20], key);
        for (int length : new int[] {bigBlob.length / 3, bigBlob.length / 2, bigBlob.length - 49, bigBlob.length - 1}) {
            assertThrows(CorruptBlobException.class,
                    () -> codec.decode(ARTIFACT, key[0], new ByteArrayInputStream(Arrays.copyOf(bigBlob, length))));
        }
    }

    @Test
    void wrongMagicVersionAndKeyAreNamed() {
        ArtifactCodec codec = ArtifactCodec.builder().build();
        String[] key = new String[1];
        byte[] blob = encode(codec, smallValue(), key);

        byte[] magic = blob.clone();
        magic[0] = 'X';
        assertMessage(codec, magic, key[0], "magic");
        assertMessage(codec, "{\"not\": \"a blob\"}".getBytes(), key[0], "magic");

        byte[] version = blob.clone();
        version[4] = 2;
        assertMessage(codec, version, key[0], "version 2");

        String other = "0".repeat(64);
        CorruptBlobException e = assertThrows(CorruptBlobException.class,
                () -> codec.decode(ARTIFACT, other, new ByteArrayInputStream(blob)));
        assertTrue(e.getMessage().contains(other) && e.getMessage().contains(key[0]), e.getMessage());
        // The right key, in either case, reads the value.
        assertEquals(smallValue(), codec.decode(ARTIFACT, key[0].toUpperCase(), new ByteArrayInputStream(blob)));
    }

    @Test
    void aValidBlobWithAWrongHashInItsTrailerIsRefused() {
        byte[] serialized = {3, 1, 2}; // whatever: the trailer hash will not match it
        byte[] blob = HandCraftedBlobs.frame(serialized, false);
        // Rewrite the trailer's SHA-256 and recompute the CRC so that only the hash is inconsistent.
        int shaAt = blob.length - BlobFormat.TRAILER_SIZE + 8;
        blob[shaAt] ^= 1;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(blob, 0, blob.length - 4);
        FrameOutputStream.putInt(blob, blob.length - 4, (int) crc.getValue());
        ArtifactCodec codec = ArtifactCodec.builder().build();
        assertMessage(codec, blob, null, "SHA-256");
    }

    @Test
    void aFailingSourceIsTransientNotCorrupt() {
        ArtifactCodec codec = ArtifactCodec.builder().build();
        String[] key = new String[1];
        byte[] blob = encode(codec, new byte[1 << 20], key);
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(blob)) {
            private int reads;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (++reads > 3) {
                    throw new IOException("connection reset");
                }
                return super.read(b, off, len);
            }
        };
        TransientFailureException e = assertThrows(TransientFailureException.class,
                () -> codec.decode(ARTIFACT, key[0], failing));
        assertTrue(e.getMessage().contains("connection reset") && e.getMessage().contains(ARTIFACT), e.getMessage());
    }

    @Test
    void aFailingSinkIsTransientAndLeavesNoTrailer() {
        ArtifactCodec codec = ArtifactCodec.builder().build();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written.size() > 100_000) {
                    throw new IOException("disk full");
                }
                written.write(b, off, len);
            }
        };
        byte[] value = new byte[4 << 20];
        new Random(1).nextBytes(value);
        TransientFailureException e = assertThrows(TransientFailureException.class,
                () -> codec.encode("big", value, failing));
        assertTrue(e.getMessage().contains("disk full") && e.getMessage().contains("'big'"), e.getMessage());
        assertThrows(CorruptBlobException.class,
                () -> codec.decode("big", null, new ByteArrayInputStream(written.toByteArray())));
        // The pooled worker is clean afterwards.
        String[] key = new String[1];
        byte[] ok = encode(codec, value, key);
        assertArrayEquals(value, (byte[]) codec.decode("big", key[0], new ByteArrayInputStream(ok)));
    }

    private static void assertMessage(ArtifactCodec codec, byte[] blob, String key, String fragment) {
        CorruptBlobException e = assertThrows(CorruptBlobException.class,
                () -> codec.decode(ARTIFACT, key, new ByteArrayInputStream(blob)));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().contains(ARTIFACT), e.getMessage());
    }
}
