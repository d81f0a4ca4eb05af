package dev.baton.datastore.internal.s3;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.datastore.spi.ObjectStoreContract;
import dev.baton.testsupport.S3ProxyServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The S3 store, against a real S3Proxy on loopback, passes the same contract as the local store. */
class S3ObjectStoreContractTest extends ObjectStoreContract {
    static S3ProxyServer s3;

    @BeforeAll
    static void startServer() {
        s3 = S3ProxyServer.startInMemory();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    static Map<String, String> settings(S3ProxyServer server) {
        Map<String, String> settings = new HashMap<>(server.datastoreSettings());
        settings.put("s3.partSizeMiB", "5"); // the smallest part S3 allows: multipart paths at test sizes
        settings.put("s3.retryBaseDelayMs", "5");
        return settings;
    }

    @Override
    protected ObjectStore newStore() {
        String bucket = s3.createBucket();
        return S3ObjectStore.open(new DatastoreConfig("s3", "s3://" + bucket + "/some/prefix", settings(s3)), Map.of());
    }

    @Override
    protected int largeSize() {
        return 12 << 20; // three parts of 5 MiB: multipart upload and parallel ranged GETs
    }
}
