package dev.baton.serialization.internal;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where the serialized bytes go on their way into the {@linkplain FrameOutputStream frame}: it decides, per blob,
 * whether the payload is stored zstd-compressed or as it is, and sets the header's compression id accordingly.
 *
 * <p>The choice is made on the first {@link #SAMPLE} serialized bytes (or on all of them, for a smaller value):
 * they are compressed once at the codec's level, and unless that saves at least {@code 1/}{@link #MIN_GAIN} of
 * them, the blob is stored uncompressed. Why: zstd gains nothing on random or already-compressed data (a 256 MiB
 * random {@code byte[]} becomes 14 KiB <i>larger</i>), but it still costs a pass over the bytes when saving and
 * two copies through its window when loading; a stored-as-is payload is read straight into the value's own array.
 * The content key hashes the serialized bytes, so the choice never changes a value's key, and any reader of format
 * version 1 decodes both kinds. A value that fits in the sample is written as the one zstd frame compressed while
 * deciding (no second compression). A wrong guess from an unrepresentative head (an incompressible head followed
 * by compressible data) costs stored size, never correctness.
 *
 * <p>At level 0 nothing is sampled: the payload is always stored as it is.
 */
final class PayloadOutputStream extends OutputStream {
    /** Bytes sampled before choosing: one zstd block. */
    static final int SAMPLE = 128 << 10;
    /** zstd is kept when it saves at least 1/MIN_GAIN of the sample. */
    static final int MIN_GAIN = 32;

    private final OutputStream sink;
    private final int level;
    private final byte[] sample;
    private int sampled;
    private FrameOutputStream frame;
    /** The frame itself, or a zstd stream over it; null until the choice is made. */
    private OutputStream payload;
    private boolean poisoned;

    /**
     * @param sink the caller's stream (never closed)
     * @param level the zstd level, or 0 to store every payload as it is
     * @param sample a buffer of at least {@link #SAMPLE} bytes, owned by the caller (reused across encodes)
     */
    PayloadOutputStream(OutputStream sink, int level, byte[] sample) {
        this.sink = sink;
        this.level = level;
        this.sample = sample;
        if (level == 0) {
            frame = new FrameOutputStream(sink, BlobFormat.COMPRESSION_NONE);
            payload = frame;
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (payload != null) {
            payload.write(b, off, len);
            return;
        }
        int taken = Math.min(len, SAMPLE - sampled);
        System.arraycopy(b, off, sample, sampled, taken);
        sampled += taken;
        if (sampled < SAMPLE) {
            return;
        }
        choose(false);
        // the rest of a large write goes on without being copied
        if (len > taken) {
            payload.write(b, off + taken, len - taken);
        }
    }

    /**
     * Ends the payload: makes the choice if the value was smaller than the sample, and finishes the zstd frame if
     * there is one. The caller's stream stays open; {@link #finish} writes the trailer.
     */
    @Override
    public void close() throws IOException {
        if (payload == null) {
            choose(true);
        }
        if (payload != frame) {
            payload.close();
        }
    }

    /** Writes the trailer; the blob is complete after this. */
    void finish(long serializedLength, byte[] sha256) throws IOException {
        frame.finish(serializedLength, sha256);
    }

    /** Bytes emitted to the caller's stream so far. */
    long written() {
        return frame == null ? 0 : frame.written();
    }

    /** The compression id the blob was written with (for tests); -1 before the choice. */
    int compression() {
        return frame == null ? -1 : frame.compressionId();
    }

    /**
     * The encode failed: nothing more reaches the caller's stream (no trailer: the partial blob can never pass for a
     * valid one), and zstd's native context is released.
     */
    void poison() {
        poisoned = true;
        if (frame != null) {
            frame.poison();
        }
        if (payload != null && payload != frame) {
            try {
                payload.close();
            } catch (IOException | RuntimeException ignored) {
                // The encode already failed with the exception that matters; the poisoned frame drops the bytes.
            }
        }
    }

    private void choose(boolean whole) throws IOException {
        if (poisoned) {
            throw new IllegalStateException("the payload of a failed encode cannot continue");
        }
        byte[] compressed = new byte[(int) Zstd.compressBound(sampled)];
        long result = Zstd.compressByteArray(compressed, 0, compressed.length, sample, 0, sampled, level);
        if (Zstd.isError(result)) {
            throw new IOException("zstd could not compress the payload's first bytes: " + Zstd.getErrorName(result));
        }
        int size = (int) result;
        boolean compress = size <= sampled - sampled / MIN_GAIN && size < sampled;
        frame = new FrameOutputStream(sink, compress ? BlobFormat.COMPRESSION_ZSTD : BlobFormat.COMPRESSION_NONE);
        if (!compress) {
            payload = frame;
            frame.write(sample, 0, sampled);
        } else if (whole) {
            // the whole value was compressed while deciding: that frame is the payload
            payload = frame;
            frame.write(compressed, 0, size);
        } else {
            payload = zstd(frame);
            payload.write(sample, 0, sampled);
        }
    }

    private OutputStream zstd(FrameOutputStream frame) throws IOException {
        ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(frame, RecyclingBufferPool.INSTANCE);
        zstd.setLevel(level);
        // No zstd content checksum (XXH64, one more pass over every byte on both sides): the SHA-256 in the
        // trailer already covers the decompressed bytes, and the CRC32C every stored byte. Blobs written with
        // the checksum still decode (zstd verifies it when present).
        zstd.setChecksum(false);
        return zstd;
    }
}
