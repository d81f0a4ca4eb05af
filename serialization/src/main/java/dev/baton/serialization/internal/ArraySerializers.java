package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Serializers for large primitive arrays that stream past Kryo's buffer instead of through it.
 *
 * <p>{@code byte[]}: written and read straight between the caller's array and the hashing/compressing streams
 * (no copy of the value, the hash overlapping (de)compression). {@code double[]}, {@code long[]}, {@code float[]},
 * {@code int[]}: cut into blocks that are byte-shuffled (byte 0 of every element, then byte 1, ...; the Blosc
 * "shuffle" filter). Numeric series vary mostly in their low bytes, so the shuffled high-byte planes are long
 * runs that zstd compresses at several GiB/s, where zstd on the interleaved bytes manages about 290 MiB/s on a
 * smooth float64 series. The shuffle is part of the serialized form (and so of the content key), which keeps the
 * key independent of the compression level. Arrays below {@link #SHUFFLE_MIN} elements are written plainly.
 *
 * <p>All share Kryo's convention for arrays: length + 1 as a varint, 0 for null.
 */
final class ArraySerializers {
    /** Arrays at least this long (bytes) bypass Kryo's buffer. */
    static final int DIRECT_MIN = 1 << 16;
    /** Numeric arrays with at least this many elements are shuffled. */
    static final int SHUFFLE_MIN = 1 << 12;
    /**
     * Bytes per shuffled block (part of the serialized form): one block is hashed on the helper thread while the
     * next is (un)shuffled and (de)compressed.
     */
    static final int BLOCK_BYTES = Sha256Pipeline.ASYNC_MIN;

    /**
     * Kryo registration ids of these array types: fixed, as they are part of blob format version 1 (Kryo itself
     * uses 0..9 for primitives and String).
     */
    static final int FIRST_ID = 20;

    private ArraySerializers() {}

    static void register(Kryo kryo) {
        // one pair of block buffers for the four shuffled types of this Kryo (one decode or encode at a time)
        Blocks blocks = new Blocks();
        kryo.register(byte[].class, new ByteArraySerializer(), FIRST_ID);
        kryo.register(double[].class, new ShuffledArraySerializer<double[]>(8, blocks) {
            @Override int length(double[] a) { return a.length; }
            @Override double[] allocate(int n) { return new double[n]; }
            @Override void writePlain(Output out, double[] a) { out.writeDoubles(a, 0, a.length); }
            @Override double[] readPlain(Input in, int n) { return in.readDoubles(n); }
            @Override void shuffle(double[] a, int from, int n, byte[] d) { shuffleDoubles(a, from, n, d); }
            @Override void unshuffle(byte[] s, double[] a, int from, int n) { unshuffleDoubles(s, a, from, n); }
        }, FIRST_ID + 1);
        kryo.register(long[].class, new ShuffledArraySerializer<long[]>(8, blocks) {
            @Override int length(long[] a) { return a.length; }
            @Override long[] allocate(int n) { return new long[n]; }
            @Override void writePlain(Output out, long[] a) { out.writeLongs(a, 0, a.length); }
            @Override long[] readPlain(Input in, int n) { return in.readLongs(n); }
            @Override void shuffle(long[] a, int from, int n, byte[] d) { shuffleLongs(a, from, n, d); }
            @Override void unshuffle(byte[] s, long[] a, int from, int n) { unshuffleLongs(s, a, from, n); }
        }, FIRST_ID + 2);
        kryo.register(float[].class, new ShuffledArraySerializer<float[]>(4, blocks) {
            @Override int length(float[] a) { return a.length; }
            @Override float[] allocate(int n) { return new float[n]; }
            @Override void writePlain(Output out, float[] a) { out.writeFloats(a, 0, a.length); }
            @Override float[] readPlain(Input in, int n) { return in.readFloats(n); }
            @Override void shuffle(float[] a, int from, int n, byte[] d) { shuffleFloats(a, from, n, d); }
            @Override void unshuffle(byte[] s, float[] a, int from, int n) { unshuffleFloats(s, a, from, n); }
        }, FIRST_ID + 3);
        kryo.register(int[].class, new ShuffledArraySerializer<int[]>(4, blocks) {
            @Override int length(int[] a) { return a.length; }
            @Override int[] allocate(int n) { return new int[n]; }
            @Override void writePlain(Output out, int[] a) { out.writeInts(a, 0, a.length); }
            @Override int[] readPlain(Input in, int n) { return in.readInts(n); }
            @Override void shuffle(int[] a, int from, int n, byte[] d) { shuffleInts(a, from, n, d); }
            @Override void unshuffle(byte[] s, int[] a, int from, int n) { unshuffleInts(s, a, from, n); }
        }, FIRST_ID + 4);
    }

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /*
     * The 8-byte shuffles: eight elements at a time, the 8x8 byte matrix whose rows are the elements is transposed
     * in place with three rounds of block swaps (4x4, 2x2, 1x1) by shifts and masks, so that row j holds byte j of
     * the eight elements and is stored (or loaded) as one long: 8 long stores instead of 64 byte stores. The
     * transpose is its own inverse. It is unrolled over local variables, which the JIT keeps in registers (through
     * a long[8] it did not, and decoding a smooth double[] spent about as long unshuffling as hashing). ShuffleTest
     * checks these against the plain definition.
     */

    static void shuffleDoubles(double[] a, int from, int n, byte[] d) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            int at = from + i;
            store8(d, i, n, Double.doubleToRawLongBits(a[at]), Double.doubleToRawLongBits(a[at + 1]),
                    Double.doubleToRawLongBits(a[at + 2]), Double.doubleToRawLongBits(a[at + 3]),
                    Double.doubleToRawLongBits(a[at + 4]), Double.doubleToRawLongBits(a[at + 5]),
                    Double.doubleToRawLongBits(a[at + 6]), Double.doubleToRawLongBits(a[at + 7]));
        }
        for (; i < n; i++) {
            scatter8(Double.doubleToRawLongBits(a[from + i]), d, i, n);
        }
    }

    static void shuffleLongs(long[] a, int from, int n, byte[] d) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            int at = from + i;
            store8(d, i, n, a[at], a[at + 1], a[at + 2], a[at + 3], a[at + 4], a[at + 5], a[at + 6], a[at + 7]);
        }
        for (; i < n; i++) {
            scatter8(a[from + i], d, i, n);
        }
    }

    /** Transposes elements x0..x7 into byte planes and stores them at position {@code i} of the {@code n}-wide planes. */
    private static void store8(byte[] d, int i, int n, long x0, long x1, long x2, long x3, long x4, long x5,
            long x6, long x7) {
        long t;
        t = ((x0 >>> 32) ^ x4) & 0x00000000FFFFFFFFL; x0 ^= t << 32; x4 ^= t;
        t = ((x1 >>> 32) ^ x5) & 0x00000000FFFFFFFFL; x1 ^= t << 32; x5 ^= t;
        t = ((x2 >>> 32) ^ x6) & 0x00000000FFFFFFFFL; x2 ^= t << 32; x6 ^= t;
        t = ((x3 >>> 32) ^ x7) & 0x00000000FFFFFFFFL; x3 ^= t << 32; x7 ^= t;
        t = ((x0 >>> 16) ^ x2) & 0x0000FFFF0000FFFFL; x0 ^= t << 16; x2 ^= t;
        t = ((x1 >>> 16) ^ x3) & 0x0000FFFF0000FFFFL; x1 ^= t << 16; x3 ^= t;
        t = ((x4 >>> 16) ^ x6) & 0x0000FFFF0000FFFFL; x4 ^= t << 16; x6 ^= t;
        t = ((x5 >>> 16) ^ x7) & 0x0000FFFF0000FFFFL; x5 ^= t << 16; x7 ^= t;
        t = ((x0 >>> 8) ^ x1) & 0x00FF00FF00FF00FFL; x0 ^= t << 8; x1 ^= t;
        t = ((x2 >>> 8) ^ x3) & 0x00FF00FF00FF00FFL; x2 ^= t << 8; x3 ^= t;
        t = ((x4 >>> 8) ^ x5) & 0x00FF00FF00FF00FFL; x4 ^= t << 8; x5 ^= t;
        t = ((x6 >>> 8) ^ x7) & 0x00FF00FF00FF00FFL; x6 ^= t << 8; x7 ^= t;
        LONG_LE.set(d, i, x0);
        LONG_LE.set(d, n + i, x1);
        LONG_LE.set(d, 2 * n + i, x2);
        LONG_LE.set(d, 3 * n + i, x3);
        LONG_LE.set(d, 4 * n + i, x4);
        LONG_LE.set(d, 5 * n + i, x5);
        LONG_LE.set(d, 6 * n + i, x6);
        LONG_LE.set(d, 7 * n + i, x7);
    }

    static void unshuffleDoubles(byte[] s, double[] a, int from, int n) {
        int n2 = 2 * n, n3 = 3 * n, n4 = 4 * n, n5 = 5 * n, n6 = 6 * n, n7 = 7 * n;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x0 = (long) LONG_LE.get(s, i);
            long x1 = (long) LONG_LE.get(s, n + i);
            long x2 = (long) LONG_LE.get(s, n2 + i);
            long x3 = (long) LONG_LE.get(s, n3 + i);
            long x4 = (long) LONG_LE.get(s, n4 + i);
            long x5 = (long) LONG_LE.get(s, n5 + i);
            long x6 = (long) LONG_LE.get(s, n6 + i);
            long x7 = (long) LONG_LE.get(s, n7 + i);
            long t;
            t = ((x0 >>> 32) ^ x4) & 0x00000000FFFFFFFFL; x0 ^= t << 32; x4 ^= t;
            t = ((x1 >>> 32) ^ x5) & 0x00000000FFFFFFFFL; x1 ^= t << 32; x5 ^= t;
            t = ((x2 >>> 32) ^ x6) & 0x00000000FFFFFFFFL; x2 ^= t << 32; x6 ^= t;
            t = ((x3 >>> 32) ^ x7) & 0x00000000FFFFFFFFL; x3 ^= t << 32; x7 ^= t;
            t = ((x0 >>> 16) ^ x2) & 0x0000FFFF0000FFFFL; x0 ^= t << 16; x2 ^= t;
            t = ((x1 >>> 16) ^ x3) & 0x0000FFFF0000FFFFL; x1 ^= t << 16; x3 ^= t;
            t = ((x4 >>> 16) ^ x6) & 0x0000FFFF0000FFFFL; x4 ^= t << 16; x6 ^= t;
            t = ((x5 >>> 16) ^ x7) & 0x0000FFFF0000FFFFL; x5 ^= t << 16; x7 ^= t;
            t = ((x0 >>> 8) ^ x1) & 0x00FF00FF00FF00FFL; x0 ^= t << 8; x1 ^= t;
            t = ((x2 >>> 8) ^ x3) & 0x00FF00FF00FF00FFL; x2 ^= t << 8; x3 ^= t;
            t = ((x4 >>> 8) ^ x5) & 0x00FF00FF00FF00FFL; x4 ^= t << 8; x5 ^= t;
            t = ((x6 >>> 8) ^ x7) & 0x00FF00FF00FF00FFL; x6 ^= t << 8; x7 ^= t;
            int at = from + i;
            a[at] = Double.longBitsToDouble(x0);
            a[at + 1] = Double.longBitsToDouble(x1);
            a[at + 2] = Double.longBitsToDouble(x2);
            a[at + 3] = Double.longBitsToDouble(x3);
            a[at + 4] = Double.longBitsToDouble(x4);
            a[at + 5] = Double.longBitsToDouble(x5);
            a[at + 6] = Double.longBitsToDouble(x6);
            a[at + 7] = Double.longBitsToDouble(x7);
        }
        for (; i < n; i++) {
            a[from + i] = Double.longBitsToDouble(gather8(s, i, n));
        }
    }

    static void unshuffleLongs(byte[] s, long[] a, int from, int n) {
        int n2 = 2 * n, n3 = 3 * n, n4 = 4 * n, n5 = 5 * n, n6 = 6 * n, n7 = 7 * n;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x0 = (long) LONG_LE.get(s, i);
            long x1 = (long) LONG_LE.get(s, n + i);
            long x2 = (long) LONG_LE.get(s, n2 + i);
            long x3 = (long) LONG_LE.get(s, n3 + i);
            long x4 = (long) LONG_LE.get(s, n4 + i);
            long x5 = (long) LONG_LE.get(s, n5 + i);
            long x6 = (long) LONG_LE.get(s, n6 + i);
            long x7 = (long) LONG_LE.get(s, n7 + i);
            long t;
            t = ((x0 >>> 32) ^ x4) & 0x00000000FFFFFFFFL; x0 ^= t << 32; x4 ^= t;
            t = ((x1 >>> 32) ^ x5) & 0x00000000FFFFFFFFL; x1 ^= t << 32; x5 ^= t;
            t = ((x2 >>> 32) ^ x6) & 0x00000000FFFFFFFFL; x2 ^= t << 32; x6 ^= t;
            t = ((x3 >>> 32) ^ x7) & 0x00000000FFFFFFFFL; x3 ^= t << 32; x7 ^= t;
            t = ((x0 >>> 16) ^ x2) & 0x0000FFFF0000FFFFL; x0 ^= t << 16; x2 ^= t;
            t = ((x1 >>> 16) ^ x3) & 0x0000FFFF0000FFFFL; x1 ^= t << 16; x3 ^= t;
            t = ((x4 >>> 16) ^ x6) & 0x0000FFFF0000FFFFL; x4 ^= t << 16; x6 ^= t;
            t = ((x5 >>> 16) ^ x7) & 0x0000FFFF0000FFFFL; x5 ^= t << 16; x7 ^= t;
            t = ((x0 >>> 8) ^ x1) & 0x00FF00FF00FF00FFL; x0 ^= t << 8; x1 ^= t;
            t = ((x2 >>> 8) ^ x3) & 0x00FF00FF00FF00FFL; x2 ^= t << 8; x3 ^= t;
            t = ((x4 >>> 8) ^ x5) & 0x00FF00FF00FF00FFL; x4 ^= t << 8; x5 ^= t;
            t = ((x6 >>> 8) ^ x7) & 0x00FF00FF00FF00FFL; x6 ^= t << 8; x7 ^= t;
            int at = from + i;
            a[at] = x0;
            a[at + 1] = x1;
            a[at + 2] = x2;
            a[at + 3] = x3;
            a[at + 4] = x4;
            a[at + 5] = x5;
            a[at + 6] = x6;
            a[at + 7] = x7;
        }
        for (; i < n; i++) {
            a[from + i] = gather8(s, i, n);
        }
    }

    /*
     * The 4-byte shuffles: the same transpose on eight elements whose upper four bytes are zero. Its first round
     * then only packs element i + 4 above element i; the rows of the upper four bytes stay zero, so four longs
     * (the four byte planes of eight elements) are stored or loaded. The unshuffle runs the rounds backwards.
     */

    static void shuffleFloats(float[] a, int from, int n, byte[] d) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            int at = from + i;
            store4(d, i, n, Float.floatToRawIntBits(a[at]), Float.floatToRawIntBits(a[at + 1]),
                    Float.floatToRawIntBits(a[at + 2]), Float.floatToRawIntBits(a[at + 3]),
                    Float.floatToRawIntBits(a[at + 4]), Float.floatToRawIntBits(a[at + 5]),
                    Float.floatToRawIntBits(a[at + 6]), Float.floatToRawIntBits(a[at + 7]));
        }
        for (; i < n; i++) {
            scatter4(Float.floatToRawIntBits(a[from + i]), d, i, n);
        }
    }

    static void shuffleInts(int[] a, int from, int n, byte[] d) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            int at = from + i;
            store4(d, i, n, a[at], a[at + 1], a[at + 2], a[at + 3], a[at + 4], a[at + 5], a[at + 6], a[at + 7]);
        }
        for (; i < n; i++) {
            scatter4(a[from + i], d, i, n);
        }
    }

    /** Transposes elements v0..v7 into 4 byte planes and stores them at position {@code i} of the {@code n}-wide planes. */
    private static void store4(byte[] d, int i, int n, int v0, int v1, int v2, int v3, int v4, int v5, int v6,
            int v7) {
        long x0 = (v0 & 0xFFFFFFFFL) | (long) v4 << 32;
        long x1 = (v1 & 0xFFFFFFFFL) | (long) v5 << 32;
        long x2 = (v2 & 0xFFFFFFFFL) | (long) v6 << 32;
        long x3 = (v3 & 0xFFFFFFFFL) | (long) v7 << 32;
        long t;
        t = ((x0 >>> 16) ^ x2) & 0x0000FFFF0000FFFFL; x0 ^= t << 16; x2 ^= t;
        t = ((x1 >>> 16) ^ x3) & 0x0000FFFF0000FFFFL; x1 ^= t << 16; x3 ^= t;
        t = ((x0 >>> 8) ^ x1) & 0x00FF00FF00FF00FFL; x0 ^= t << 8; x1 ^= t;
        t = ((x2 >>> 8) ^ x3) & 0x00FF00FF00FF00FFL; x2 ^= t << 8; x3 ^= t;
        LONG_LE.set(d, i, x0);
        LONG_LE.set(d, n + i, x1);
        LONG_LE.set(d, 2 * n + i, x2);
        LONG_LE.set(d, 3 * n + i, x3);
    }

    static void unshuffleFloats(byte[] s, float[] a, int from, int n) {
        int n2 = 2 * n, n3 = 3 * n;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x0 = (long) LONG_LE.get(s, i);
            long x1 = (long) LONG_LE.get(s, n + i);
            long x2 = (long) LONG_LE.get(s, n2 + i);
            long x3 = (long) LONG_LE.get(s, n3 + i);
            long t;
            t = ((x0 >>> 8) ^ x1) & 0x00FF00FF00FF00FFL; x0 ^= t << 8; x1 ^= t;
            t = ((x2 >>> 8) ^ x3) & 0x00FF00FF00FF00FFL; x2 ^= t << 8; x3 ^= t;
            t = ((x0 >>> 16) ^ x2) & 0x0000FFFF0000FFFFL; x0 ^= t << 16; x2 ^= t;
            t = ((x1 >>> 16) ^ x3) & 0x0000FFFF0000FFFFL; x1 ^= t << 16; x3 ^= t;
            int at = from + i;
            a[at] = Float.intBitsToFloat((int) x0);
            a[at + 1] = Float.intBitsToFloat((int) x1);
            a[at + 2] = Float.intBitsToFloat((int) x2);
            a[at + 3] = Float.intBitsToFloat((int) x3);
            a[at + 4] = Float.intBitsToFloat((int) (x0 >>> 32));
            a[at + 5] = Float.intBitsToFloat((int) (x1 >>> 32));
            a[at + 6] = Float.intBitsToFloat((int) (x2 >>> 32));
            a[at + 7] = Float.intBitsToFloat((int) (x3 >>> 32));
        }
        for (; i < n; i++) {
            a[from + i] = Float.intBitsToFloat(gather4(s, i, n));
        }
    }

    static void unshuffleInts(byte[] s, int[] a, int from, int n) {
        int n2 = 2 * n, n3 = 3 * n;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x0 = (long) LONG_LE.get(s, i);
            long x1 = (long) LONG_LE.get(s, n + i);
            long x2 = (long) LONG_LE.get(s, n2 + i);
            long x3 = (long) LONG_LE.get(s, n3 + i);
            long t;
            t = ((x0 >>> 8) ^ x1) & 0x00FF00FF00FF00FFL; x0 ^= t << 8; x1 ^= t;
            t = ((x2 >>> 8) ^ x3) & 0x00FF00FF00FF00FFL; x2 ^= t << 8; x3 ^= t;
            t = ((x0 >>> 16) ^ x2) & 0x0000FFFF0000FFFFL; x0 ^= t << 16; x2 ^= t;
            t = ((x1 >>> 16) ^ x3) & 0x0000FFFF0000FFFFL; x1 ^= t << 16; x3 ^= t;
            int at = from + i;
            a[at] = (int) x0;
            a[at + 1] = (int) x1;
            a[at + 2] = (int) x2;
            a[at + 3] = (int) x3;
            a[at + 4] = (int) (x0 >>> 32);
            a[at + 5] = (int) (x1 >>> 32);
            a[at + 6] = (int) (x2 >>> 32);
            a[at + 7] = (int) (x3 >>> 32);
        }
        for (; i < n; i++) {
            a[from + i] = gather4(s, i, n);
        }
    }

    static void scatter8(long v, byte[] d, int i, int n) {
        d[i] = (byte) v;
        d[n + i] = (byte) (v >>> 8);
        d[2 * n + i] = (byte) (v >>> 16);
        d[3 * n + i] = (byte) (v >>> 24);
        d[4 * n + i] = (byte) (v >>> 32);
        d[5 * n + i] = (byte) (v >>> 40);
        d[6 * n + i] = (byte) (v >>> 48);
        d[7 * n + i] = (byte) (v >>> 56);
    }

    static long gather8(byte[] s, int i, int n) {
        return (s[i] & 0xffL) | (s[n + i] & 0xffL) << 8 | (s[2 * n + i] & 0xffL) << 16
                | (s[3 * n + i] & 0xffL) << 24 | (s[4 * n + i] & 0xffL) << 32 | (s[5 * n + i] & 0xffL) << 40
                | (s[6 * n + i] & 0xffL) << 48 | (s[7 * n + i] & 0xffL) << 56;
    }

    static void scatter4(int v, byte[] d, int i, int n) {
        d[i] = (byte) v;
        d[n + i] = (byte) (v >>> 8);
        d[2 * n + i] = (byte) (v >>> 16);
        d[3 * n + i] = (byte) (v >>> 24);
    }

    static int gather4(byte[] s, int i, int n) {
        return (s[i] & 0xff) | (s[n + i] & 0xff) << 8 | (s[2 * n + i] & 0xff) << 16 | (s[3 * n + i] & 0xff) << 24;
    }

    /** Writes straight to the stream under Kryo's Output, after flushing what Output buffered. */
    static void writeDirect(Output output, byte[] b, int off, int len) {
        writeDirect(output, b, off, len, false);
    }

    /**
     * Like {@link #writeDirect(Output, byte[], int, int)}; with {@code hashAsync} the hash of {@code b} may still be
     * running on return, so the caller must not modify {@code b} before the next write or the end of the encode.
     */
    static void writeDirect(Output output, byte[] b, int off, int len, boolean hashAsync) {
        OutputStream stream = output.getOutputStream();
        if (stream == null) {
            output.writeBytes(b, off, len);
            return;
        }
        output.flush();
        try {
            if (hashAsync && stream instanceof HashingOutputStream hashing) {
                hashing.writeHashAsync(b, off, len);
            } else {
                stream.write(b, off, len);
            }
        } catch (IOException e) {
            throw new KryoException(e);
        }
    }

    /**
     * Reads exactly {@code len} bytes: first what Kryo's Input already buffered (already hashed), then straight
     * from the hashing stream. With {@code hashAsync} the hash of the direct part may still be running on return,
     * and a hash still running from an earlier call may go on while this one fills {@code b}: {@code b} must not be
     * the buffer of that earlier call.
     */
    static void readDirect(Input input, byte[] b, int off, int len, boolean hashAsync) {
        int buffered = Math.min(input.limit() - input.position(), len);
        input.readBytes(b, off, buffered);
        off += buffered;
        len -= buffered;
        if (len == 0) {
            return;
        }
        InputStream stream = input.getInputStream();
        if (!(stream instanceof HashingInputStream hashing)) {
            input.readBytes(b, off, len);
            return;
        }
        try {
            if (hashAsync) {
                hashing.readFullyHashAsync(b, off, len);
            } else {
                hashing.readFully(b, off, len);
            }
        } catch (IOException e) {
            throw new KryoException(e);
        }
    }

    static final class ByteArraySerializer extends Serializer<byte[]> {
        ByteArraySerializer() {
            setAcceptsNull(true);
        }

        @Override
        public void write(Kryo kryo, Output output, byte[] array) {
            if (array == null) {
                output.writeVarInt(0, true);
                return;
            }
            output.writeVarInt(array.length + 1, true);
            if (array.length < DIRECT_MIN) {
                output.writeBytes(array);
            } else {
                writeDirect(output, array, 0, array.length);
            }
        }

        @Override
        public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
            int length = input.readVarInt(true);
            if (length == 0) {
                return null;
            }
            int n = length - 1;
            if (n >= HashingInputStream.ALLOCATE_AHEAD_MIN && input.getInputStream() instanceof HashingInputStream hashing) {
                try {
                    return hashing.readNewArray(input, n);
                } catch (IOException e) {
                    throw new KryoException(e);
                }
            }
            byte[] array = new byte[n];
            if (array.length < DIRECT_MIN) {
                input.readBytes(array);
            } else {
                readDirect(input, array, 0, array.length, false);
            }
            return array;
        }

        @Override
        public byte[] copy(Kryo kryo, byte[] original) {
            return original.clone();
        }
    }

    /**
     * Two blocks' shuffled bytes, used in turn: while one block's hash runs on the helper thread, the next block is
     * (de)compressed and (un)shuffled in the other, so hashing overlaps all the rest instead of only the
     * (un)shuffle. Shared by the shuffled serializers of one pooled Kryo, so never by two threads; a hash left
     * running is always on the block handed out last, and the next one handed out is the other.
     */
    static final class Blocks {
        private final byte[][] blocks = new byte[2][];
        private int turn;

        byte[] next() {
            turn ^= 1;
            byte[] block = blocks[turn];
            if (block == null) {
                block = new byte[BLOCK_BYTES];
                blocks[turn] = block;
            }
            return block;
        }
    }

    /** Byte-shuffled blocks for a numeric array type of {@code width} bytes per element. */
    abstract static class ShuffledArraySerializer<A> extends Serializer<A> {
        private final int width;
        private final int blockElements;
        private final Blocks blocks;

        ShuffledArraySerializer(int width, Blocks blocks) {
            this.width = width;
            this.blockElements = BLOCK_BYTES / width;
            this.blocks = blocks;
            setAcceptsNull(true);
        }

        abstract int length(A array);

        abstract A allocate(int n);

        abstract void writePlain(Output out, A array);

        abstract A readPlain(Input in, int n);

        abstract void shuffle(A array, int from, int n, byte[] dest);

        abstract void unshuffle(byte[] src, A array, int from, int n);

        @Override
        public void write(Kryo kryo, Output output, A array) {
            if (array == null) {
                output.writeVarInt(0, true);
                return;
            }
            int length = length(array);
            output.writeVarInt(length + 1, true);
            if (length < SHUFFLE_MIN) {
                writePlain(output, array);
                return;
            }
            for (int from = 0; from < length; from += blockElements) {
                int n = Math.min(blockElements, length - from);
                byte[] block = blocks.next();
                shuffle(array, from, n, block);
                // The hash of this block goes on while the next one is shuffled into the other buffer.
                writeDirect(output, block, 0, n * width, true);
            }
        }

        @Override
        public A read(Kryo kryo, Input input, Class<? extends A> type) {
            int length = input.readVarInt(true);
            if (length == 0) {
                return null;
            }
            length--;
            if (length < SHUFFLE_MIN) {
                return readPlain(input, length);
            }
            A array = allocate(length);
            for (int from = 0; from < length; from += blockElements) {
                int n = Math.min(blockElements, length - from);
                byte[] block = blocks.next();
                // The hash of this block runs on the helper thread while we unshuffle it and decompress the next.
                readDirect(input, block, 0, n * width, true);
                unshuffle(block, array, from, n);
            }
            return array;
        }

        @Override
        public A copy(Kryo kryo, A original) {
            throw new UnsupportedOperationException("copy is not used by the codec");
        }
    }
}
