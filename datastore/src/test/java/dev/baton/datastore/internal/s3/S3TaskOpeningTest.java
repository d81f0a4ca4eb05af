package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.flow.ConfigurationException;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a task's store saves when its launcher already knows the answers: no {@code HeadBucket} at open
 * ({@code s3.checkBucket=false}) and no conditional-write probe ({@code BATON_S3_CONDITIONAL_WRITES}), counted in
 * requests on a real S3-compatible server; and the same clear error for a missing bucket either way.
 */
class S3TaskOpeningTest {
    private static S3ProxyServer s3;
    private static String bucket;

    @BeforeAll
    static void start() {
        s3 = S3ProxyServer.startInMemory();
        bucket = s3.createBucket();
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static Map<String, String> settings(FaultInjectingProxy proxy, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(S3ProxyServer.datastoreSettings(proxy.endpoint()));
        settings.putAll(extra);
        return settings;
    }

    private static List<String> requestLines(FaultInjectingProxy proxy) {
        return proxy.requestHeads().stream().map(h -> h.lines().findFirst().orElse("")).toList();
    }

    @Test
    void conditionalWritesComeFromTheSettingElseTheLaunchersVariable() {
        DatastoreConfig none = new DatastoreConfig("s3", "s3://b-1/p", Map.of("s3.endpoint", "http://127.0.0.1:9"));
        assertEquals(Optional.empty(), S3Settings.parse(none, Map.of()).conditionalWrites(), "probe once");
        assertEquals(Optional.of(true),
                S3Settings.parse(none, Map.of("BATON_S3_CONDITIONAL_WRITES", "true")).conditionalWrites());
        assertEquals(Optional.of(false),
                S3Settings.parse(none, Map.of("BATON_S3_CONDITIONAL_WRITES", "FALSE")).conditionalWrites());
        assertEquals(Optional.empty(),
                S3Settings.parse(none, Map.of("BATON_S3_CONDITIONAL_WRITES", "auto")).conditionalWrites());
        DatastoreConfig setting = new DatastoreConfig("s3", "s3://b-1/p",
                Map.of("s3.endpoint", "http://127.0.0.1:9", "s3.conditionalWrites", "false"));
        assertEquals(Optional.of(false),
                S3Settings.parse(setting, Map.of("BATON_S3_CONDITIONAL_WRITES", "true")).conditionalWrites(),
                "the setting wins over the environment");
        ConfigurationException bad = assertThrows(ConfigurationException.class,
                () -> S3Settings.parse(none, Map.of("BATON_S3_CONDITIONAL_WRITES", "yes")));
        assertTrue(bad.getMessage().contains("BATON_S3_CONDITIONAL_WRITES is 'yes'"), bad.getMessage());
        assertTrue(S3Settings.parse(none, Map.of()).checkBucket(), "opening checks the bucket by default");
    }

    @Test
    void aTaskThatIsToldSkipsTheBucketCheckAndTheProbe() {
        try (FaultInjectingProxy proxy = FaultInjectingProxy.passThrough(s3.endpoint())) {
            DatastoreConfig config = new DatastoreConfig("s3", "s3://" + bucket + "/told",
                    settings(proxy, Map.of("s3.checkBucket", "false")));
            byte[] bytes = "told".getBytes(StandardCharsets.UTF_8);
            try (S3ObjectStore store = S3ObjectStore.open(config,
                    Map.of("BATON_S3_CONDITIONAL_WRITES", "true"))) {
                assertEquals(0, proxy.requests(), "opening makes no request");
                assertTrue(store.writeIfAbsent("F/data/ab/k1", bytes));
                assertFalse(store.writeIfAbsent("F/data/ab/k1", bytes), "If-None-Match: * honoured");
                assertArrayEquals(bytes, store.read("F/data/ab/k1").orElseThrow());
            }
            List<String> lines = requestLines(proxy);
            assertEquals(3, lines.size(), lines::toString);
            assertTrue(lines.stream().noneMatch(l -> l.contains(".baton-probe") || l.startsWith("HEAD")),
                    lines::toString);
        }
    }

    @Test
    void aStoreThatIsNotToldChecksTheBucketAndProbesOnce() {
        try (FaultInjectingProxy proxy = FaultInjectingProxy.passThrough(s3.endpoint())) {
            DatastoreConfig config = new DatastoreConfig("s3", "s3://" + bucket + "/untold", settings(proxy, Map.of()));
            byte[] bytes = "untold".getBytes(StandardCharsets.UTF_8);
            try (S3ObjectStore store = S3ObjectStore.open(config, Map.of())) {
                assertEquals(1, proxy.requests(), "HeadBucket");
                assertTrue(store.writeIfAbsent("F/data/ab/k1", bytes));
                assertFalse(store.writeIfAbsent("F/data/ab/k1", bytes));
            }
            List<String> lines = requestLines(proxy);
            assertTrue(lines.get(0).startsWith("HEAD /" + bucket + " "), lines::toString);
            assertEquals(3, lines.stream().filter(l -> l.contains(".baton-probe")).count(), lines::toString);
            assertEquals(6, lines.size(), lines::toString);
        }
    }

    @Test
    void theLaunchersStoreProbesOnceAndHandsItsTasksTheAnswer() {
        try (FaultInjectingProxy proxy = FaultInjectingProxy.passThrough(s3.endpoint())) {
            DatastoreConfig config = new DatastoreConfig("s3", "s3://" + bucket + "/launcher", settings(proxy, Map.of()));
            Map<String, String> taskEnv;
            try (S3ObjectStore launcher = S3ObjectStore.open(config, Map.of())) {
                taskEnv = launcher.taskEnvironment();
                assertEquals(taskEnv, launcher.taskEnvironment(), "asked again: no second probe");
            }
            // S3Proxy honours If-None-Match: *
            assertEquals(Map.of("BATON_S3_CONDITIONAL_WRITES", "true"), taskEnv);
            assertEquals(3, requestLines(proxy).stream().filter(l -> l.contains(".baton-probe")).count(),
                    () -> requestLines(proxy).toString());

            long before = proxy.requests();
            try (S3ObjectStore task = S3ObjectStore.open(new DatastoreConfig("s3", "s3://" + bucket + "/launcher",
                    settings(proxy, Map.of("s3.checkBucket", "false"))), taskEnv)) {
                assertTrue(task.writeIfAbsent("F/data/ab/k2", new byte[] {2}));
            }
            assertEquals(1, proxy.requests() - before, "the task's one conditional PUT, no probe");
        }
        // AWS's own endpoint honours conditional writes: nothing to hand on, and nothing asked
        DatastoreConfig aws = new DatastoreConfig("s3", "s3://" + bucket + "/aws",
                Map.of("s3.region", "us-east-1", "s3.checkBucket", "false", "s3.accessKeyId", "AKID",
                        "s3.secretAccessKey", "secret"));
        try (S3ObjectStore store = S3ObjectStore.open(aws, Map.of())) {
            assertEquals(Map.of(), store.taskEnvironment());
        }
    }

    @Test
    void aMissingBucketIsTheSameConfigurationErrorAtTheFirstRequestWhenOpeningDidNotCheck() {
        String missing = "baton-no-such-bucket-" + Long.toHexString(System.nanoTime());
        DatastoreConfig checked = new DatastoreConfig("s3", "s3://" + missing + "/p", s3.datastoreSettings());
        ConfigurationException atOpen = assertThrows(ConfigurationException.class,
                () -> S3ObjectStore.open(checked, Map.of()));
        assertTrue(atOpen.getMessage().contains("bucket '" + missing + "'")
                && atOpen.getMessage().contains("does not exist"), atOpen.getMessage());

        Map<String, String> unchecked = new HashMap<>(s3.datastoreSettings());
        unchecked.put("s3.checkBucket", "false");
        try (S3ObjectStore store = S3ObjectStore.open(new DatastoreConfig("s3", "s3://" + missing + "/p", unchecked),
                Map.of("BATON_S3_CONDITIONAL_WRITES", "true"))) {
            ConfigurationException read = assertThrows(ConfigurationException.class, () -> store.read("F/1/_run.json"));
            assertTrue(read.getMessage().contains("bucket '" + missing + "'")
                    && read.getMessage().contains("does not exist"), read.getMessage());
            ConfigurationException write = assertThrows(ConfigurationException.class,
                    () -> store.writeIfAbsent("F/data/ab/k", new byte[] {1}));
            assertTrue(write.getMessage().contains("bucket '" + missing + "'")
                    && write.getMessage().contains("does not exist"), write.getMessage());
        }
    }
}
