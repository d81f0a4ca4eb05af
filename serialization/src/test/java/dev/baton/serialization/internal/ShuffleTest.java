package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast 8- and 4-byte shuffles produce exactly the byte planes of the plain definition (byte b of element i at
 * {@code b * n + i}), and the unshuffles invert them, for lengths that are and are not multiples of 8.
 */
class ShuffleTest {
    @Test
    void unrolledShufflesMatchThePlainDefinitionAndInvert() {
        Random random = new Random(5);
        for (int n : new int[] {8, 13, 64, 1001, 4096}) {
            long[] values = random.longs(n).toArray();
            double[] doubles = new double[n];
            for (int i = 0; i < n; i++) {
                doubles[i] = Double.longBitsToDouble(values[i]);
            }
            byte[] plain = new byte[n * 8];
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < 8; b++) {
                    plain[b * n + i] = (byte) (values[i] >>> (8 * b));
                }
            }
            // at an offset inside a larger array, as the serializers call them block by block
            long[] longsAt = new long[n + 3];
            System.arraycopy(values, 0, longsAt, 3, n);
            double[] doublesAt = new double[n + 3];
            System.arraycopy(doubles, 0, doublesAt, 3, n);

            byte[] fromLongs = new byte[n * 8];
            ArraySerializers.shuffleLongs(longsAt, 3, n, fromLongs);
            assertArrayEquals(plain, fromLongs, "longs, n=" + n);
            byte[] fromDoubles = new byte[n * 8];
            ArraySerializers.shuffleDoubles(doublesAt, 3, n, fromDoubles);
            assertArrayEquals(plain, fromDoubles, "doubles, n=" + n);

            long[] longsBack = new long[n + 3];
            ArraySerializers.unshuffleLongs(plain, longsBack, 3, n);
            assertArrayEquals(longsAt, longsBack, "longs back, n=" + n);
            double[] doublesBack = new double[n + 3];
            ArraySerializers.unshuffleDoubles(plain, doublesBack, 3, n);
            for (int i = 0; i < n; i++) {
                assertEquals(values[i], Double.doubleToRawLongBits(doublesBack[3 + i]), "doubles back, n=" + n);
            }
        }
    }

    @Test
    void unrolledFourByteShufflesMatchThePlainDefinitionAndInvert() {
        Random random = new Random(6);
        for (int n : new int[] {8, 13, 64, 1001, 4096}) {
            int[] values = random.ints(n).toArray();
            float[] floats = new float[n + 3];
            int[] ints = new int[n + 3];
            for (int i = 0; i < n; i++) {
                ints[3 + i] = values[i];
                floats[3 + i] = Float.intBitsToFloat(values[i]);
            }
            byte[] plain = new byte[n * 4];
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < 4; b++) {
                    plain[b * n + i] = (byte) (values[i] >>> (8 * b));
                }
            }
            byte[] fromInts = new byte[n * 4];
            ArraySerializers.shuffleInts(ints, 3, n, fromInts);
            assertArrayEquals(plain, fromInts, "ints, n=" + n);
            byte[] fromFloats = new byte[n * 4];
            ArraySerializers.shuffleFloats(floats, 3, n, fromFloats);
            assertArrayEquals(plain, fromFloats, "floats, n=" + n);

            int[] intsBack = new int[n + 3];
            ArraySerializers.unshuffleInts(plain, intsBack, 3, n);
            assertArrayEquals(ints, intsBack, "ints back, n=" + n);
            float[] floatsBack = new float[n + 3];
            ArraySerializers.unshuffleFloats(plain, floatsBack, 3, n);
            for (int i = 0; i < n; i++) {
                assertEquals(values[i], Float.floatToRawIntBits(floatsBack[3 + i]), "floats back, n=" + n);
            }
        }
    }
}
