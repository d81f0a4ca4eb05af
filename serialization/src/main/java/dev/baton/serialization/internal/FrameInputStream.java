package dev.baton.serialization.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads one framed blob ({@link BlobFormat}) from the caller's stream: {@link #readHeader()}, then the payload
 * through the {@link InputStream} methods (which end at the terminating chunk), then {@link #readTrailer()}.
 * Checksums every byte it consumes, and never reads past the blob's last byte.
 */
final class FrameInputStream extends InputStream {
    private final InputStream source;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[BlobFormat.TRAILER_SIZE];
    private int chunkRemaining;
    private boolean payloadEnded;

    FrameInputStream(InputStream source) {
        this.source = source;
    }

    /** Reads and checks the header; returns the compression id. */
    int readHeader() throws IOException {
        fill(scratch, 0, BlobFormat.HEADER_SIZE, "header");
        if (!Arrays.equals(scratch, 0, 4, BlobFormat.MAGIC, 0, 4)) {
            throw new BlobCorruption("it is not a Baton artifact blob (wrong magic bytes "
                    + hex(scratch, 0, 4) + ")");
        }
        int version = scratch[4] & 0xff;
        if (version != BlobFormat.FORMAT_VERSION) {
            throw new BlobCorruption("unsupported blob format version " + version + " (this Baton reads version "
                    + BlobFormat.FORMAT_VERSION + "; was it written by a newer Baton?)");
        }
        int codec = scratch[5] & 0xff;
        if (codec != BlobFormat.CODEC_KRYO5) {
            throw new BlobCorruption("unknown codec id " + codec);
        }
        int compression = scratch[6] & 0xff;
        if (compression != BlobFormat.COMPRESSION_NONE && compression != BlobFormat.COMPRESSION_ZSTD) {
            throw new BlobCorruption("unknown compression id " + compression);
        }
        if (scratch[7] != 0) {
            throw new BlobCorruption("reserved header byte is " + (scratch[7] & 0xff) + ", not 0");
        }
        return compression;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (chunkRemaining == 0) {
            if (payloadEnded) {
                return -1;
            }
            fill(scratch, 0, 4, "chunk length");
            int length = getInt(scratch, 0);
            if (length == 0) {
                payloadEnded = true;
                return -1;
            }
            if (length < 0 || length > BlobFormat.MAX_CHUNK) {
                throw new BlobCorruption("invalid payload chunk length " + length);
            }
            chunkRemaining = length;
        }
        int n;
        try {
            n = source.read(b, off, Math.min(len, chunkRemaining));
        } catch (IOException e) {
            throw new SourceFailure(e);
        }
        if (n < 0) {
            throw new BlobCorruption("it is truncated (the payload ends early)");
        }
        crc.update(b, off, n);
        chunkRemaining -= n;
        return n;
    }

    /** True once the terminating chunk was read. */
    boolean payloadEnded() {
        return payloadEnded;
    }

    /** Reads the trailer after the payload and checks its end magic and the CRC of the whole blob. */
    Trailer readTrailer() throws IOException {
        if (!payloadEnded) {
            throw new BlobCorruption("the payload continues past the end of the serialized value");
        }
        fill(scratch, 0, 44, "trailer");
        long expectedCrc = crc.getValue();
        long length = getLong(scratch, 0);
        byte[] sha = Arrays.copyOfRange(scratch, 8, 40);
        boolean endMagicOk = Arrays.equals(scratch, 40, 44, BlobFormat.END_MAGIC, 0, 4);
        byte[] crcBytes = new byte[4];
        fill(crcBytes, 0, 4, "trailer");
        long storedCrc = getInt(crcBytes, 0) & 0xffffffffL;
        if (storedCrc != expectedCrc) {
            throw new BlobCorruption("its CRC32C does not match (stored " + Long.toHexString(storedCrc)
                    + ", computed " + Long.toHexString(expectedCrc) + ")");
        }
        if (!endMagicOk) {
            throw new BlobCorruption("wrong trailer magic");
        }
        return new Trailer(length, sha);
    }

    private void fill(byte[] b, int off, int len, String part) throws IOException {
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = source.read(b, off + done, len - done);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
            if (n < 0) {
                throw new BlobCorruption("it is truncated (ends inside the " + part + ")");
            }
            done += n;
        }
        crc.update(b, off, len);
    }

    static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static long getLong(byte[] b, int at) {
        return (long) getInt(b, at) << 32 | (getInt(b, at + 4) & 0xffffffffL);
    }

    static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(len * 2);
        for (int i = off; i < off + len; i++) {
            s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return s.toString();
    }

    /** The trailer's fields. */
    record Trailer(long serializedLength, byte[] sha256) {}

    /** The blob's bytes are damaged, truncated or not a blob at all. */
    static final class BlobCorruption extends IOException {
        private static final long serialVersionUID = 1L;

        BlobCorruption(String message) {
            super(message);
        }
    }

    /** The caller's source stream failed (network, disk): not a statement about the blob. */
    static final class SourceFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
