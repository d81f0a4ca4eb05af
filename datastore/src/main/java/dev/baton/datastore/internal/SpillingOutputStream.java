package dev.baton.datastore.internal;

import dev.baton.datastore.spi.ObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Buffers an encoded blob in memory up to a limit and spills it to a {@link ObjectStore#stage() staged object}
 * beyond it. Small values (the common case: scalars, short strings, small records) are then stored with one
 * {@link ObjectStore#writeIfAbsent} once their key is known, which on the local filesystem skips an extra file and
 * on S3 is one request instead of a multipart upload; large values still stream with bounded memory.
 */
final class SpillingOutputStream extends OutputStream {
    private final ObjectStore store;
    private final int limit;
    private byte[] buffer;
    private int count;
    private ObjectStore.Staged staged;
    private OutputStream sink;

    SpillingOutputStream(ObjectStore store, int limit) {
        this.store = store;
        this.limit = limit;
        this.buffer = new byte[Math.min(limit, 256)];
    }

    @Override
    public void write(int b) throws IOException {
        if (sink == null && count < limit) {
            ensureCapacity(count + 1);
            buffer[count++] = (byte) b;
        } else {
            spill().write(b);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (sink == null && length <= limit - count) {
            ensureCapacity(count + length);
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        } else {
            spill().write(bytes, offset, length);
        }
    }

    @Override
    public void flush() throws IOException {
        if (sink != null) {
            sink.flush();
        }
    }

    /** Closing is left to {@link #discard()}: the codec contract is not to close, and commit closes the stage. */
    @Override
    public void close() {
        // intentionally empty
    }

    /** True when the bytes went to a staged object. */
    boolean spilled() {
        return staged != null;
    }

    /** The staged object holding the bytes, when {@link #spilled()}. */
    ObjectStore.Staged staged() {
        return staged;
    }

    /** The buffered bytes, when not {@link #spilled()}. */
    byte[] bytes() {
        return count == buffer.length ? buffer : Arrays.copyOf(buffer, count);
    }

    /** Drops the staged object if it was not committed (idempotent). */
    void discard() {
        if (staged != null) {
            staged.close();
        }
        buffer = null;
    }

    private OutputStream spill() throws IOException {
        if (sink == null) {
            staged = store.stage();
            sink = staged.out();
            sink.write(buffer, 0, count);
            buffer = null;
            count = 0;
        }
        return sink;
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(needed, buffer.length * 2)));
        }
    }
}
