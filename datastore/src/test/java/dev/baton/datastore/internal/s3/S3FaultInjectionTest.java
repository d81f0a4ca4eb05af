package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.TransientFailureException;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.FaultInjectingProxy.Fault;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults injected at the HTTP level, between the SDK and a real S3Proxy: 503 SlowDown, 500, dropped connections
 * and bodies cut mid-transfer. Every operation still succeeds with the right bytes; only when retries are used
 * up does a {@link TransientFailureException} surface.
 */
class S3FaultInjectionTest {
    private FaultInjectingProxy proxy;
    private String bucket;

    @BeforeEach
    void start() {
        bucket = SharedS3.server().createBucket();
        proxy = FaultInjectingProxy.start(SharedS3.server().endpoint(), 3,
                Fault.SLOW_DOWN, Fault.DROP, Fault.TRUNCATE, Fault.INTERNAL_ERROR);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private S3ObjectStore store(int maxAttempts) {
        Map<String, String> settings = SharedS3.settings(proxy.endpoint());
        settings.put("s3.maxAttempts", Integer.toString(maxAttempts));
        return S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyOperationSucceedsWithCorrectBytesDespiteFaults() throws Exception {
        byte[] large = new byte[12 << 20];
        new Random(12).nextBytes(large);
        try (S3ObjectStore store = store(10)) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    int id = i;
                    writes.add(pool.submit(() -> {
                        if (id % 3 == 0) {
                            store.write("F/small/" + id, bytes("value " + id));
                        } else if (id % 3 == 1) {
                            assertTrue(store.writeIfAbsent("F/small/" + id, bytes("value " + id)));
                        } else {
                            try (ObjectStore.Staged staged = store.stage()) {
                                staged.out().write(bytes("value " + id));
                                assertTrue(staged.commitIfAbsent("F/small/" + id));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> w : writes) {
                    w.get();
                }
            } finally {
                pool.shutdownNow();
            }
            try (ObjectStore.Staged staged = store.stage()) {
                staged.out().write(large);
                assertTrue(staged.commitIfAbsent("F/data/la/large"));
            }
            assertFalse(store.writeIfAbsent("F/small/1", bytes("other")));

            for (int i = 0; i < 60; i++) {
                assertArrayEquals(bytes("value " + i), store.read("F/small/" + i).orElseThrow(), "object " + i);
            }
            for (int round = 0; round < 3; round++) {
                try (InputStream in = store.open("F/data/la/large")) {
                    assertArrayEquals(large, in.readAllBytes());
                }
            }
            assertEquals(60, store.list("F/small").size());
            assertTrue(store.exists("F/data/la/large"));
        }
        Map<String, String> oneStream = SharedS3.settings(proxy.endpoint());
        oneStream.put("s3.maxAttempts", "10");
        oneStream.put("s3.singleStreamReadMiBps", "0");
        try (S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, oneStream), Map.of())) {
            for (int round = 0; round < 3; round++) {
                // the whole-object GET that reads past its first part resumes with ranged GETs when cut
                try (InputStream in = store.open("F/data/la/large")) {
                    assertArrayEquals(large, in.readAllBytes());
                }
            }
        }
        for (Fault fault : Fault.values()) {
            assertTrue(proxy.injected(fault) > 0, fault + " was injected: " + proxy.injected(fault));
        }
        assertTrue(proxy.injected() > 30, "faults injected: " + proxy.injected() + " of " + proxy.requests());
    }

    @Test
    void faultThatOutlastsTheRetriesIsATransientFailureNamingTheObject() {
        try (S3ObjectStore store = store(10)) {
            store.write("F/x", bytes("x"));
        }
        FaultInjectingProxy always = FaultInjectingProxy.start(SharedS3.server().endpoint(), 1, Fault.SLOW_DOWN);
        try {
            Map<String, String> settings = SharedS3.settings(always.endpoint());
            settings.put("s3.maxAttempts", "3");
            always.enabled(false);
            try (S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of())) {
                always.enabled(true);
                TransientFailureException e =
                        assertThrows(TransientFailureException.class, () -> store.read("F/x"));
                assertTrue(e.getMessage().contains("s3://" + bucket + "/baton/F/x"), e.getMessage());
                assertTrue(e.getMessage().contains("503"), e.getMessage());
                assertEquals(3, always.injected(), "three attempts, each answered SlowDown");
            }
        } finally {
            always.close();
        }
    }

    @Test
    void bodyCutShortEveryTimeGivesUpAfterTheConfiguredAttempts() {
        byte[] data = new byte[6 << 20];
        new Random(6).nextBytes(data);
        try (S3ObjectStore store = store(10)) {
            proxy.enabled(false);
            store.write("F/cut", data);
        }
        FaultInjectingProxy cutting = FaultInjectingProxy.start(SharedS3.server().endpoint(), 1, Fault.TRUNCATE);
        try {
            Map<String, String> settings = SharedS3.settings(cutting.endpoint());
            settings.put("s3.maxAttempts", "2");
            cutting.enabled(false);
            try (S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of())) {
                cutting.enabled(true);
                TransientFailureException e = assertThrows(TransientFailureException.class, () -> store.read("F/cut"));
                assertTrue(e.getMessage().contains("s3://" + bucket + "/baton/F/cut"), e.getMessage());
            }
        } finally {
            cutting.close();
        }
    }
}
