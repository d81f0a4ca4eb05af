package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.CorruptBlobException;
import dev.baton.serialization.EncodedBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A large {@code byte[]} is allocated on another thread while its first bytes are read ahead into separate slices
 * and hashed ({@link HashingInputStream#readNewArray}): the value must come back exactly, with the bytes that were
 * hashed, and damage in the read-ahead part or in the rest must be caught.
 */
class LargeByteArrayReadTest {
    private static final int SIZE = HashingInputStream.ALLOCATE_AHEAD_MIN + (5 << 20) + 3;

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void aLargeArrayReadsBackExactlyAloneAndBetweenOtherValues() {
        byte[] large = random(SIZE, 3);
        ArtifactCodec codec = ArtifactCodec.builder().build();
        // alone: Kryo's buffer holds the array's first bytes when the serializer starts; in a list, small values
        // come before it and a second large array after it
        for (Object value : new Object[] {large, List.of("before", large, 7, random(SIZE + 1, 4), "after")}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            EncodedBlob blob = codec.encode("large", value, out);
            byte[] bytes = out.toByteArray();
            assertEquals(HandCraftedBlobs.sha256Hex(serializedOf(value)), blob.key());
            Object back = codec.decode("large", blob.key(), new ByteArrayInputStream(bytes));
            if (value instanceof byte[] array) {
                assertArrayEquals(array, (byte[]) back);
            } else {
                List<?> list = (List<?>) back;
                List<?> expected = (List<?>) value;
                assertEquals(expected.size(), list.size());
                assertEquals("before", list.get(0));
                assertArrayEquals(large, (byte[]) list.get(1));
                assertEquals(7, list.get(2));
                assertArrayEquals((byte[]) expected.get(3), (byte[]) list.get(3));
                assertEquals("after", list.get(4));
            }
        }
    }

    @Test
    void aLargeArrayInAnOldZstdFrameReadsBackExactly() {
        byte[] large = random(SIZE, 5);
        byte[] serialized = serializedOf(large);
        byte[] old = HandCraftedBlobs.frame(serialized, true);
        byte[] back = (byte[]) ArtifactCodec.builder().build()
                .decode("large", HandCraftedBlobs.sha256Hex(serialized), new ByteArrayInputStream(old));
        assertArrayEquals(large, back);
    }

    @Test
    void damageInTheReadAheadPartOrInTheRestIsDetected() {
        byte[] large = random(SIZE, 6);
        ArtifactCodec codec = ArtifactCodec.builder().build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String key = codec.encode("large", large, out).key();
        byte[] blob = out.toByteArray();
        // early (read ahead while the array is allocated), middle and late (read straight into the array)
        for (int at : new int[] {BlobFormat.HEADER_SIZE + 100_000, 2 << 20, blob.length / 2, blob.length - 100}) {
            byte[] damaged = blob.clone();
            damaged[at] ^= 0x20;
            CorruptBlobException e = assertThrows(CorruptBlobException.class,
                    () -> codec.decode("large", key, new ByteArrayInputStream(damaged)), () -> "flip at " + at);
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        for (int length : new int[] {1 << 20, 3 << 20, blob.length / 2, blob.length - 60}) {
            byte[] cut = Arrays.copyOf(blob, length);
            assertThrows(CorruptBlobException.class, () -> codec.decode("large", key, new ByteArrayInputStream(cut)),
                    () -> "cut at " + length);
        }
        // the pooled worker is clean after the failures
        assertArrayEquals(large, (byte[]) codec.decode("large", key, new ByteArrayInputStream(blob)));
    }

    /** The serialized bytes of a value: the payload of its level-0 blob. */
    private static byte[] serializedOf(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArtifactCodec.builder().compressionLevel(0).build().encode("large", value, out);
        byte[] plain = out.toByteArray();
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        int at = BlobFormat.HEADER_SIZE;
        for (int length = FrameInputStream.getInt(plain, at); length != 0; length = FrameInputStream.getInt(plain, at)) {
            serialized.write(plain, at + 4, length);
            at += 4 + length;
        }
        return serialized.toByteArray();
    }
}
