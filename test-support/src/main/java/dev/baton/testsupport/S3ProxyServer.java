package dev.baton.testsupport;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests and benchmarks: S3Proxy started in this JVM on {@code 127.0.0.1}, on an
 * ephemeral port, with SigV4 authentication on, over an in-memory or a filesystem blob store.
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
 *     String bucket = s3.createBucket();
 *     DatastoreConfig config = new DatastoreConfig("s3", "s3://" + bucket + "/prefix", s3.datastoreSettings());
 *     ...
 * }
 * }</pre>
 *
 * <p>For a child process (e.g. the real {@code baton} command), pass {@link #environment()}: the AWS default
 * credential and region chains and {@code BATON_S3_ENDPOINT_URL} then point it at this server.
 *
 * <p>Starting it quiets S3Proxy, Jetty, the AWS SDK and Apache HttpClient logging to WARN unless the test class
 * path has its own logback configuration: at logback's default DEBUG level S3Proxy is about 20x slower.
 */
public final class S3ProxyServer implements AutoCloseable {

    /** The access key id the server accepts. */
    public static final String ACCESS_KEY = "baton-test";
    /** The secret key the server accepts. */
    public static final String SECRET_KEY = "baton-test-secret";
    /** The region clients sign for. */
    public static final String REGION = "us-east-1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final S3Proxy proxy;
    private final URI endpoint;
    private volatile S3Client client;

    private S3ProxyServer(S3Proxy proxy) {
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts a server whose objects live in memory (S3Proxy's {@code transient} store). */
    public static S3ProxyServer startInMemory() {
        return start("transient", new Properties());
    }

    /**
     * Starts a server whose objects live under {@code directory} (S3Proxy's {@code filesystem} store): use it for
     * objects too large to keep on the heap.
     */
    public static S3ProxyServer startOnDisk(Path directory) {
        Properties properties = new Properties();
        try {
            properties.setProperty("jclouds.filesystem.basedir", Files.createDirectories(directory).toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the S3Proxy directory " + directory, e);
        }
        return start("filesystem", properties);
    }

    private static S3ProxyServer start(String provider, Properties properties) {
        QuietLogging.apply();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create(provider, properties))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                // the SDK's multipart client sends x-amz-mp-object-size, which S3Proxy otherwise answers with 501
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            // Jetty may still be binding when start() returns; the state flips once the connector listens
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT);
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy failed to start: " + e, e);
        }
        return new S3ProxyServer(proxy);
    }

    /**
     * Turns logback's default DEBUG level down to WARN for S3Proxy, Jetty, the AWS SDK and Apache HttpClient
     * (whose wire log at DEBUG prints every byte), unless the class path has a logback configuration. Starting a
     * server does this; call it in a child JVM that only runs a client.
     */
    public static void quietLogging() {
        QuietLogging.apply();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return proxy.getPort();
    }

    /**
     * A plain SDK client for this server (path-style, SigV4, no checksum trailers), built once and closed with
     * the server. For test set-up and for checking what a store wrote.
     */
    public S3Client client() {
        S3Client c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = client = newClient(endpoint);
                }
            }
        }
        return c;
    }

    /** A new plain SDK client for {@code endpoint} (e.g. a fault-injecting proxy in front of this server). */
    public static S3Client newClient(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32))
                .build();
    }

    /** Creates a bucket. */
    public void createBucket(String bucket) {
        client().createBucket(b -> b.bucket(bucket));
    }

    /** Creates a bucket with a fresh, valid name and returns the name. */
    public String createBucket() {
        String bucket = "baton-" + BUCKETS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        createBucket(bucket);
        return bucket;
    }

    /**
     * Datastore settings ({@code dev.baton.datastore.DatastoreConfig#settings}) that reach this server: endpoint,
     * region and static credentials.
     */
    public Map<String, String> datastoreSettings() {
        return datastoreSettings(endpoint);
    }

    /** As {@link #datastoreSettings()}, for another endpoint in front of this server (e.g. a fault injector). */
    public static Map<String, String> datastoreSettings(URI endpoint) {
        return Map.of(
                "s3.endpoint", endpoint.toString(),
                "s3.region", REGION,
                "s3.accessKeyId", ACCESS_KEY,
                "s3.secretAccessKey", SECRET_KEY);
    }

    /**
     * Environment variables for a child process that should use this server through the standard AWS chains:
     * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL_S3}
     * and Baton's {@code BATON_S3_ENDPOINT_URL}.
     */
    public Map<String, String> environment() {
        return Map.of(
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", REGION,
                "AWS_ENDPOINT_URL_S3", endpoint.toString(),
                "BATON_S3_ENDPOINT_URL", endpoint.toString());
    }

    /** Stops the server (and closes {@link #client()}). */
    @Override
    public void close() {
        S3Client c = client;
        if (c != null) {
            c.close();
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy failed to stop: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "S3Proxy at " + endpoint;
    }
}
