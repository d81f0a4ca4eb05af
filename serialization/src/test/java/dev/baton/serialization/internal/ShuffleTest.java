package dev.baton.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast 8x8 transpose produces exactly the byte planes of the plain definition. */
class ShuffleTest {
    @Test
    void transposeMatchesThePlainDefinition() {
        Random random = new Random(3);
        for (int n : new int[] {8, 16, 64, 1000, 4096}) {
            long[] values = random.longs(n).toArray();
            byte[] fast = new byte[n * 8];
            long[] x = new long[8];
            for (int i = 0; i + 8 <= n; i += 8) {
                System.arraycopy(values, i, x, 0, 8);
                ArraySerializers.transposeOut(x, fast, i, n);
            }
            for (int i = n - n % 8; i < n; i++) {
                ArraySerializers.scatter8(values[i], fast, i, n);
            }
            byte[] plain = new byte[n * 8];
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < 8; b++) {
                    plain[b * n + i] = (byte) (values[i] >>> (8 * b));
                }
            }
            assertArrayEquals(plain, fast, "n=" + n);
            for (int i = 0; i + 8 <= n; i += 8) {
                ArraySerializers.transposeIn(fast, i, n, x);
                for (int k = 0; k < 8; k++) {
                    assertEquals(values[i + k], x[k]);
                }
            }
        }
    }

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
}
