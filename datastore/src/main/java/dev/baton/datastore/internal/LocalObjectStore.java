package dev.baton.datastore.internal;

import dev.baton.datastore.spi.ObjectNotFoundException;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.BatonException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} over a local directory.
 *
 * <p><b>Atomicity.</b> Every object is first written in full to a temporary file in {@code <root>/.tmp/} and only
 * then made visible under its name, so a reader never sees a partial object:
 * <ul>
 *   <li>{@link #write} replaces with an atomic rename ({@code rename(2)} replaces the target atomically);</li>
 *   <li>{@link #writeIfAbsent} and {@link Staged#commitIfAbsent} publish with a hard link ({@code link(2)}),
 *       which fails when the name exists, so that of many concurrent writers of one name exactly one wins and the
 *       existing object is never rewritten (the way git stores loose objects). On a filesystem without hard
 *       links they fall back to an existence check plus atomic rename: still never a partial object, but two
 *       racing writers may both report success (harmless for content-addressed blobs, whose bytes are equal).</li>
 * </ul>
 *
 * <p><b>Temporary files.</b> All of them live in the one directory {@code <root>/.tmp/} (not next to their
 * targets), so that cleaning never has to walk the tree. Names starting with {@code .tmp} are never listed and
 * cannot be used as object names. A writer killed mid-write leaves its temporary file behind; when a store is
 * opened it deletes temporary files not modified for {@linkplain #DEFAULT_TEMP_MAX_AGE an hour} (a live writer
 * keeps touching its file, and several processes may share one root, so younger files are left alone).
 *
 * <p>Blobs and metadata are not fsync'ed: a power loss may leave an empty or damaged object behind, which the
 * codec's integrity check reports by name on read rather than returning a wrong value.
 */
public final class LocalObjectStore implements ObjectStore {

    /** Temporary files older than this are deleted when a store opens. */
    public static final Duration DEFAULT_TEMP_MAX_AGE = Duration.ofHours(1);

    static final String TEMP_DIR = ".tmp";
    static final String TEMP_PREFIX = ".tmp";

    private static final Logger LOG = LoggerFactory.getLogger(LocalObjectStore.class);
    private static final int STAGE_BUFFER = 1 << 16;
    /** Objects at least this large are read through a memory mapping ({@link MappedFileInputStream}). */
    static final long MAP_MIN = 8 << 20;

    private final Path root;
    private final String displayRoot;
    private final Path tempDir;
    /** Unique per instance, so temporary names never collide across processes sharing a root. */
    private final String tempPrefix = TEMP_PREFIX + "-" + UUID.randomUUID() + "-";
    private final AtomicLong tempCounter = new AtomicLong();
    /** Parent directories known to exist: saves a {@code mkdir} system call per object. */
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
    private volatile boolean hardLinks = true;

    /** Opens (creating it if needed) the store at {@code root}, cleaning stale temporary files. */
    public LocalObjectStore(Path root) {
        this(root, root.toString(), DEFAULT_TEMP_MAX_AGE);
    }

    /**
     * Opens (creating it if needed) the store at {@code root}.
     *
     * @param displayRoot the root as the user wrote it, for messages and {@link #root()}
     * @param tempMaxAge temporary files not modified for this long are deleted now
     */
    public LocalObjectStore(Path root, String displayRoot, Duration tempMaxAge) {
        this.root = root.toAbsolutePath().normalize();
        this.displayRoot = displayRoot;
        this.tempDir = this.root.resolve(TEMP_DIR);
        try {
            Files.createDirectories(tempDir);
        } catch (FileAlreadyExistsException e) {
            throw new ConfigurationException("datastore root " + displayRoot
                    + " is not a directory (or holds a file named " + TEMP_DIR + "): choose another --datastore-root", e);
        } catch (IOException e) {
            throw new ConfigurationException("cannot create the datastore root " + displayRoot + " (" + e
                    + "): check that the path is writable or choose another --datastore-root", e);
        }
        cleanTemp(tempMaxAge);
    }

    @Override
    public String root() {
        return displayRoot;
    }

    /** The absolute directory this store is rooted at. */
    public Path directory() {
        return root;
    }

    /**
     * Deletes temporary files (left by killed writers) not modified for {@code maxAge}.
     *
     * @return how many were deleted
     */
    public int cleanTemp(Duration maxAge) {
        FileTime cutoff = FileTime.from(Instant.now().minus(maxAge));
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempDir)) {
            for (Path entry : entries) {
                try {
                    if (Files.getLastModifiedTime(entry).compareTo(cutoff) < 0 && Files.deleteIfExists(entry)) {
                        deleted++;
                    }
                } catch (NoSuchFileException raced) {
                    // another process cleaned or committed it at the same moment: nothing left to do
                } catch (IOException e) {
                    LOG.warn("could not delete stale temporary file {}: {}", entry, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("could not list temporary files in {}: {}", tempDir, e.toString());
        }
        if (deleted > 0) {
            LOG.info("deleted {} stale temporary file(s) under {} left by interrupted writers", deleted, tempDir);
        }
        return deleted;
    }

    @Override
    public boolean exists(String path) {
        return Files.isRegularFile(resolve(path));
    }

    @Override
    public InputStream open(String path) {
        Path file = resolve(path);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                long size = channel.size();
                // large blobs are read from a mapping of the page cache: one copy instead of two
                return size >= MAP_MIN ? new MappedFileInputStream(file, channel, size) : Channels.newInputStream(channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(displayRoot, path);
        } catch (IOException e) {
            throw failure("open", path, e);
        }
    }

    @Override
    public Optional<byte[]> read(String path) {
        Path file = resolve(path);
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", path, e);
        }
    }

    @Override
    public void write(String path, byte[] bytes) {
        Path target = resolve(path);
        Path temp = writeTemp(path, bytes);
        try {
            ensureParent(target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", path, e);
        }
    }

    @Override
    public boolean writeIfAbsent(String path, byte[] bytes) {
        Path target = resolve(path);
        if (Files.exists(target)) {
            return false;
        }
        return publish(writeTemp(path, bytes), target, path);
    }

    @Override
    public Staged stage() {
        Path temp = newTemp();
        try {
            return new LocalStaged(temp, new BufferedOutputStream(
                    Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), STAGE_BUFFER));
        } catch (IOException e) {
            throw failure("create a temporary file for", TEMP_DIR, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        String dir = prefix == null ? "" : prefix;
        while (dir.endsWith("/")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        Path directory = dir.isEmpty() ? root : resolve(dir);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(TEMP_PREFIX)) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        } catch (IOException e) {
            throw failure("list", dir.isEmpty() ? "/" : dir, e);
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public void delete(String path) {
        try {
            Files.deleteIfExists(resolve(path));
        } catch (IOException e) {
            throw failure("delete", path, e);
        }
    }

    @Override
    public void close() {
        // nothing held open: every stream is owned by its caller
    }

    @Override
    public String toString() {
        return "LocalObjectStore[" + root + "]";
    }

    /** Validates an object path and resolves it below the root. */
    Path resolve(String path) {
        if (path == null || path.isEmpty()) {
            throw new ConfigurationException("empty object path under datastore root " + displayRoot);
        }
        if (path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
            throw new ConfigurationException("invalid object path '" + path + "' under datastore root " + displayRoot
                    + ": paths are relative and '/'-separated");
        }
        // scanned by hand rather than split: this runs for every object read or written
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int length = end - start;
            if (length == 0 || (path.charAt(start) == '.' && (length == 1 || (length == 2 && path.charAt(start + 1) == '.')))) {
                throw new ConfigurationException("invalid object path '" + path + "' under datastore root "
                        + displayRoot + ": empty, '.' and '..' segments are not allowed");
            }
            if (path.startsWith(TEMP_PREFIX, start)) {
                throw new ConfigurationException("invalid object path '" + path + "' under datastore root "
                        + displayRoot + ": names starting with '" + TEMP_PREFIX + "' are reserved for temporary files");
            }
            start = end + 1;
        }
        return root.resolve(path);
    }

    private Path newTemp() {
        return tempDir.resolve(tempPrefix + tempCounter.incrementAndGet());
    }

    private Path writeTemp(String path, byte[] bytes) {
        Path temp = newTemp();
        try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(bytes);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", path, e);
        }
        return temp;
    }

    /**
     * Makes the complete temporary file {@code temp} visible as {@code target} unless that exists; always removes
     * {@code temp}.
     */
    private boolean publish(Path temp, Path target, String path) {
        try {
            ensureParent(target);
            if (hardLinks) {
                try {
                    Files.createLink(target, temp);
                    return true;
                } catch (FileAlreadyExistsException e) {
                    return false;
                } catch (NoSuchFileException e) {
                    // the parent vanished behind our cache (someone removed it): recreate it once and retry
                    knownDirs.remove(target.getParent());
                    ensureParent(target);
                    try {
                        Files.createLink(target, temp);
                        return true;
                    } catch (FileAlreadyExistsException raced) {
                        return false;
                    }
                } catch (UnsupportedOperationException | FileSystemException e) {
                    hardLinks = false;
                    LOG.warn("hard links are not supported under {} ({}); publishing objects by rename instead",
                            root, e.toString());
                }
            }
            if (Files.exists(target)) {
                return false;
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw failure("write", path, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private void ensureParent(Path target) throws IOException {
        Path parent = target.getParent();
        if (!knownDirs.contains(parent)) {
            Files.createDirectories(parent);
            knownDirs.add(parent);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale temporary file is harmless: never listed, and removed by cleanTemp later
            LOG.debug("could not delete temporary file {}: {}", file, e.toString());
        }
    }

    private BatonException failure(String operation, String path, IOException e) {
        if (e instanceof AccessDeniedException) {
            return new ConfigurationException("permission denied: cannot " + operation + " " + path
                    + " under datastore root " + displayRoot + ": check the directory's owner and permissions", e);
        }
        // a full disk, an I/O error or a vanished mount: another attempt (after freeing space) may succeed
        return new TransientFailureException("cannot " + operation + " " + path + " under datastore root "
                + displayRoot + ": " + e, e);
    }

    /** A staged write: a temporary file in {@code <root>/.tmp/}, published by hard link on commit. */
    private final class LocalStaged implements Staged {
        private final Path temp;
        private final OutputStream out;
        private boolean finished;

        LocalStaged(Path temp, OutputStream out) {
            this.temp = temp;
            this.out = out;
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public boolean commitIfAbsent(String path) {
            if (finished) {
                throw new IllegalStateException("staged object " + temp + " was already committed or closed");
            }
            Path target = resolve(path);
            finished = true;
            try {
                out.close();
            } catch (IOException e) {
                deleteQuietly(temp);
                throw failure("write", path, e);
            }
            if (Files.exists(target)) {
                deleteQuietly(temp);
                return false;
            }
            return publish(temp, target, path);
        }

        @Override
        public void close() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("could not close temporary file {}: {}", temp, e.toString());
            }
            deleteQuietly(temp);
        }
    }
}
