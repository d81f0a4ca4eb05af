package dev.baton.executor;

import dev.baton.datastore.spi.ObjectStore;
import dev.baton.executor.internal.codepackage.PackageBuilder;
import dev.baton.executor.internal.codepackage.PackageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Code packages: how a flow's classes reach a generic container. {@code baton package} builds a deterministic zip
 * of the flow's class path (directories and jars) and uploads it once, under its SHA-256 key, beside the flow's
 * artifact blobs ({@code <root>/<Flow>/data/<key[0:2]>/<key>}). In the container, {@code BATON_CODE_PACKAGE=<key>}
 * makes the executor {@link #fetch} it (downloaded with retries, verified against the key, unpacked once per host
 * into a cache keyed by the hash) and load the flow from the unpacked entries.
 */
public final class CodePackages {
    /** Environment variable naming the package a container task loads its flow from. */
    public static final String ENV_KEY = "BATON_CODE_PACKAGE";
    /** Environment variable naming the directory packages are unpacked into. */
    public static final String ENV_CACHE = "BATON_CODE_PACKAGE_CACHE";

    private CodePackages() {}

    /**
     * An uploaded (or already present) package.
     *
     * @param key its SHA-256, lower-case hex: the value for {@code BATON_CODE_PACKAGE}
     * @param size its size in bytes
     * @param uploaded true when this call uploaded it, false when the store had it already
     * @param location where it is: {@code <root>/<Flow>/data/<key[0:2]>/<key>}
     * @param entries the class path entries it holds, in order
     */
    public record Uploaded(String key, long size, boolean uploaded, String location, List<String> entries) {}

    /**
     * Builds the package of {@code classpath} and uploads it to {@code store} unless it is there already.
     *
     * @throws dev.baton.flow.ConfigurationException when a class path entry is missing or not a directory or jar
     */
    public static Uploaded buildAndUpload(ObjectStore store, String flowName, List<Path> classpath) {
        Path tmp;
        try {
            tmp = Files.createTempFile("baton-package-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the code package", e);
        }
        try {
            PackageBuilder.Built built = PackageBuilder.build(classpath, tmp);
            boolean uploaded = PackageStore.upload(store, flowName, built);
            return new Uploaded(built.key(), built.size(), uploaded,
                    store.root() + "/" + PackageStore.objectPath(flowName, built.key()), built.entries());
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    /**
     * The class path entries of package {@code key} of flow {@code flowName}, from {@code cacheDir} or downloaded.
     *
     * @throws dev.baton.flow.ConfigurationException (a {@code CodePackageException}) when the package is missing,
     *     malformed, or does not hash to its key
     * @throws dev.baton.flow.TransientFailureException when downloading kept failing
     */
    public static List<Path> fetch(ObjectStore store, String flowName, String key, Path cacheDir) {
        return PackageStore.fetch(store, flowName, key, cacheDir);
    }

    /**
     * The class path entries of package {@code key} if it is unpacked in {@code cacheDir} already, without any
     * request to the store.
     */
    public static java.util.Optional<List<Path>> cached(String key, Path cacheDir) {
        return PackageStore.cached(key, cacheDir);
    }

    /** {@code BATON_CODE_PACKAGE_CACHE}, else {@code <tmp>/baton-code}. */
    public static Path cacheDir(Map<String, String> environment) {
        String dir = environment.get(ENV_CACHE);
        return dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("java.io.tmpdir"), "baton-code");
    }

    /**
     * The flow name a {@code --flow} class name stands for (its simple name), which names the flow's datastore
     * folder, without loading the class: a container must know where the package is before it can load anything.
     */
    public static String flowNameOf(String className) {
        String n = className.trim();
        n = n.substring(n.lastIndexOf('.') + 1);
        return n.substring(n.lastIndexOf('$') + 1);
    }
}
