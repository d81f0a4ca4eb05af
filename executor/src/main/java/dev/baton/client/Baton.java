package dev.baton.client;

import dev.baton.client.internal.ClientSession;
import dev.baton.datastore.DatastoreConfig;
import java.util.Map;

/**
 * Entry point of the client API, which reads past runs from a datastore as Metaflow's client does:
 *
 * <pre>{@code
 * try (Client client = Baton.client(".baton")) {
 *     Run run = client.flow("TrainFlow").latestSuccessfulRun();
 *     double loss = run.endTask().orElseThrow().artifact("loss", Double.class);
 * }
 * }</pre>
 *
 * (Not to be confused with {@link dev.baton.flow.Baton}, the entry point of a flow's own {@code main}.)
 */
public final class Baton {
    private Baton() {}

    /**
     * A client over the datastore at {@code datastoreRoot}: {@code s3://bucket/prefix} for S3 (endpoint from
     * {@code BATON_S3_ENDPOINT_URL} when set), anything else is a local directory. Artifact values decode with
     * this class's class loader; use {@link #client(DatastoreConfig, ClassLoader)} to read values of user
     * classes.
     */
    public static Client client(String datastoreRoot) {
        return client(configFor(datastoreRoot), Baton.class.getClassLoader());
    }

    /** A client over the datastore {@code config} names, decoding with this class's class loader. */
    public static Client client(DatastoreConfig config) {
        return client(config, Baton.class.getClassLoader());
    }

    /**
     * A client over the datastore {@code config} names.
     *
     * @param flowClassLoader resolves the classes of artifact values (the flow's class path); values of classes
     *     it cannot see fail to decode with an error naming the class
     */
    public static Client client(DatastoreConfig config, ClassLoader flowClassLoader) {
        if (config == null || config.root() == null || config.root().isBlank()) {
            throw new dev.baton.flow.ConfigurationException(
                    "no datastore root: pass a directory or s3://bucket/prefix to Baton.client(...)");
        }
        return new Client(new ClientSession(config, flowClassLoader), Client.defaultNamespace());
    }

    private static DatastoreConfig configFor(String root) {
        if (root != null && root.startsWith("s3://")) {
            String endpoint = System.getenv("BATON_S3_ENDPOINT_URL");
            return new DatastoreConfig("s3", root,
                    endpoint == null || endpoint.isBlank() ? Map.of() : Map.of("s3.endpoint", endpoint));
        }
        return DatastoreConfig.local(root);
    }
}
