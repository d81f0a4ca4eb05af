package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.io.Input;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Hashes the serialized bytes as they come out of the decompressor. */
final class HashingInputStream extends InputStream {
    /** Slice size for {@link #readFully}: big enough to amortize a hand-off, small enough to overlap well. */
    private static final int SLICE = 4 << 20;
    /** Arrays at least this long are allocated on another thread while their first bytes are read and hashed. */
    static final int ALLOCATE_AHEAD_MIN = 16 << 20;
    /** At most this many bytes (and at most a quarter of the array) are read ahead of the array's allocation. */
    static final int READ_AHEAD_MAX = 64 << 20;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService ALLOCATORS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baton-codec-allocate-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

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

    /**
     * Reads a new {@code byte[length]} whose first bytes may already sit in Kryo's {@code input} buffer (already
     * hashed) and whose rest comes from this stream, hashing as {@link #readFully} does.
     *
     * <p>Why not {@code new byte[length]} then {@link #readFully}: the JVM zeroes a new array before returning it,
     * and for a large one that is the first touch of fresh memory (for 256 MiB about 65,000 page faults, 0.1 s and
     * more in a fresh JVM; still a 256 MiB memset in a warm one). Done first, it delays the first byte handed to the
     * SHA-256 thread, which is the critical path of a large load. So the array is allocated on another thread while
     * the first bytes are read into separate slices and hashed; once it exists, the slices are copied in (the bytes
     * that were hashed, so the value is still exactly what was checked) and the rest is read straight into it.
     * Reading ahead stops when the array is ready, or at {@link #READ_AHEAD_MAX} bytes (a quarter of the array at
     * most), which bounds the extra memory.
     *
     * @throws java.io.EOFException when the stream ends first
     */
    byte[] readNewArray(Input input, int length) throws IOException {
        Future<byte[]> allocation = ALLOCATORS.submit(() -> new byte[length]);
        int limit = Math.min(READ_AHEAD_MAX, length / 4);
        List<byte[]> ahead = new ArrayList<>();
        int buffered = Math.min(input.limit() - input.position(), length);
        int done = 0;
        try {
            // at least one slice: it also takes what Kryo buffered (at most its 64 KiB, less than a slice)
            while (done == 0 || done < limit && !allocation.isDone()) {
                byte[] slice = new byte[Math.max(Math.min(SLICE, limit - done), buffered)];
                int from = 0;
                if (done == 0) {
                    input.readBytes(slice, 0, buffered); // already hashed by read(), as Kryo filled its buffer
                    from = buffered;
                }
                readExactly(slice, from, slice.length - from);
                sha.updateAsync(slice, from, slice.length - from);
                ahead.add(slice);
                done += slice.length;
            }
            byte[] array = allocated(allocation);
            int at = 0;
            for (byte[] slice : ahead) {
                // the hash of the last slice may still be running: both only read it
                System.arraycopy(slice, 0, array, at, slice.length);
                at += slice.length;
            }
            readFully(array, done, length - done);
            return array;
        } finally {
            sha.await();
        }
    }

    /** Waits for the allocation (uninterruptibly: it cannot be stopped), rethrowing its OutOfMemoryError. */
    private static byte[] allocated(Future<byte[]> allocation) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return allocation.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException("allocating a byte[] failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
