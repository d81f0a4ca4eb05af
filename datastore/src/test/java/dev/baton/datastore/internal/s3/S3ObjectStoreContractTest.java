package dev.baton.datastore.internal.s3;

import dev.baton.datastore.spi.ObjectStore;
import dev.baton.datastore.spi.ObjectStoreContract;

/** The S3 store, against a real S3Proxy on loopback, passes the same contract as the local store. */
class S3ObjectStoreContractTest extends ObjectStoreContract {

    @Override
    protected ObjectStore newStore() {
        return SharedS3.newStore();
    }

    @Override
    protected int largeSize() {
        return 12 << 20; // three parts of 5 MiB: multipart upload and parallel ranged GETs
    }
}
