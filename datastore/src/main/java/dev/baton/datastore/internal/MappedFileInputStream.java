package dev.baton.datastore.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a large local file through a read-only memory mapping, one window at a time.
 *
 * <p>Why: a {@code FileChannel} or {@code FileInputStream} read into a {@code byte[]} copies every byte twice (the
 * kernel into a native buffer, then into the array); from a mapping of the page cache there is one copy, straight
 * into the caller's array. For a 256 MiB blob that is ~25-30 ms less CPU on the thread that also feeds the
 * SHA-256 check, and one memory pass less competing with it for bandwidth.
 *
 * <p>Each window is unmapped as soon as the stream leaves it or is closed, through the JDK's
 * {@code sun.misc.Unsafe.invokeCleaner}, which exists for exactly this, on JDK 17 to 23. From JDK 24 on, that method
 * prints a deprecation warning (JEP 498) and the garbage collector unmaps the window instead, once the stream is
 * unreachable: the mapping holds only address space and page-cache pages, which the kernel can reclaim. After
 * {@link #close()} every read fails: nothing touches an unmapped window. A file
 * truncated under the mapping makes the copy fault, which the JVM turns into an {@link InternalError}; that is
 * reported as an {@link IOException} (the blob's integrity check then names the damage).
 */
final class MappedFileInputStream extends InputStream {
    /** Bytes mapped at a time: large enough that a 256 MiB blob is one mapping, small enough for any address space. */
    static final long WINDOW = 1L << 30;

    private static final Logger LOG = LoggerFactory.getLogger(MappedFileInputStream.class);
    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final long windowSize;
    private long position;
    private MappedByteBuffer window;
    private long windowStart;
    private boolean closed;

    /** Reads {@code file} through {@code channel} (closed with this stream), {@code size} bytes as it was opened. */
    MappedFileInputStream(Path file, FileChannel channel, long size) {
        this(file, channel, size, WINDOW);
    }

    /** As above, mapping {@code windowSize} bytes at a time (tests use small windows). */
    MappedFileInputStream(Path file, FileChannel channel, long size, long windowSize) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.windowSize = windowSize;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        MappedByteBuffer w = windowAt(position);
        int at = (int) (position - windowStart);
        int n = (int) Math.min(len, w.capacity() - at);
        try {
            w.get(at, b, off, n);
        } catch (InternalError e) {
            throw new EOFException("the file " + file + " ended while it was being read (truncated under the reader?): "
                    + e.getMessage());
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        ensureOpen();
        long skipped = Math.max(0, Math.min(n, size - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        ensureOpen();
        return (int) Math.min(Integer.MAX_VALUE, size - position);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        unmap();
        channel.close();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed: " + file);
        }
    }

    private MappedByteBuffer windowAt(long at) throws IOException {
        if (window == null || at < windowStart || at >= windowStart + window.capacity()) {
            unmap();
            windowStart = at - at % windowSize;
            window = channel.map(FileChannel.MapMode.READ_ONLY, windowStart, Math.min(windowSize, size - windowStart));
        }
        return window;
    }

    private void unmap() {
        MappedByteBuffer w = window;
        window = null;
        if (w != null && INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invokeExact((ByteBuffer) w);
            } catch (Throwable e) {
                // left to the garbage collector, which unmaps it when the buffer is unreachable
                LOG.debug("could not unmap {} at once: {}", file, e.toString());
            }
        }
    }

    /** {@code sun.misc.Unsafe.invokeCleaner(ByteBuffer)}, or null where the JDK does not offer it quietly. */
    private static MethodHandle invokeCleaner() {
        if (Runtime.version().feature() >= 24) {
            return null; // JEP 498: its first use would print a warning on the task's stderr
        }
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("mapped blobs will be unmapped by the garbage collector: {}", e.toString());
            return null;
        }
    }
}
