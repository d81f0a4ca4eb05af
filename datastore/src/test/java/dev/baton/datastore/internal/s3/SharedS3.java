package dev.baton.datastore.internal.s3;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.testsupport.S3ProxyServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * One in-process S3Proxy for every S3 test class of this module (started on first use, stopped when the test
 * JVM exits): each test takes a fresh bucket, so tests stay independent without paying a server start each.
 */
final class SharedS3 {
    private static S3ProxyServer server;

    private SharedS3() {}

    static synchronized S3ProxyServer server() {
        if (server == null) {
            S3ProxyServer started = S3ProxyServer.startInMemory();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "s3proxy-stop"));
            server = started;
        }
        return server;
    }

    /** Settings for the shared server (or another endpoint in front of it) with test-sized parts and backoff. */
    static Map<String, String> settings(URI endpoint) {
        Map<String, String> settings = new HashMap<>(S3ProxyServer.datastoreSettings(endpoint));
        settings.put("s3.partSizeMiB", "5"); // the smallest part S3 allows: multipart paths at test sizes
        settings.put("s3.readPartSizeMiB", "5"); // and ranged GETs of the same size
        // a loopback connection is always fast enough for one stream: make large reads take the parallel path,
        // which these tests exercise (the one-stream path has tests of its own)
        settings.put("s3.singleStreamReadMiBps", "1000000");
        settings.put("s3.retryBaseDelayMs", "5");
        return settings;
    }

    static Map<String, String> settings() {
        return settings(server().endpoint());
    }

    static DatastoreConfig config(String bucket, Map<String, String> settings) {
        return new DatastoreConfig("s3", "s3://" + bucket + "/baton", settings);
    }

    /** A store on a fresh bucket of the shared server. */
    static S3ObjectStore newStore() {
        return S3ObjectStore.open(config(server().createBucket(), settings()), Map.of());
    }
}
