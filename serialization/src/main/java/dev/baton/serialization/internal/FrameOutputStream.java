package dev.baton.serialization.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Writes one framed blob ({@link BlobFormat}) to the caller's stream: the header with the first payload, whatever is
 * written to it as payload chunks, and the trailer on {@link #finish}. Counts and checksums every byte it emits.
 *
 * <p>{@link #close()} does not close the caller's stream (the codec contract leaves it open), and after
 * {@link #poison()} every write is dropped, so a failed encode can release the compressor without emitting
 * anything more; a poisoned blob has no trailer and can never pass for a valid one.
 */
final class FrameOutputStream extends OutputStream {
    private final OutputStream sink;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[BlobFormat.TRAILER_SIZE];
    private final byte[] header = new byte[BlobFormat.HEADER_SIZE];
    private boolean headerWritten;
    private long written;
    private boolean poisoned;
    private boolean finished;

    FrameOutputStream(OutputStream sink, int compressionId) {
        this.sink = sink;
        System.arraycopy(BlobFormat.MAGIC, 0, header, 0, 4);
        header[4] = (byte) BlobFormat.FORMAT_VERSION;
        header[5] = (byte) BlobFormat.CODEC_KRYO5;
        header[6] = (byte) compressionId;
        header[7] = 0;
    }

    /**
     * The header goes out with the first payload bytes, not before: a value refused early (the usual case: a bad
     * field is met long before Kryo's 64 KiB buffer and zstd's block first fill) leaves the destination untouched.
     */
    private void emitHeader() throws SinkFailure {
        if (!headerWritten) {
            headerWritten = true;
            emit(header, 0, BlobFormat.HEADER_SIZE);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (poisoned || len == 0) {
            return;
        }
        if (finished) {
            throw new IllegalStateException("blob already finished");
        }
        emitHeader();
        while (len > 0) {
            int n = Math.min(len, BlobFormat.MAX_CHUNK);
            putInt(scratch, 0, n);
            emit(scratch, 0, 4);
            emit(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Ends the payload and writes the trailer; the blob is complete after this. */
    void finish(long serializedLength, byte[] sha256) throws SinkFailure {
        if (poisoned) {
            throw new IllegalStateException("a failed blob cannot be finished");
        }
        finished = true;
        emitHeader();
        putInt(scratch, 0, 0);
        emit(scratch, 0, 4);
        putLong(scratch, 0, serializedLength);
        System.arraycopy(sha256, 0, scratch, 8, 32);
        System.arraycopy(BlobFormat.END_MAGIC, 0, scratch, 40, 4);
        emit(scratch, 0, 44);
        putInt(scratch, 0, (int) crc.getValue());
        emit(scratch, 0, 4);
        try {
            sink.flush();
        } catch (IOException e) {
            throw new SinkFailure(e);
        }
    }

    /** Drops every later write: the encode failed and must not emit a trailer. */
    void poison() {
        poisoned = true;
    }

    /** The compression id in this blob's header. */
    int compressionId() {
        return header[6] & 0xff;
    }

    /** Bytes emitted to the caller's stream so far. */
    long written() {
        return written;
    }

    @Override
    public void flush() {
        // Deliberately not forwarded: zstd flushes per block, and the caller's stream is flushed once at the end.
    }

    @Override
    public void close() {
        // The caller owns the sink; closing the compressor above us must not close it.
    }

    private void emit(byte[] b, int off, int len) throws SinkFailure {
        // in pieces: the CRC pass brings each piece into the cache, where the sink's copy then finds it (in one
        // go, a 4 MiB chunk is out of the cache again before the sink reads it, and a file sink copies it twice)
        while (len > 0) {
            int n = Math.min(len, BlobFormat.PIECE);
            crc.update(b, off, n);
            try {
                sink.write(b, off, n);
            } catch (IOException e) {
                throw new SinkFailure(e);
            }
            written += n;
            off += n;
            len -= n;
        }
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    /** An I/O failure of the caller's destination stream (as opposed to a problem with the value). */
    static final class SinkFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SinkFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
