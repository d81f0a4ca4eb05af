package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.EncodedBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Block hashes run on a helper thread while the next block is (de)compressed and (un)shuffled into the other
 * buffer: the key must still be the SHA-256 of exactly the serialized bytes, in order, whatever mix of large arrays
 * a value holds.
 */
class HashPipelineTest {

    /** Several large shuffled arrays of different types back to back, with a large byte[] and small values between. */
    private static List<Object> mixedValue() {
        SplittableRandom random = new SplittableRandom(11);
        int n = (3 << 20) / 8 + 5; // three and a bit blocks: a partial last block too
        double[] doubles = new double[n];
        long[] longs = new long[n];
        int[] ints = new int[2 * n];
        float[] floats = new float[2 * n];
        for (int i = 0; i < n; i++) {
            doubles[i] = Math.sin(i * 1e-3) + random.nextDouble() * 1e-9;
            longs[i] = random.nextLong(1000);
        }
        for (int i = 0; i < 2 * n; i++) {
            ints[i] = random.nextInt();
            floats[i] = (float) Math.cos(i * 1e-3);
        }
        byte[] bytes = new byte[5 << 20];
        random.nextBytes(bytes);
        List<Object> value = new ArrayList<>();
        value.add(doubles);
        value.add("between");
        value.add(longs);
        value.add(ints);
        value.add(bytes);
        value.add(floats);
        value.add(doubles.clone());
        return value;
    }

    @Test
    void theKeyIsTheSha256OfTheSerializedBytesAndEveryLevelAgrees() throws Exception {
        List<Object> value = mixedValue();
        // level 0 stores the serialized bytes as they are, in chunks: hash them independently of the codec
        ByteArrayOutputStream plainOut = new ByteArrayOutputStream();
        EncodedBlob plain = ArtifactCodec.builder().compressionLevel(0).build().encode("mixed", value, plainOut);
        byte[] blob = plainOut.toByteArray();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long serialized = 0;
        int at = BlobFormat.HEADER_SIZE;
        for (int length = FrameInputStream.getInt(blob, at); length != 0; length = FrameInputStream.getInt(blob, at)) {
            sha.update(blob, at + 4, length);
            serialized += length;
            at += 4 + length;
        }
        assertEquals(HexFormat.of().formatHex(sha.digest()), plain.key());
        assertEquals(serialized, plain.serializedSize());

        for (int level : new int[] {1, -3, 3}) {
            ArtifactCodec codec = ArtifactCodec.builder().compressionLevel(level).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            EncodedBlob encoded = codec.encode("mixed", value, out);
            assertEquals(plain.key(), encoded.key(), "level " + level);
            // decoding recomputes the hash through the same pipeline and checks it against the key
            List<?> back = (List<?>) codec.decode("mixed", encoded.key(), new ByteArrayInputStream(out.toByteArray()));
            assertArrayEquals((double[]) value.get(0), (double[]) back.get(0));
            assertEquals("between", back.get(1));
            assertArrayEquals((long[]) value.get(2), (long[]) back.get(2));
            assertArrayEquals((int[]) value.get(3), (int[]) back.get(3));
            assertArrayEquals((byte[]) value.get(4), (byte[]) back.get(4));
            assertArrayEquals((float[]) value.get(5), (float[]) back.get(5));
            assertArrayEquals((double[]) value.get(6), (double[]) back.get(6));
        }
    }
}
