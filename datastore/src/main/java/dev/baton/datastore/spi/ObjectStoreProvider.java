package dev.baton.datastore.spi;

import dev.baton.datastore.DatastoreConfig;

/**
 * A pluggable kind of {@link ObjectStore}, found by {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.baton.datastore.spi.ObjectStoreProvider} file naming the implementation). This is
 * how {@link dev.baton.datastore.Datastores#open} reaches backends other than the built-in {@code local} one,
 * e.g. {@code s3}, without the datastore core depending on them.
 */
public interface ObjectStoreProvider {

    /** The {@link DatastoreConfig#kind()} this provider serves, e.g. {@code "s3"}. */
    String kind();

    /**
     * Opens the store at {@code config.root()}.
     *
     * @throws dev.baton.flow.ConfigurationException when the root or a setting is unusable, naming it
     */
    ObjectStore open(DatastoreConfig config);
}
