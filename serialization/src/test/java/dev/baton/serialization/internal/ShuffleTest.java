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
}
