package dev.baton.datastore.internal.s3;

import dev.baton.flow.BatonException;
import dev.baton.flow.TransientFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A large object read as parallel ranged GETs that stream in order, when one connection is the bottleneck.
 *
 * <p>The first part streams straight from the whole-object GET that discovered the object's size, and tells how
 * fast one connection delivers: the time spent waiting in its reads. When it delivered at least
 * {@code singleStreamBytesPerSecond}, the bottleneck is the CPU (a server next to the client, or a small
 * machine), where more connections only add work: the same response goes on streaming the rest, with no second
 * request. Otherwise (S3 serves one connection at far less than a machine can take in) that response is dropped
 * at the part boundary and up to {@code window} later parts are fetched ahead, in parallel, each into a buffer
 * of its own, and handed to the reader in order. The buffers are recycled from part to part: extra memory is
 * {@code (window + 1) x partSize} whatever the object's size, allocated once per stream (a fresh array per part
 * would be a humongous allocation, zeroed and collected, for every 16 MiB read).
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
    private final double singleStreamBytesPerSecond;
    private final ArrayDeque<Future<byte[]>> ahead = new ArrayDeque<>();
    /** Buffers free for the next fetch; only the reading thread touches this. */
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private int buffers;
    /** The whole-object response: the first part's stream, or every part's when one stream is fast enough. */
    private RangeReader.Resuming head;
    /** Nanoseconds spent in the head's reads during the first part. */
    private long headNanos;
    private boolean decided;
    private boolean parallel;
    /** The part being read, when it is not the head, with the read position and length in it. */
    private byte[] part;
    private int partPosition;
    private int partLength;
    /** Where the part being read starts in the object. */
    private long partStart;
    private long nextToFetch;
    private boolean closed;

    RangedInputStream(RangeReader reader, RangeReader.Resuming head, long total, long partSize, int window,
            double singleStreamBytesPerSecond, ExecutorService executor) {
        this.reader = reader;
        this.head = head;
        this.total = total;
        this.partSize = partSize;
        this.window = window;
        this.singleStreamBytesPerSecond = singleStreamBytesPerSecond;
        this.executor = executor;
        this.nextToFetch = Math.min(partSize, total);
    }

    private void fill() {
        while (ahead.size() < window && nextToFetch < total) {
            long start = nextToFetch;
            long end = Math.min(total, start + partSize);
            byte[] buffer = free.poll();
            if (buffer == null) {
                if (buffers >= window + 1) {
                    return; // every buffer is fetched into or being read: wait for the reader
                }
                // sized for the parts still to come: a two-part object does not allocate a whole part twice
                buffer = new byte[(int) Math.min(partSize, total - start)];
                buffers++;
            } else if (buffer.length < end - start) {
                buffer = new byte[(int) (end - start)];
            }
            byte[] into = buffer;
            ahead.add(executor.submit(() -> {
                reader.fetch(start, end, into);
                return into;
            }));
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
            if (head != null) {
                long start = decided ? 0 : System.nanoTime();
                int n = head.read(b, off, len);
                if (!decided) {
                    headNanos += System.nanoTime() - start;
                }
                if (n >= 0) {
                    return n;
                }
                if (!decided) {
                    decided = true;
                    double rate = partSize / Math.max(headNanos / 1e9, 1e-9);
                    parallel = rate < singleStreamBytesPerSecond;
                    if (!parallel) {
                        nextToFetch = total;
                        head.extendTo(total);
                        continue;
                    }
                }
                if (!parallel) {
                    return -1;
                }
                head.close();
                head = null;
                partStart = 0;
                partLength = (int) Math.min(partSize, total);
                partPosition = partLength;
            } else if (partPosition < partLength) {
                int n = Math.min(len, partLength - partPosition);
                System.arraycopy(part, partPosition, b, off, n);
                partPosition += n;
                return n;
            }
            if (!nextPart()) {
                return -1;
            }
        }
    }

    /** Moves to the next fetched part, recycling the buffer of the one just read; false at the end. */
    private boolean nextPart() throws IOException {
        fill();
        Future<byte[]> next = ahead.poll();
        if (next == null) {
            return false;
        }
        if (part != null) {
            free.add(part);
            part = null;
        }
        byte[] fetched = await(next);
        partStart += partLength;
        part = fetched;
        partPosition = 0;
        partLength = (int) Math.min(partSize, total - partStart);
        fill();
        return true;
    }

    /** Parts requested ahead of the reader and not yet handed to it (for tests of the memory bound). */
    int partsAhead() {
        return ahead.size();
    }

    /** Whether the parts after the first are being fetched in parallel (decided at the first part's end). */
    boolean parallel() {
        return parallel;
    }

    /** The end of the last range requested so far (the object's size once one stream reads it all). */
    long fetchedUpTo() {
        return nextToFetch;
    }

    @Override
    public int available() throws IOException {
        if (closed) {
            return 0;
        }
        return head != null ? head.available() : partLength - partPosition;
    }

    private byte[] await(Future<byte[]> fetched) throws IOException {
        try {
            return fetched.get();
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
        free.clear();
        part = null;
        if (head != null) {
            head.close();
            head = null;
        }
    }
}
