package dev.baton.datastore;

import dev.baton.datastore.internal.DefaultContentStore;
import dev.baton.datastore.internal.DefaultFlowDatastore;
import dev.baton.datastore.internal.LocalObjectStore;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.datastore.spi.ObjectStoreProvider;
import dev.baton.flow.ConfigurationException;
import dev.baton.serialization.ArtifactCodec;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Opens datastores.
 *
 * <p>Kinds: {@code local} (built in: a directory, created if needed) and any kind contributed by an
 * {@link ObjectStoreProvider} on the class path (the {@code s3} store is one).
 *
 * <p>Settings read here ({@link DatastoreConfig#settings()}): {@value #COMPRESSION_LEVEL} (the zstd level of new
 * blobs; the codec's default when absent) and {@value #PARALLELISM} (threads moving blobs in
 * {@link ContentStore#putAll}/{@link ContentStore#getAll}; default {@code min(8, 2 * cores)}). Backends read their
 * own settings.
 */
public final class Datastores {

    /** Setting: zstd compression level of new blobs. */
    public static final String COMPRESSION_LEVEL = "compression.level";
    /** Setting: threads for bulk blob transfers. */
    public static final String PARALLELISM = "blobs.parallelism";

    private Datastores() {}

    /**
     * Opens the datastore of {@code flowName}.
     *
     * @param flowClassLoader the flow's class loader: its classes may be decoded, and values resolve through it
     * @throws ConfigurationException for an unknown kind (naming the known ones), a bad setting or an unusable root
     */
    public static FlowDatastore open(DatastoreConfig config, String flowName, ClassLoader flowClassLoader) {
        if (flowName == null || flowName.isEmpty() || flowName.contains("/") || flowName.startsWith(".")) {
            throw new ConfigurationException("invalid flow name '" + flowName + "' for the datastore");
        }
        ArtifactCodec.Builder codec = ArtifactCodec.builder().classLoader(flowClassLoader);
        String level = config.settings().get(COMPRESSION_LEVEL);
        if (level != null) {
            codec.compressionLevel(intSetting(COMPRESSION_LEVEL, level, Integer.MIN_VALUE));
        }
        String threads = config.settings().get(PARALLELISM);
        int parallelism = threads == null ? DefaultContentStore.defaultParallelism() : intSetting(PARALLELISM, threads, 1);
        ObjectStore store = openObjectStore(config);
        try {
            return new DefaultFlowDatastore(store, flowName,
                    new DefaultContentStore(store, flowName, codec.build(), parallelism));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Opens the storage under a datastore, for tools that work across flows (listing flows, copying).
     *
     * @throws ConfigurationException for an unknown kind, naming the known ones
     */
    public static ObjectStore openObjectStore(DatastoreConfig config) {
        String kind = config.kind() == null ? "" : config.kind();
        if (config.root() == null || config.root().isBlank()) {
            throw new ConfigurationException("no datastore root for the " + kind
                    + " datastore: set --datastore-root (or BATON_DATASTORE_ROOT)");
        }
        if (kind.equals("local")) {
            return new LocalObjectStore(Path.of(config.root()), config.root(), LocalObjectStore.DEFAULT_TEMP_MAX_AGE);
        }
        // other kinds (s3) come from providers on the class path, so the core needs no cloud SDK to run locally
        TreeSet<String> known = new TreeSet<>();
        known.add("local");
        for (ObjectStoreProvider provider : ServiceLoader.load(ObjectStoreProvider.class, Datastores.class.getClassLoader())) {
            if (provider.kind().equals(kind)) {
                return provider.open(config);
            }
            known.add(provider.kind());
        }
        throw new ConfigurationException("unknown datastore kind '" + kind + "': use one of " + String.join(", ", known)
                + " (--datastore or BATON_DATASTORE)");
    }

    private static int intSetting(String name, String value, int min) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min) {
                throw new ConfigurationException("datastore setting " + name + "=" + value + " must be at least " + min);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("datastore setting " + name + "=" + value + " is not an integer", e);
        }
    }
}
