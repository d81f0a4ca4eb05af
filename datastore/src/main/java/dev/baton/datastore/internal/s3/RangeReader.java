package dev.baton.datastore.internal.s3;

import dev.baton.flow.TransientFailureException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads byte ranges of one object, resuming a body that breaks off mid-transfer (a reset connection, a
 * truncated response) with a new ranged GET from the first missing byte. The SDK retries failed requests, but
 * not a body that fails after the response started: this is the other half of "a run never fails on a single
 * transient error". Every GET after the first carries {@code If-Match} with the first response's ETag, so the
 * pieces always come from one version of the object.
 */
final class RangeReader {
    private static final Logger LOG = LoggerFactory.getLogger(RangeReader.class);

    private final S3ObjectStore store;
    private final String key;
    private final String etag;
    private final int maxAttempts;

    RangeReader(S3ObjectStore store, String key, String etag) {
        this.store = store;
        this.key = key;
        this.etag = etag;
        this.maxAttempts = store.settings().maxAttempts();
    }

    String key() {
        return key;
    }

    /** A GET of {@code [start, end)}. */
    ResponseInputStream<GetObjectResponse> get(long start, long end) {
        GetObjectRequest.Builder b = GetObjectRequest.builder()
                .bucket(store.settings().bucket())
                .key(key)
                .range("bytes=" + start + "-" + (end - 1));
        if (etag != null) {
            b.ifMatch(etag);
        }
        try {
            return store.client().getObject(b.build());
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new TransientFailureException("object s3://" + store.settings().bucket() + "/" + key
                        + " was replaced while being read; read it again", e);
            }
            throw S3Errors.translate("read", store.settings().bucket(), key, e);
        } catch (RuntimeException e) {
            throw S3Errors.translate("read", store.settings().bucket(), key, e);
        }
    }

    /** Fetches {@code [start, end)} whole into {@code buffer[0, end - start)}, resuming after body failures. */
    void fetch(long start, long end, byte[] buffer) {
        int length = Math.toIntExact(end - start);
        int filled = 0;
        int failures = 0;
        while (filled < length) {
            ResponseInputStream<GetObjectResponse> in = get(start + filled, end);
            try {
                while (filled < length) {
                    int n = in.read(buffer, filled, length - filled);
                    if (n < 0) {
                        throw new EOFException("body ended " + (length - filled) + " bytes early");
                    }
                    filled += n;
                }
                in.close();
            } catch (IOException e) {
                in.abort();
                failures = failed(failures, start + filled, e);
            }
        }
    }

    /**
     * Streams {@code [start, end)} from {@code response}, whose body runs from {@code start} to
     * {@code responseEnd} ({@code >= end}), resuming after body failures with ranged GETs up to {@code end}.
     * Closing the stream before {@code responseEnd} aborts the response rather than draining what nobody reads.
     */
    Resuming resume(ResponseInputStream<GetObjectResponse> response, long start, long end, long responseEnd) {
        return new Resuming(response, start, end, responseEnd);
    }

    private int failed(int failures, long position, IOException e) {
        int n = failures + 1;
        if (n >= maxAttempts) {
            throw S3Errors.translate("read", store.settings().bucket(), key, e);
        }
        LOG.debug("resuming s3://{}/{} at byte {} after: {}", store.settings().bucket(), key, position, e.toString());
        return n;
    }

    /** A byte range of the object as a stream that resumes after body failures (see {@link #resume}). */
    final class Resuming extends InputStream {
        private ResponseInputStream<GetObjectResponse> current;
        private long position;
        private long end;
        /** Where the body of {@code current} ends: past {@code end} for a whole-object GET read in part. */
        private long currentEnd;
        private int failures;
        private boolean closed;

        Resuming(ResponseInputStream<GetObjectResponse> current, long start, long end, long responseEnd) {
            this.current = current;
            this.position = start;
            this.end = end;
            this.currentEnd = responseEnd;
        }

        /**
         * Extends the range to {@code newEnd}: a response whose body reaches past the old end goes on being read,
         * without a new request.
         */
        void extendTo(long newEnd) {
            if (newEnd < end) {
                throw new IllegalArgumentException("cannot shrink the range of " + key + " to " + newEnd);
            }
            end = newEnd;
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
                throw new IOException("stream of s3://" + store.settings().bucket() + "/" + key + " is closed");
            }
            if (len == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            while (true) {
                if (current != null && position >= currentEnd) {
                    // a resumed response ended where the range then ended; the range was extended since
                    try {
                        current.close();
                    } catch (IOException e) {
                        current.abort();
                    }
                    current = null;
                }
                if (current == null) {
                    current = get(position, end);
                    currentEnd = end;
                }
                try {
                    int n = current.read(b, off, (int) Math.min(len, end - position));
                    if (n < 0) {
                        if (end == Long.MAX_VALUE) {
                            return -1; // length unknown: the server's end of body is the end
                        }
                        throw new EOFException("body ended " + (end - position) + " bytes early");
                    }
                    position += n;
                    return n;
                } catch (IOException e) {
                    current.abort();
                    current = null;
                    failures = failed(failures, position, e);
                }
            }
        }

        @Override
        public long skip(long n) throws IOException {
            // skipping over the HTTP body still transfers it; a plain read loop keeps resumption simple
            return super.skip(n);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (current != null) {
                if (position < currentEnd && currentEnd != Long.MAX_VALUE) {
                    current.abort(); // do not drain megabytes nobody will read
                } else {
                    try {
                        current.close();
                    } catch (IOException e) {
                        current.abort();
                    }
                }
                current = null;
            }
        }
    }
}
