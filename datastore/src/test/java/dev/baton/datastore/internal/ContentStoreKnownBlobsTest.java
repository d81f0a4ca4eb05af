package dev.baton.datastore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.S3ProxyServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A blob that a content store has read or written costs no request when the same value is stored again: what a
 * step that reads an artifact without changing it does when its fields are persisted. Counted in requests on a real
 * S3-compatible server.
 */
class ContentStoreKnownBlobsTest {

    private static final ArtifactCodec CODEC =
            ArtifactCodec.builder().classLoader(ContentStoreKnownBlobsTest.class.getClassLoader()).build();

    private static List<String> lines(FaultInjectingProxy proxy) {
        return proxy.requestHeads().stream().map(h -> h.lines().findFirst().orElse("")).toList();
    }

    /** A store on a fresh bucket through {@code proxy} that makes no request of its own: every request is a blob's. */
    private static ObjectStore openStore(S3ProxyServer s3, FaultInjectingProxy proxy) {
        Map<String, String> settings = new HashMap<>(S3ProxyServer.datastoreSettings(proxy.endpoint()));
        settings.put("s3.conditionalWrites", "true");
        settings.put("s3.checkBucket", "false");
        return Datastores.openObjectStore(new DatastoreConfig("s3", "s3://" + s3.createBucket() + "/blobs", settings));
    }

    @Test
    void storingAValueThatWasReadOrWrittenMakesNoRequest() {
        try (S3ProxyServer s3 = S3ProxyServer.startInMemory();
                FaultInjectingProxy proxy = FaultInjectingProxy.passThrough(s3.endpoint());
                ObjectStore store = openStore(s3, proxy)) {
            String key;
            // the parent task writes the value
            try (DefaultContentStore parent = new DefaultContentStore(store, "F", CODEC, 2)) {
                key = parent.put("greeting", "hello").key();
                assertEquals(1, proxy.requests(), () -> lines(proxy).toString());
                parent.put("again", "hello");
                assertEquals(1, proxy.requests(), () -> "written once, then known: " + lines(proxy));
            }
            // the child task reads it, leaves it as it was, and persists its fields
            try (DefaultContentStore child = new DefaultContentStore(store, "F", CODEC, 2)) {
                assertEquals("hello", child.get("artifact 'greeting'", key));
                assertEquals(2, proxy.requests(), () -> lines(proxy).toString());
                ArtifactRef unchanged = child.put("greeting", "hello");
                assertEquals(key, unchanged.key());
                assertEquals(2, proxy.requests(), () -> "read, so known to exist: " + lines(proxy));
                Map<String, ArtifactRef> both = child.putAll(Map.of("greeting", "hello", "length", 5));
                assertEquals(key, both.get("greeting").key());
                assertEquals(3, proxy.requests(), () -> "only the new value is written: " + lines(proxy));
                assertTrue(lines(proxy).get(2).startsWith("PUT "), () -> lines(proxy).toString());
                assertEquals(5, child.get("artifact 'length'", both.get("length").key()));
            }
            // a store that has not seen the blob still writes if absent (one conditional PUT, answered 412)
            try (DefaultContentStore other = new DefaultContentStore(store, "F", CODEC, 2)) {
                long before = proxy.requests();
                assertEquals(key, other.put("greeting", "hello").key());
                assertEquals(before + 1, proxy.requests(), () -> lines(proxy).toString());
            }
        }
    }

    @Test
    void theKnownKeysAreBoundedAndAForgottenOneIsWrittenIfAbsentAgain() {
        try (S3ProxyServer s3 = S3ProxyServer.startInMemory();
                FaultInjectingProxy proxy = FaultInjectingProxy.passThrough(s3.endpoint());
                ObjectStore store = openStore(s3, proxy);
                DefaultContentStore blobs = new DefaultContentStore(store, "F", CODEC, 2,
                        DefaultContentStore.DEFAULT_INLINE_LIMIT, 2)) {
            blobs.put("a", "a");
            blobs.put("b", "b");
            assertEquals(2, proxy.requests());
            blobs.put("a", "a");
            assertEquals(2, proxy.requests(), "known");
            blobs.put("c", "c"); // a third key: the set starts again, with c alone
            assertEquals(3, proxy.requests());
            blobs.put("c", "c");
            assertEquals(3, proxy.requests(), "c is known");
            String key = blobs.put("a", "a").key(); // forgotten: written if absent (answered 412), same key
            assertEquals(4, proxy.requests(), () -> lines(proxy).toString());
            assertEquals("a", blobs.get("artifact 'a'", key));
        }
    }
}
