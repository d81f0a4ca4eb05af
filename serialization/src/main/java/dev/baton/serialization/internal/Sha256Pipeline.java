package dev.baton.serialization.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SHA-256 that can run large updates on a helper thread while the caller compresses or decompresses the same
 * bytes, so hashing (about 1.5 GiB/s with SHA-NI) overlaps zstd instead of adding to it. Updates stay strictly
 * in order: every update first waits for the pending one. Not thread-safe; one per encode or decode.
 *
 * <p>The caller must not modify a buffer handed to {@link #updateAsync} until {@link #await()} (or the next
 * update) returns.
 */
final class Sha256Pipeline {
    /** Below this, a thread hand-off costs more than it saves. */
    static final int ASYNC_MIN = 1 << 20;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService HASHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baton-codec-sha256-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final MessageDigest sha;
    private Future<?> pending;
    private long count;

    Sha256Pipeline() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Starts a new digest. */
    void reset() {
        await();
        sha.reset();
        count = 0;
    }

    void update(byte[] b, int off, int len) {
        await();
        sha.update(b, off, len);
        count += len;
    }

    /** Hashes {@code b[off, off+len)} on a helper thread when it is large enough to be worth it. */
    void updateAsync(byte[] b, int off, int len) {
        await();
        if (len < ASYNC_MIN) {
            sha.update(b, off, len);
        } else {
            pending = HASHERS.submit(() -> sha.update(b, off, len));
        }
        count += len;
    }

    /** Waits for the pending update, if any. */
    void await() {
        Future<?> p = pending;
        if (p == null) {
            return;
        }
        pending = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    p.get();
                    break;
                } catch (InterruptedException e) {
                    // The helper is reading the caller's buffer: returning before it finishes would let the caller
                    // reuse that buffer under it, so finish waiting and restore the interrupt afterwards.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("SHA-256 update failed", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Bytes hashed (or handed to the helper) since {@link #reset()}. */
    long count() {
        return count;
    }

    /** The digest of everything updated since {@link #reset()}. */
    byte[] digest() {
        await();
        return sha.digest();
    }
}
