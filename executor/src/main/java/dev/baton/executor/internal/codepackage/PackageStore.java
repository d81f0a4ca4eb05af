package dev.baton.executor.internal.codepackage;

import dev.baton.datastore.spi.ObjectNotFoundException;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.BatonException;
import dev.baton.flow.TransientFailureException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves code packages between a build and the datastore: {@link #upload} once per distinct key, and
 * {@link #fetch}: download (with retries), verify the SHA-256 against the key, unpack into a cache directory keyed
 * by the hash, and return the class path entries. A package already unpacked in the cache is used without any
 * request, so a host that runs many tasks of one flow downloads its code once.
 */
public final class PackageStore {
    private static final Logger LOG = LoggerFactory.getLogger(PackageStore.class);

    /** Download attempts before a transient failure is reported. */
    static final int ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    private PackageStore() {}

    /** The object path of a package in the store of {@code flowName}. */
    public static String objectPath(String flowName, String key) {
        return PackageFormat.objectPath(flowName, key);
    }

    /**
     * Uploads a built package unless the store has it already (same key, same bytes).
     *
     * @return true when this call uploaded it
     */
    public static boolean upload(ObjectStore store, String flowName, PackageBuilder.Built built) {
        String path = objectPath(flowName, built.key());
        if (store.exists(path)) {
            return false;
        }
        try (ObjectStore.Staged staged = store.stage()) {
            try (OutputStream out = staged.out()) {
                Files.copy(built.file(), out);
            }
            return staged.commitIfAbsent(path);
        } catch (IOException e) {
            throw new TransientFailureException("cannot upload the code package " + built.key() + " to "
                    + store.root() + "/" + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The class path entries of package {@code key}, unpacked under {@code cacheDir/<key>} (downloaded and verified
     * first unless already there).
     *
     * @throws CodePackageException when the key is malformed, no such package exists, or its bytes do not hash
     *     to the key
     * @throws TransientFailureException when the download kept failing
     */
    public static List<Path> fetch(ObjectStore store, String flowName, String key, Path cacheDir) {
        if (!PackageFormat.isKey(key)) {
            throw new CodePackageException("code package key '" + key + "' (BATON_CODE_PACKAGE / --code-package)"
                    + " is not a SHA-256 hex key as printed by baton package");
        }
        Path target = cacheDir.resolve(key);
        Optional<List<Path>> cached = cached(key, cacheDir);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new CodePackageException("cannot create the code package cache " + cacheDir + ": " + e.getMessage()
                    + " (set BATON_CODE_PACKAGE_CACHE to a writable directory)", e);
        }
        String path = objectPath(flowName, key);
        Path zip = download(store, path, key, cacheDir);
        try {
            unpack(zip, key, target, cacheDir);
        } finally {
            deleteQuietly(zip);
        }
        return entries(target, key);
    }

    /**
     * The entries of package {@code key} when it is unpacked in {@code cacheDir} already (verified when it was
     * downloaded), without touching the store: a warm task opens no connection for its code.
     */
    public static Optional<List<Path>> cached(String key, Path cacheDir) {
        if (!PackageFormat.isKey(key)) {
            return Optional.empty();
        }
        Path target = cacheDir.resolve(key);
        return Files.isRegularFile(target.resolve(PackageFormat.MANIFEST)) ? Optional.of(entries(target, key))
                : Optional.empty();
    }

    private static Path download(ObjectStore store, String path, String key, Path cacheDir) {
        Duration backoff = FIRST_BACKOFF;
        BatonException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Path tmp = null;
            try {
                tmp = Files.createTempFile(cacheDir, ".download-" + key.substring(0, 12) + "-", ".zip");
                MessageDigest sha = PackageBuilder.sha256();
                try (InputStream in = new DigestInputStream(store.open(path), sha)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                String actual = PackageFormat.hex(sha.digest());
                if (!actual.equals(key)) {
                    throw new CodePackageException("code package " + key + " at " + store.root() + "/" + path
                            + " failed verification: its content hashes to " + actual + ", so it was changed or"
                            + " damaged after upload; rebuild and upload it with 'baton package' and use the key"
                            + " that prints");
                }
                return tmp;
            } catch (ObjectNotFoundException e) {
                deleteQuietly(tmp);
                throw new CodePackageException("code package " + key + " not found at " + store.root() + "/" + path
                        + ": upload it with 'baton package' against the same datastore root and flow", e);
            } catch (CodePackageException e) {
                deleteQuietly(tmp);
                throw e;
            } catch (IOException | UncheckedIOException e) {
                deleteQuietly(tmp);
                last = new TransientFailureException("cannot download code package " + key + " from "
                        + store.root() + "/" + path + ": " + e.getMessage(), e);
            } catch (BatonException e) {
                deleteQuietly(tmp);
                if (!e.isTransient()) {
                    throw e; // denied, missing bucket: retrying will not help
                }
                last = e;
            }
            if (attempt < ATTEMPTS) {
                LOG.warn("code package {} download attempt {} of {} failed ({}); retrying in {} ms", key, attempt,
                        ATTEMPTS, last.getMessage(), backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new TransientFailureException("cannot download code package " + key + " after " + ATTEMPTS
                + " attempts: " + last.getMessage(), last);
    }

    /** Unpacks into a private directory, then renames it into place: readers never see a half-unpacked package. */
    private static void unpack(Path zip, String key, Path target, Path cacheDir) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory(cacheDir, ".unpack-" + key.substring(0, 12) + "-");
        } catch (IOException e) {
            throw new CodePackageException("cannot unpack code package " + key + " under " + cacheDir + ": "
                    + e.getMessage(), e);
        }
        try {
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip), StandardCharsets.UTF_8)) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    Path out = tmp.resolve(e.getName()).normalize();
                    if (!out.startsWith(tmp) || e.getName().startsWith("/")) {
                        throw new CodePackageException("code package " + key + " has an entry outside its root: "
                                + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(in, out);
                    }
                }
            }
            if (!Files.isRegularFile(tmp.resolve(PackageFormat.MANIFEST))) {
                throw new CodePackageException("code package " + key + " has no " + PackageFormat.MANIFEST
                        + " entry: it was not built by baton package");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                // another task on this host unpacked the same verified package first: theirs is as good as ours
                if (!Files.isRegularFile(target.resolve(PackageFormat.MANIFEST))) {
                    throw e;
                }
                deleteTree(tmp);
            }
        } catch (IOException e) {
            deleteTree(tmp);
            throw new CodePackageException("cannot unpack code package " + key + " into " + target + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static List<Path> entries(Path dir, String key) {
        List<Path> out = new ArrayList<>();
        try {
            String manifest = Files.readString(dir.resolve(PackageFormat.MANIFEST), StandardCharsets.UTF_8);
            BufferedReader r = new BufferedReader(new StringReader(manifest));
            String format = r.readLine();
            if (!PackageFormat.FORMAT_LINE.equals(format)) {
                throw new CodePackageException("code package " + key + " has format '" + format + "'; this baton"
                        + " reads '" + PackageFormat.FORMAT_LINE + "': rebuild it with this version's baton package");
            }
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                Path p = dir.resolve(line).normalize();
                if (!p.startsWith(dir) || !Files.exists(p)) {
                    throw new CodePackageException("code package " + key + " lists a missing entry " + line);
                }
                out.add(p);
            }
        } catch (IOException e) {
            throw new CodePackageException("cannot read code package " + key + " in " + dir + ": " + e.getMessage(), e);
        }
        return List.copyOf(out);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // backoff between download attempts, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailureException("interrupted while retrying a code package download", e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file in the cache directory is harmless
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(PackageStore::deleteQuietly);
        } catch (IOException ignored) {
            // a leftover temp directory in the cache is harmless
        }
    }
}
