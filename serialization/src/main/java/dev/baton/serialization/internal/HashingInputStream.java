package dev.baton.serialization.internal;

import java.io.IOException;
import java.io.InputStream;

/** Hashes the serialized bytes as they come out of the decompressor. */
final class HashingInputStream extends InputStream {
    /** Slice size for {@link #readFully}: big enough to amortize a hand-off, small enough to overlap well. */
    private static final int SLICE = 4 << 20;

    private final Sha256Pipeline sha;
    private InputStream next;

    HashingInputStream(Sha256Pipeline sha) {
        this.sha = sha;
    }

    void setNext(InputStream next) {
        this.next = next;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = next.read(b, off, len);
        if (n > 0) {
            sha.update(b, off, n);
        }
        return n;
    }

    /**
     * Fills {@code b[off, off+len)} exactly, hashing each slice on a helper thread while the next slice is being
     * decompressed; the destination regions are disjoint, so nothing is read while it is written.
     *
     * @throws java.io.EOFException when the stream ends first
     */
    void readFully(byte[] b, int off, int len) throws IOException {
        try {
            while (len > 0) {
                int slice = Math.min(len, SLICE);
                readExactly(b, off, slice);
                sha.updateAsync(b, off, slice);
                off += slice;
                len -= slice;
            }
        } finally {
            sha.await();
        }
    }

    /**
     * Like {@link #readFully} but leaves the hash of the bytes pending (any later update or digest waits for it).
     * A hash left pending by the previous call runs on while this one reads: {@code b} must be another buffer.
     */
    void readFullyHashAsync(byte[] b, int off, int len) throws IOException {
        readExactly(b, off, len);
        sha.updateAsync(b, off, len);
    }

    private void readExactly(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = next.read(b, off, len);
            if (n < 0) {
                throw new java.io.EOFException("the serialized value ends early");
            }
            off += n;
            len -= n;
        }
    }
}
