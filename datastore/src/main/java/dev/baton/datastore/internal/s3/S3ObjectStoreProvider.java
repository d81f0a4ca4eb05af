package dev.baton.datastore.internal.s3;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.datastore.spi.ObjectStoreProvider;

/** Serves the datastore kind {@code s3} (root {@code s3://bucket/prefix}) through {@link S3ObjectStore}. */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public S3ObjectStoreProvider() {}

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public ObjectStore open(DatastoreConfig config) {
        return S3ObjectStore.open(config);
    }
}
