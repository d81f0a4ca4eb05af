package dev.baton.datastore.internal.s3;

import dev.baton.flow.BatonException;
import dev.baton.flow.TransientFailureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A large object read as parallel ranged GETs that stream in order. The first part streams straight from the
 * response that discovered the object's size; up to {@code window} later parts are fetched ahead, in parallel,
 * each into its own buffer, and handed to the reader in order. Extra memory is bounded by
 * {@code window x partSize} whatever the object's size.
 *
 * <p>Ranged GETs rather than {@code GET ?partNumber=}: they work on every S3-compatible server (S3Proxy answers
 * partNumber GETs with 501) and do not depend on how the object was uploaded.
 */
final class RangedInputStream extends InputStream {
    private final RangeReader reader;
    private final long total;
    private final long partSize;
    private final int window;
    private final ExecutorService executor;
    private final ArrayDeque<Future<byte[]>> ahead = new ArrayDeque<>();
    private InputStream current;
    private long nextToFetch;
    private boolean closed;

    RangedInputStream(
            RangeReader reader, InputStream head, long total, long partSize, int window, ExecutorService executor) {
        this.reader = reader;
        this.current = head;
        this.total = total;
        this.partSize = partSize;
        this.window = window;
        this.executor = executor;
        this.nextToFetch = Math.min(partSize, total);
        fill();
    }

    private void fill() {
        while (ahead.size() < window && nextToFetch < total) {
            long start = nextToFetch;
            long end = Math.min(total, start + partSize);
            ahead.add(executor.submit(() -> reader.fetch(start, end)));
            nextToFetch = end;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream of " + reader.key() + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n = current.read(b, off, len);
            if (n >= 0) {
                return n;
            }
            current.close();
            Future<byte[]> next = ahead.poll();
            if (next == null) {
                return -1;
            }
            current = new ByteArrayInputStream(await(next));
            fill();
        }
    }

    /** Parts requested ahead of the reader and not yet handed to it (for tests of the memory bound). */
    int partsAhead() {
        return ahead.size();
    }

    /** The end of the last range requested so far. */
    long fetchedUpTo() {
        return nextToFetch;
    }

    @Override
    public int available() throws IOException {
        return closed ? 0 : current.available();
    }

    private byte[] await(Future<byte[]> part) throws IOException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + reader.key());
        } catch (CancellationException e) {
            throw new TransientFailureException("read of " + reader.key() + " was cancelled (store closed?)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BatonException be) {
                throw be;
            }
            throw new TransientFailureException("could not read part of " + reader.key() + ": " + cause, cause);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (Future<byte[]> f : ahead) {
            f.cancel(true);
        }
        ahead.clear();
        current.close();
    }
}
