package dev.baton.serialization.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Hashes the serialized bytes on their way to the compressor. Large writes are hashed on a helper thread while
 * the compressor reads the same bytes (both only read them).
 */
final class HashingOutputStream extends OutputStream {
    private final Sha256Pipeline sha;
    private OutputStream next;

    HashingOutputStream(Sha256Pipeline sha) {
        this.sha = sha;
    }

    void setNext(OutputStream next) {
        this.next = next;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= Sha256Pipeline.ASYNC_MIN) {
            sha.updateAsync(b, off, len);
            try {
                next.write(b, off, len);
            } finally {
                sha.await();
            }
        } else {
            sha.update(b, off, len);
            next.write(b, off, len);
        }
    }

    /**
     * Writes like {@link #write(byte[], int, int)} but leaves a large write's hash pending (any later update or
     * digest waits for it), so that it overlaps whatever the caller does next. The caller must not modify
     * {@code b[off, off+len)} before its next write or the end of the encode.
     */
    void writeHashAsync(byte[] b, int off, int len) throws IOException {
        sha.updateAsync(b, off, len);
        next.write(b, off, len);
    }

    /**
     * Not forwarded: Kryo's Output flushes its stream every time its buffer fills, and a zstd flush ends a block
     * (worse ratio, slower). The compressor is finished once, by the codec, at the end.
     */
    @Override
    public void flush() {}
}
