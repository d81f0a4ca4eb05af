package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import dev.baton.testsupport.FaultInjectingProxy;
import dev.baton.testsupport.S3ProxyServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Configuration as AWS users expect it, and the clear, immediate errors for what no retry can fix. */
class S3ConfigurationTest {

    private static DatastoreConfig config(String root, Map<String, String> settings) {
        return new DatastoreConfig("s3", root, settings);
    }

    private static S3Settings parse(String root, Map<String, String> settings, Map<String, String> env) {
        return S3Settings.parse(config(root, settings), env);
    }

    @Test
    void rootSplitsIntoBucketAndPrefix() {
        S3Settings s = parse("s3://my-bucket/team/flows/", Map.of(), Map.of());
        assertEquals("my-bucket", s.bucket());
        assertEquals("team/flows", s.prefix());
        assertEquals("s3://my-bucket/team/flows", s.root());
        assertEquals("team/flows/F/data/ab/abc", s.key("F/data/ab/abc"));
        S3Settings bare = parse("s3://my-bucket", Map.of(), Map.of());
        assertEquals("", bare.prefix());
        assertEquals("F/1/_run.json", bare.key("F/1/_run.json"));
        assertEquals("s3://my-bucket", bare.root());
    }

    @Test
    void endpointComesFromTheSettingThenBatonsVariableThenTheSdksOwn() {
        Map<String, String> env = Map.of(
                "BATON_S3_ENDPOINT_URL", "http://127.0.0.1:9001",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9002",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9003");
        S3Settings fromSetting = parse("s3://b-1/p", Map.of("s3.endpoint", "http://127.0.0.1:9000"), env);
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), fromSetting.endpoint());
        assertTrue(fromSetting.pathStyle(), "path-style addressing whenever an endpoint is set");
        assertEquals(URI.create("http://127.0.0.1:9001"), parse("s3://b-1/p", Map.of(), env).endpoint().orElseThrow());
        assertEquals(URI.create("http://127.0.0.1:9002"),
                parse("s3://b-1/p", Map.of(), Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9002",
                        "AWS_ENDPOINT_URL", "http://127.0.0.1:9003")).endpoint().orElseThrow());
        S3Settings aws = parse("s3://b-1/p", Map.of(), Map.of());
        assertEquals(Optional.empty(), aws.endpoint());
        assertFalse(aws.pathStyle(), "virtual-hosted addressing on AWS itself");
        assertTrue(aws.chunkedEncoding() && aws.expectContinue(), "the SDK's defaults on AWS");
        assertFalse(fromSetting.chunkedEncoding() || fromSetting.expectContinue(), "cheaper requests on an endpoint");
        assertEquals(Optional.of(true), aws.conditionalWrites().or(() -> Optional.of(true)));
    }

    @Test
    void onlyAPlainHttpEndpointSkipsTheTlsSetUp() {
        assertTrue(S3Clients.plainHttp(parse("s3://b-1/p", Map.of("s3.endpoint", "http://127.0.0.1:9000"), Map.of())));
        assertFalse(S3Clients.plainHttp(parse("s3://b-1/p", Map.of("s3.endpoint", "https://s3.example.com"), Map.of())));
        assertFalse(S3Clients.plainHttp(parse("s3://b-1/p", Map.of(), Map.of())), "AWS's own endpoint is https");
        // the environment's answer, for start-up work that runs before the settings are read, agrees
        assertTrue(S3EndpointEnvironment.plainHttp(null, Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9003")));
        assertFalse(S3EndpointEnvironment.plainHttp(null, Map.of("BATON_S3_ENDPOINT_URL", "https://s3.example.com",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9002")));
        assertFalse(S3EndpointEnvironment.plainHttp(null, Map.of()));
    }

    @Test
    void theDeferredTlsFactoryBuildsTlsOnlyWhenAConnectionNeedsIt() throws Exception {
        DeferredTlsSocketFactory factory = new DeferredTlsSocketFactory();
        assertFalse(factory.tlsBuilt());
        try (java.net.Socket socket = factory.createSocket(new org.apache.http.protocol.BasicHttpContext())) {
            assertTrue(factory.tlsBuilt());
        }
    }

    @Test
    void encryptionAndStorageClassSettings() {
        S3Settings kms = parse("s3://b-1", Map.of("s3.kmsKeyId", "arn:aws:kms:us-east-1:1:key/k"), Map.of());
        assertEquals(Optional.of(ServerSideEncryption.AWS_KMS), kms.sse(), "a KMS key id implies SSE-KMS");
        assertEquals(Optional.of(ServerSideEncryption.AES256),
                parse("s3://b-1", Map.of("s3.sse", "sse-s3"), Map.of()).sse());
        assertEquals(Optional.of(StorageClass.INTELLIGENT_TIERING),
                parse("s3://b-1", Map.of("s3.storageClass", "intelligent_tiering"), Map.of()).storageClass());
    }

    @Test
    void badRootsAndSettingsAreConfigurationErrorsNamingThem() {
        Map<String, Map.Entry<String, Map<String, String>>> cases = new HashMap<>();
        cases.put("Bad_Bucket", Map.entry("s3://Bad_Bucket/x", Map.of()));
        cases.put("not of the form", Map.entry("bucket/prefix", Map.of()));
        cases.put("'..'", Map.entry("s3://bucket/a/../b", Map.of()));
        cases.put("s3.sse", Map.entry("s3://bucket", Map.of("s3.sse", "rot13")));
        cases.put("s3.storageClass", Map.entry("s3://bucket", Map.of("s3.storageClass", "FLOPPY")));
        cases.put("s3.kmsKeyId", Map.entry("s3://bucket", Map.of("s3.sse", "AES256", "s3.kmsKeyId", "k")));
        cases.put("s3.endpoint", Map.entry("s3://bucket", Map.of("s3.endpoint", "localhost:9000")));
        cases.put("s3.maxConnections", Map.entry("s3://bucket", Map.of("s3.maxConnections", "lots")));
        cases.put("s3.secretAccessKey", Map.entry("s3://bucket", Map.of("s3.accessKeyId", "AKIA")));
        cases.forEach((named, c) -> {
            ConfigurationException e =
                    assertThrows(ConfigurationException.class, () -> parse(c.getKey(), c.getValue(), Map.of()), named);
            assertTrue(e.getMessage().contains(named), named + " in: " + e.getMessage());
        });
    }

    @Test
    void datastoresOpenFindsTheS3ProviderAndStoresThroughIt() {
        String bucket = SharedS3.server().createBucket();
        try (ObjectStore store = Datastores.openObjectStore(SharedS3.config(bucket, SharedS3.settings()))) {
            assertEquals("s3://" + bucket + "/baton", store.root());
            store.write("F/1/_run.json", "{}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("{}", SharedS3.server().client()
                .getObjectAsBytes(b -> b.bucket(bucket).key("baton/F/1/_run.json")).asUtf8String());
    }

    @Test
    void regionDefaultsToUsEast1WithAnEndpoint() {
        String bucket = SharedS3.server().createBucket();
        Map<String, String> settings = SharedS3.settings();
        settings.remove("s3.region");
        try (S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of())) {
            store.write("F/x", new byte[] {1});
            assertTrue(store.exists("F/x"));
        }
    }

    @Test
    void storageClassAndEncryptionAreSentWithEveryWrite() throws Exception {
        String bucket = SharedS3.server().createBucket();
        try (FaultInjectingProxy recorder = FaultInjectingProxy.passThrough(SharedS3.server().endpoint())) {
            Map<String, String> settings = SharedS3.settings(recorder.endpoint());
            settings.put("s3.storageClass", "STANDARD_IA");
            settings.put("s3.sse", "AES256");
            try (S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of())) {
                store.write("F/meta", new byte[] {1});
                try (ObjectStore.Staged staged = store.stage()) {
                    staged.out().write(new byte[11 << 20]);
                    staged.commitIfAbsent("F/big");
                }
            }
            // S3Proxy keeps the storage class of a single PUT (it drops it for multipart uploads)
            HeadObjectResponse head = SharedS3.server().client().headObject(b -> b.bucket(bucket).key("baton/F/meta"));
            assertEquals(StorageClass.STANDARD_IA.toString(), head.storageClassAsString());
            List<String> writes = recorder.requestHeads().stream()
                    .filter(h -> h.startsWith("PUT /" + bucket + "/baton/F/meta ")
                            || h.startsWith("POST /" + bucket + "/baton/F/big?uploads"))
                    .toList();
            assertEquals(2, writes.size(), "one PUT and one CreateMultipartUpload: " + writes);
            for (String h : writes) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                assertTrue(lower.contains("x-amz-storage-class: standard_ia"), h);
                assertTrue(lower.contains("x-amz-server-side-encryption: aes256"), h);
                assertFalse(lower.contains("expect:"), "no 100-continue round trip against an endpoint: " + h);
            }
        }
    }

    @Test
    void missingBucketIsAnImmediateConfigurationErrorNamingIt() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> S3ObjectStore.open(SharedS3.config("no-such-bucket-here", SharedS3.settings()), Map.of()));
        assertTrue(e.getMessage().contains("no-such-bucket-here"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("--datastore-root"), e.getMessage());
    }

    @Test
    void bucketRemovedUnderARunningStoreNamesBucketAndKey() {
        String bucket = SharedS3.server().createBucket();
        try (S3ObjectStore store = S3ObjectStore.open(SharedS3.config(bucket, SharedS3.settings()), Map.of())) {
            SharedS3.server().client().deleteBucket(b -> b.bucket(bucket));
            ConfigurationException e =
                    assertThrows(ConfigurationException.class, () -> store.write("F/1/_run.json", new byte[] {1}));
            assertTrue(e.getMessage().contains("s3://" + bucket + "/baton/F/1/_run.json"), e.getMessage());
            assertTrue(e.getMessage().contains("NoSuchBucket"), e.getMessage());
        }
    }

    @Test
    void wrongCredentialsAreAnImmediateConfigurationError() {
        String bucket = SharedS3.server().createBucket();
        Map<String, String> settings = SharedS3.settings();
        settings.put("s3.secretAccessKey", "wrong-secret");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of()));
        assertTrue(e.getMessage().contains(bucket), e.getMessage());
        assertTrue(e.getMessage().contains("credentials"), e.getMessage());

        settings.put("s3.accessKeyId", "someone-else");
        ConfigurationException unknownKey = assertThrows(ConfigurationException.class,
                () -> S3ObjectStore.open(SharedS3.config(bucket, settings), Map.of()));
        assertTrue(unknownKey.getMessage().contains("credentials"), unknownKey.getMessage());
    }

    @Test
    void unreachableEndpointIsTransientAfterRetries() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Map<String, String> settings = new HashMap<>(S3ProxyServer.datastoreSettings(
                URI.create("http://127.0.0.1:" + closedPort)));
        settings.put("s3.maxAttempts", "2");
        settings.put("s3.retryBaseDelayMs", "1");
        TransientFailureException e = assertThrows(TransientFailureException.class,
                () -> S3ObjectStore.open(config("s3://some-bucket/p", settings), Map.of()));
        assertTrue(e.getMessage().contains("some-bucket"), e.getMessage());
    }
}
