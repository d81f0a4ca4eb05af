package dev.baton.datastore;

import dev.baton.datastore.internal.DefaultContentStore;
import dev.baton.datastore.internal.DefaultFlowDatastore;
import dev.baton.datastore.internal.LocalObjectStore;
import dev.baton.datastore.internal.MetadataJson;
import dev.baton.datastore.internal.s3.S3EndpointEnvironment;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.datastore.spi.ObjectStoreProvider;
import dev.baton.flow.ConfigurationException;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.EncodedBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        validateFlowName(flowName);
        ObjectStore store = openObjectStore(config);
        try {
            return open(config, store, flowName, flowClassLoader);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Opens the datastore of {@code flowName} over {@code store}, which the caller opened from the same
     * {@code config} with {@link #openObjectStore} (e.g. on another thread while the flow class loaded). The
     * datastore owns the store from here on and closes it; the caller closes it only when this method throws.
     *
     * @throws ConfigurationException for an invalid flow name or a bad setting
     */
    public static FlowDatastore open(DatastoreConfig config, ObjectStore store, String flowName,
            ClassLoader flowClassLoader) {
        validateFlowName(flowName);
        ArtifactCodec.Builder codec = ArtifactCodec.builder().classLoader(flowClassLoader);
        String level = config.settings().get(COMPRESSION_LEVEL);
        if (level != null) {
            codec.compressionLevel(intSetting(COMPRESSION_LEVEL, level, Integer.MIN_VALUE));
        }
        String threads = config.settings().get(PARALLELISM);
        int parallelism = threads == null ? DefaultContentStore.defaultParallelism() : intSetting(PARALLELISM, threads, 1);
        return new DefaultFlowDatastore(store, flowName,
                new DefaultContentStore(store, flowName, codec.build(), parallelism));
    }

    /**
     * Does the one-time set-up of the metadata JSON reader and writer and the artifact codec (class loading and
     * initialisation, serializer lookup, the zstd native library) on the calling thread, so that a short-lived
     * process (a task) can overlap it with its other start-up work on a spare core instead of paying it at its
     * first read or write. Optional and idempotent; touches no storage. A caller on a spare thread may ignore its
     * failures: the same set-up runs again, and reports, where it is needed.
     */
    public static void warmUp() {
        MetadataJson.warmUp();
        // a throw-away codec: what is shared (classes, static state, the native library) stays initialised
        ArtifactCodec codec = ArtifactCodec.builder().classLoader(Datastores.class.getClassLoader()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncodedBlob blob = codec.encode("warm-up", new ArrayList<>(List.of("warm-up", 1, 2.0)), out);
        codec.decode("warm-up", blob.key(), new ByteArrayInputStream(out.toByteArray()));
    }

    /**
     * Whether an S3 datastore talks to a plain {@code http://} endpoint, so that its client needs no TLS set-up:
     * {@code endpointSetting} ({@code --s3-endpoint-url}, or {@code null}) when given, else the S3-compatible server
     * that {@code environment} names ({@code BATON_S3_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_S3} or
     * {@code AWS_ENDPOINT_URL}); false for AWS's own endpoint. For start-up work that is only worth doing for TLS.
     */
    public static boolean s3EndpointIsPlainHttp(String endpointSetting, Map<String, String> environment) {
        return S3EndpointEnvironment.plainHttp(endpointSetting, environment);
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

    private static void validateFlowName(String flowName) {
        if (flowName == null || flowName.isEmpty() || flowName.contains("/") || flowName.startsWith(".")) {
            throw new ConfigurationException("invalid flow name '" + flowName + "' for the datastore");
        }
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
