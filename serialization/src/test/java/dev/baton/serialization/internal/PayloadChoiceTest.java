package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.EncodedBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each blob is stored zstd-compressed or as it is, whichever its first serialized bytes call for; either way the
 * value reads back exactly, under the same key, with any codec, and blobs written before the choice still read.
 */
class PayloadChoiceTest {

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] encode(ArtifactCodec codec, Object value, EncodedBlob[] blob) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blob[0] = codec.encode("value", value, out);
        return out.toByteArray();
    }

    /** The serialized bytes of a level-0 blob: its chunks, concatenated. */
    private static byte[] serialized(byte[] plainBlob) {
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        int at = BlobFormat.HEADER_SIZE;
        for (int length = FrameInputStream.getInt(plainBlob, at); length != 0;
                length = FrameInputStream.getInt(plainBlob, at)) {
            serialized.write(plainBlob, at + 4, length);
            at += 4 + length;
        }
        return serialized.toByteArray();
    }

    @Test
    void incompressibleValuesAreStoredAsTheyAreUnderTheSameKey() {
        byte[] value = random(3 << 20, 1);
        EncodedBlob[] plain = new EncodedBlob[1];
        encode(ArtifactCodec.builder().compressionLevel(0).build(), value, plain);
        for (int level : new int[] {1, -5, 3}) {
            ArtifactCodec codec = ArtifactCodec.builder().compressionLevel(level).build();
            EncodedBlob[] blob = new EncodedBlob[1];
            byte[] bytes = encode(codec, value, blob);
            assertEquals(BlobFormat.COMPRESSION_NONE, bytes[6], "level " + level);
            assertEquals(plain[0].key(), blob[0].key(), "level " + level);
            assertEquals(plain[0].storedSize(), blob[0].storedSize(), "level " + level);
            assertArrayEquals(value, (byte[]) codec.decode("value", blob[0].key(), new ByteArrayInputStream(bytes)));
        }
    }

    @Test
    void compressibleValuesAreCompressedWhateverTheirSize() {
        List<Object> large = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            large.add("row " + (i % 500) + " of a table that repeats itself");
        }
        String small = "a small value, but a repetitive one: ".repeat(40);
        ArtifactCodec plainCodec = ArtifactCodec.builder().compressionLevel(0).build();
        for (Object value : new Object[] {large, small}) {
            EncodedBlob[] plain = new EncodedBlob[1];
            encode(plainCodec, value, plain);
            for (int level : new int[] {1, -5, 3}) {
                ArtifactCodec codec = ArtifactCodec.builder().compressionLevel(level).build();
                EncodedBlob[] blob = new EncodedBlob[1];
                byte[] bytes = encode(codec, value, blob);
                assertEquals(BlobFormat.COMPRESSION_ZSTD, bytes[6], "level " + level);
                assertEquals(plain[0].key(), blob[0].key());
                assertTrue(blob[0].storedSize() < plain[0].storedSize() / 2,
                        blob[0].storedSize() + " stored against " + plain[0].storedSize() + " serialized");
                assertEquals(value, codec.decode("value", blob[0].key(), new ByteArrayInputStream(bytes)));
                // and any other codec reads it
                assertEquals(value, plainCodec.decode("value", blob[0].key(), new ByteArrayInputStream(bytes)));
            }
        }
    }

    @Test
    void tinyValuesAreStoredAsTheyAre() {
        ArtifactCodec codec = ArtifactCodec.builder().build();
        for (Object value : new Object[] {42L, "x", null, List.of(1, 2, 3)}) {
            EncodedBlob[] blob = new EncodedBlob[1];
            byte[] bytes = encode(codec, value, blob);
            assertEquals(BlobFormat.COMPRESSION_NONE, bytes[6], String.valueOf(value));
            assertEquals(value, codec.decode("value", blob[0].key(), new ByteArrayInputStream(bytes)));
        }
    }

    @Test
    void incompressibleBlobsWrittenAsZstdFramesBeforeTheChoiceStillDecode() {
        byte[] value = random((1 << 20) + 17, 2);
        EncodedBlob[] plain = new EncodedBlob[1];
        byte[] serialized = serialized(encode(ArtifactCodec.builder().compressionLevel(0).build(), value, plain));
        for (boolean zstd : new boolean[] {true, false}) {
            byte[] old = HandCraftedBlobs.frame(serialized, zstd);
            assertEquals(zstd ? BlobFormat.COMPRESSION_ZSTD : BlobFormat.COMPRESSION_NONE, old[6]);
            byte[] back = (byte[]) ArtifactCodec.builder().build()
                    .decode("value", plain[0].key(), new ByteArrayInputStream(old));
            assertArrayEquals(value, back);
        }
    }
}
