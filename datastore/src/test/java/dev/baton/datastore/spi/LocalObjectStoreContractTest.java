package dev.baton.datastore.spi;

import dev.baton.datastore.internal.LocalObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The local filesystem store against the shared {@link ObjectStoreContract}. */
class LocalObjectStoreContractTest extends ObjectStoreContract {
    @TempDir
    Path root;

    @Override
    protected ObjectStore newStore() {
        return new LocalObjectStore(root);
    }
}
