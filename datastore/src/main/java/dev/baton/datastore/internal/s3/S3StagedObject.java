package dev.baton.datastore.internal.s3;

import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.BatonException;
import dev.baton.flow.TransientFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A staged S3 object: bytes spool in memory, one part per array, then to a temporary file; the commit HEADs the
 * final key (content-addressed: an existing object has these very bytes) and sends one PUT for a small object
 * or a multipart upload whose parts go up in parallel, straight from the arrays or the spool file.
 *
 * <p>Memory: the first part is always held in memory; parts after it only while the store's memory budget
 * ({@link S3ObjectStore#spoolBudget()}, shared by every staged object of the store) has room for them. Once it
 * has none, every part moves to the spool file and gives its memory back, so an object far larger than the
 * heap streams through a file. Why hold parts in memory at all: the key is known only once every byte is
 * written, so the upload cannot start before then, and writing the object to a file and reading it back costs
 * more than the upload itself when the server is near.
 *
 * <p>The spool computes each part's CRC32 as the bytes arrive, so a part goes up in one read of the file: the
 * server verifies the checksum, and the SDK does not read the part a second time to compute it.
 */
final class S3StagedObject implements ObjectStore.Staged {
    private static final Logger LOG = LoggerFactory.getLogger(S3StagedObject.class);
    private static final int MAX_PARTS = 10_000;
    private static final String OCTETS = "application/octet-stream";

    private final S3ObjectStore store;
    private final Spool spool;
    private boolean finished;

    S3StagedObject(S3ObjectStore store) {
        this.store = store;
        this.spool = new Spool(Math.toIntExact(store.settings().partSize()), store.settings().spoolDir().orElse(null),
                store.spoolBudget());
    }

    @Override
    public OutputStream out() {
        return spool;
    }

    @Override
    public boolean commitIfAbsent(String path) {
        if (finished) {
            throw new IllegalStateException("staged object already committed or closed; cannot commit it as " + path);
        }
        String key = store.key(path);
        try {
            spool.finish();
            if (spool.file == null && spool.parts.isEmpty()) {
                return store.putIfAbsent(key, spool.buffer, spool.count, true);
            }
            if (store.existsKey(key)) {
                return false;
            }
            uploadMultipart(key);
            return true;
        } catch (IOException | RuntimeException e) {
            throw S3Errors.translate("write", store.settings().bucket(), key, e);
        } finally {
            close();
        }
    }

    private void uploadMultipart(String key) {
        String bucket = store.settings().bucket();
        long size = spool.size;
        long partSize = Math.max(store.settings().partSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
        int parts = Math.toIntExact((size + partSize - 1) / partSize);
        // the spool's CRCs (and arrays) are per configured part; an object of more than MAX_PARTS of them has
        // bigger parts, which only a spool file can serve
        boolean spooledCrcs = partSize == spool.limit;
        if (!spooledCrcs && spool.file == null) {
            throw new IllegalStateException("staged object of " + size + " bytes held in memory in parts of "
                    + spool.limit + " bytes, more than " + MAX_PARTS + " parts");
        }
        String uploadId = store.client().createMultipartUpload(store.createMultipart(key).build()).uploadId();
        List<Future<CompletedPart>> futures = new ArrayList<>(parts);
        try {
            Path file = spool.file;
            for (int i = 0; i < parts; i++) {
                int number = i + 1;
                long offset = i * partSize;
                long length = Math.min(partSize, size - offset);
                String crc = spooledCrcs ? S3ObjectStore.crc32(spool.partCrcs[i]) : null;
                futures.add(store.transfers().submit(() -> {
                    UploadPartRequest.Builder request = UploadPartRequest.builder()
                            .bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .contentLength(length);
                    if (crc != null) {
                        request.checksumCRC32(crc);
                    } else {
                        request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
                    }
                    RequestBody body = file == null
                            ? S3ObjectStore.body(spool.part(number - 1), (int) length)
                            : RequestBody.fromContentProvider(() -> new FileRange(file, offset, length), length, OCTETS);
                    UploadPartResponse r = store.client().uploadPart(request.build(), body);
                    return CompletedPart.builder()
                            .partNumber(number)
                            .eTag(r.eTag())
                            .checksumCRC32(r.checksumCRC32() != null ? r.checksumCRC32() : crc)
                            .build();
                }));
            }
            List<CompletedPart> completed = new ArrayList<>(parts);
            for (Future<CompletedPart> f : futures) {
                completed.add(await(f, key));
            }
            store.client().completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed)));
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            try {
                store.client().abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private static CompletedPart await(Future<CompletedPart> f, String key) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailureException("interrupted while uploading " + key, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new BatonException("part upload of " + key + " failed: " + cause, cause);
        }
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        spool.discard();
    }

    /**
     * An output stream that keeps the first {@code limit}-byte part in memory, further parts in memory too while
     * the budget has room (each a full array of {@code limit} bytes), then everything in a file; it computes the
     * CRC32 of every part on the way.
     */
    private static final class Spool extends OutputStream {
        /** The configured part size: the bytes of each array held, and the span of each part CRC. */
        private final int limit;
        private final Path directory;
        private final SpoolBudget budget;
        /** The part being written (the first one grows as it fills); null once in the file. */
        private byte[] buffer = new byte[8192];
        private int count;
        /** Full parts held in memory before the one in {@code buffer}, each {@code limit} bytes. */
        private final List<byte[]> parts = new ArrayList<>();
        private long reserved;
        private Path file;
        private OutputStream fileOut;
        private long size;
        private boolean done;
        private final CRC32 crc = new CRC32();
        private long[] partCrcs = new long[16];
        private int crcCount;

        Spool(int limit, Path directory, SpoolBudget budget) {
            this.limit = limit;
            this.directory = directory;
            this.budget = budget;
        }

        /** Part {@code i} (from 0) of an object held in memory. */
        byte[] part(int i) {
            return i < parts.size() ? parts.get(i) : buffer;
        }

        private void checksum(byte[] b, int off, int len) {
            while (len > 0) {
                int n = (int) Math.min(len, limit - size % limit);
                crc.update(b, off, n);
                size += n;
                off += n;
                len -= n;
                if (size % limit == 0) {
                    endPart();
                }
            }
        }

        private void endPart() {
            if (crcCount == partCrcs.length) {
                partCrcs = Arrays.copyOf(partCrcs, crcCount * 2);
            }
            partCrcs[crcCount++] = crc.getValue();
            crc.reset();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (done) {
                throw new IOException("staged object is already committed or closed");
            }
            if (fileOut != null) {
                fileOut.write(b, off, len);
                checksum(b, off, len);
                return;
            }
            checksum(b, off, len);
            while (len > 0) {
                if (count == limit) {
                    if (!budget.tryReserve(limit)) {
                        spill();
                        fileOut.write(b, off, len);
                        return;
                    }
                    reserved += limit;
                    parts.add(buffer);
                    buffer = new byte[limit];
                    count = 0;
                }
                int n = Math.min(len, limit - count);
                if (count + n > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(count + n, buffer.length * 2)));
                }
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        /** Moves the parts held in memory to a new spool file and gives their memory back. */
        private void spill() throws IOException {
            file = directory == null
                    ? Files.createTempFile("baton-s3-", ".spool")
                    : Files.createTempFile(Files.createDirectories(directory), "baton-s3-", ".spool");
            fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            for (byte[] part : parts) {
                fileOut.write(part);
            }
            fileOut.write(buffer, 0, count);
            releaseMemory();
        }

        private void releaseMemory() {
            parts.clear();
            buffer = null;
            count = 0;
            if (reserved > 0) {
                budget.release(reserved);
                reserved = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            if (fileOut != null) {
                fileOut.flush();
            }
        }

        /** The caller's closing of {@link #out()} is harmless: the bytes stay staged until commit or close. */
        @Override
        public void close() throws IOException {
            flush();
        }

        void finish() throws IOException {
            done = true;
            if (fileOut != null) {
                fileOut.close();
            }
            if (size % limit != 0) {
                endPart();
            }
        }

        void discard() {
            done = true;
            releaseMemory();
            try {
                if (fileOut != null) {
                    fileOut.close();
                }
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                LOG.warn("could not delete the spool file {}: {}", file, e.toString());
            }
        }
    }

    /**
     * {@code length} bytes of a file from {@code offset}: one multipart part, re-readable on retry. Reads the file
     * in large pieces through a direct buffer: the HTTP client asks for a few KiB at a time, and a positional
     * read per ask would be a system call per few KiB.
     */
    private static final class FileRange extends InputStream {
        private static final int CHUNK = 256 << 10;
        private final FileChannel channel;
        private final ByteBuffer chunk;
        private long position;
        private final long end;

        FileRange(Path file, long offset, long length) {
            try {
                this.channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the spool file " + file, e);
            }
            this.chunk = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(1, length)));
            this.chunk.limit(0);
            this.position = offset;
            this.end = offset + length;
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
            if (!chunk.hasRemaining()) {
                if (position >= end) {
                    return -1;
                }
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), end - position));
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, position + chunk.position()) < 0) {
                        throw new java.io.EOFException("spool file ended before byte " + end);
                    }
                }
                chunk.flip();
                position += chunk.limit();
            }
            int n = Math.min(len, chunk.remaining());
            chunk.get(b, off, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
