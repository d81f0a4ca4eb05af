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
    /** Bytes per shuffled block: one block is hashed on the helper thread while zstd compresses it. */
    static final int BLOCK_BYTES = Sha256Pipeline.ASYNC_MIN;

    /**
     * Kryo registration ids of these array types: fixed, as they are part of blob format version 1 (Kryo itself
     * uses 0..9 for primitives and String).
     */
    static final int FIRST_ID = 20;

    private ArraySerializers() {}

    static void register(Kryo kryo) {
        kryo.register(byte[].class, new ByteArraySerializer(), FIRST_ID);
        kryo.register(double[].class, new ShuffledArraySerializer<double[]>(8) {
            @Override int length(double[] a) { return a.length; }
            @Override double[] allocate(int n) { return new double[n]; }
            @Override void writePlain(Output out, double[] a) { out.writeDoubles(a, 0, a.length); }
            @Override double[] readPlain(Input in, int n) { return in.readDoubles(n); }
            @Override void shuffle(double[] a, int from, int n, byte[] d) {
                long[] x = new long[8];
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    for (int k = 0; k < 8; k++) {
                        x[k] = Double.doubleToRawLongBits(a[from + i + k]);
                    }
                    transposeOut(x, d, i, n);
                }
                for (; i < n; i++) {
                    scatter8(Double.doubleToRawLongBits(a[from + i]), d, i, n);
                }
            }
            @Override void unshuffle(byte[] s, double[] a, int from, int n) {
                long[] x = new long[8];
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    transposeIn(s, i, n, x);
                    for (int k = 0; k < 8; k++) {
                        a[from + i + k] = Double.longBitsToDouble(x[k]);
                    }
                }
                for (; i < n; i++) {
                    a[from + i] = Double.longBitsToDouble(gather8(s, i, n));
                }
            }
        }, FIRST_ID + 1);
        kryo.register(long[].class, new ShuffledArraySerializer<long[]>(8) {
            @Override int length(long[] a) { return a.length; }
            @Override long[] allocate(int n) { return new long[n]; }
            @Override void writePlain(Output out, long[] a) { out.writeLongs(a, 0, a.length); }
            @Override long[] readPlain(Input in, int n) { return in.readLongs(n); }
            @Override void shuffle(long[] a, int from, int n, byte[] d) {
                long[] x = new long[8];
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    System.arraycopy(a, from + i, x, 0, 8);
                    transposeOut(x, d, i, n);
                }
                for (; i < n; i++) {
                    scatter8(a[from + i], d, i, n);
                }
            }
            @Override void unshuffle(byte[] s, long[] a, int from, int n) {
                long[] x = new long[8];
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    transposeIn(s, i, n, x);
                    System.arraycopy(x, 0, a, from + i, 8);
                }
                for (; i < n; i++) {
                    a[from + i] = gather8(s, i, n);
                }
            }
        }, FIRST_ID + 2);
        kryo.register(float[].class, new ShuffledArraySerializer<float[]>(4) {
            @Override int length(float[] a) { return a.length; }
            @Override float[] allocate(int n) { return new float[n]; }
            @Override void writePlain(Output out, float[] a) { out.writeFloats(a, 0, a.length); }
            @Override float[] readPlain(Input in, int n) { return in.readFloats(n); }
            @Override void shuffle(float[] a, int from, int n, byte[] d) {
                for (int i = 0; i < n; i++) {
                    scatter4(Float.floatToRawIntBits(a[from + i]), d, i, n);
                }
            }
            @Override void unshuffle(byte[] s, float[] a, int from, int n) {
                for (int i = 0; i < n; i++) {
                    a[from + i] = Float.intBitsToFloat(gather4(s, i, n));
                }
            }
        }, FIRST_ID + 3);
        kryo.register(int[].class, new ShuffledArraySerializer<int[]>(4) {
            @Override int length(int[] a) { return a.length; }
            @Override int[] allocate(int n) { return new int[n]; }
            @Override void writePlain(Output out, int[] a) { out.writeInts(a, 0, a.length); }
            @Override int[] readPlain(Input in, int n) { return in.readInts(n); }
            @Override void shuffle(int[] a, int from, int n, byte[] d) {
                for (int i = 0; i < n; i++) {
                    scatter4(a[from + i], d, i, n);
                }
            }
            @Override void unshuffle(byte[] s, int[] a, int from, int n) {
                for (int i = 0; i < n; i++) {
                    a[from + i] = gather4(s, i, n);
                }
            }
        }, FIRST_ID + 4);
    }

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Transposes the 8x8 byte matrix whose rows are {@code x[0..7]} (row k = element k, column j = its byte j) in
     * place: afterwards {@code x[j]} holds byte j of the 8 elements, in element order. Three rounds of block swaps
     * (4x4, 2x2, 1x1) with shifts and masks: 8 long stores instead of 64 byte stores. Its own inverse.
     */
    static void transpose8x8(long[] x) {
        for (int i = 0; i < 4; i++) {
            long t = ((x[i] >>> 32) ^ x[i + 4]) & 0x00000000FFFFFFFFL;
            x[i] ^= t << 32;
            x[i + 4] ^= t;
        }
        for (int i : new int[] {0, 1, 4, 5}) {
            long t = ((x[i] >>> 16) ^ x[i + 2]) & 0x0000FFFF0000FFFFL;
            x[i] ^= t << 16;
            x[i + 2] ^= t;
        }
        for (int i = 0; i < 8; i += 2) {
            long t = ((x[i] >>> 8) ^ x[i + 1]) & 0x00FF00FF00FF00FFL;
            x[i] ^= t << 8;
            x[i + 1] ^= t;
        }
    }

    /** Shuffles 8 elements (as raw longs in {@code x}, clobbered) to position {@code i} of the {@code n}-wide planes. */
    static void transposeOut(long[] x, byte[] d, int i, int n) {
        transpose8x8(x);
        for (int j = 0; j < 8; j++) {
            LONG_LE.set(d, j * n + i, x[j]);
        }
    }

    /** Reads 8 shuffled elements at position {@code i} of the {@code n}-wide planes into {@code x}. */
    static void transposeIn(byte[] s, int i, int n, long[] x) {
        for (int j = 0; j < 8; j++) {
            x[j] = (long) LONG_LE.get(s, j * n + i);
        }
        transpose8x8(x);
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
        OutputStream stream = output.getOutputStream();
        if (stream == null) {
            output.writeBytes(b, off, len);
            return;
        }
        output.flush();
        try {
            stream.write(b, off, len);
        } catch (IOException e) {
            throw new KryoException(e);
        }
    }

    /**
     * Reads exactly {@code len} bytes: first what Kryo's Input already buffered (already hashed), then straight
     * from the hashing stream. With {@code hashAsync} the hash of the direct part may still be running on return.
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
            byte[] array = new byte[length - 1];
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

    /** Byte-shuffled blocks for a numeric array type of {@code width} bytes per element. */
    abstract static class ShuffledArraySerializer<A> extends Serializer<A> {
        private final int width;
        private final int blockElements;
        /** One block's shuffled bytes; one serializer per pooled Kryo, so never shared between threads. */
        private byte[] scratch;

        ShuffledArraySerializer(int width) {
            this.width = width;
            this.blockElements = BLOCK_BYTES / width;
            setAcceptsNull(true);
        }

        abstract int length(A array);

        abstract A allocate(int n);

        abstract void writePlain(Output out, A array);

        abstract A readPlain(Input in, int n);

        abstract void shuffle(A array, int from, int n, byte[] dest);

        abstract void unshuffle(byte[] src, A array, int from, int n);

        private byte[] scratch() {
            if (scratch == null) {
                scratch = new byte[BLOCK_BYTES];
            }
            return scratch;
        }

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
            byte[] block = scratch();
            for (int from = 0; from < length; from += blockElements) {
                int n = Math.min(blockElements, length - from);
                shuffle(array, from, n, block);
                writeDirect(output, block, 0, n * width);
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
            byte[] block = scratch();
            for (int from = 0; from < length; from += blockElements) {
                int n = Math.min(blockElements, length - from);
                // The hash of this block runs on the helper thread while we unshuffle it; the next read waits.
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
