package dev.baton.cli.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.cli.Main;
import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.testsupport.DynamoDbLocalServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * One S3-compatible server (S3Proxy, in memory, SigV4 on) and one DynamoDB Local server, both in this JVM on
 * loopback, plus the ways a test runs the real {@code baton} command line against them: in this JVM
 * ({@link #baton}) or as a child JVM ({@link #batonProcess}), as a user would.
 *
 * <p><b>One set of credentials for both.</b> A {@code baton} process reaches S3 and DynamoDB through the same AWS
 * default credential chain, as it does on AWS. DynamoDB Local accepts only letters and digits in an access key
 * id, and {@code dev.baton.testsupport.S3ProxyServer} has a fixed key with a '-', so this stack starts S3Proxy
 * itself with DynamoDB Local's key ({@link DynamoDbLocalServer#ACCESS_KEY}); DynamoDB Local runs with
 * {@code -sharedDb}, so every client sees the same tables whatever its key.
 *
 * <p>In-process runs read the credentials from the SDK's system properties ({@code aws.accessKeyId}, ...), set
 * for the lifetime of the stack: test classes of this module run one after another in one JVM.
 */
final class AwsStack implements AutoCloseable {
    static final String ACCESS_KEY = DynamoDbLocalServer.ACCESS_KEY;
    static final String SECRET_KEY = DynamoDbLocalServer.SECRET_KEY;
    static final String REGION = DynamoDbLocalServer.REGION;
    /** The DynamoDB table every stack creates. */
    static final String TABLE = "baton-e2e-coordinator";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);
    private static final Map<String, String> SYSTEM_PROPERTIES = Map.of(
            "aws.accessKeyId", ACCESS_KEY, "aws.secretAccessKey", SECRET_KEY, "aws.region", REGION);

    final DynamoDbLocalServer dynamoDb;
    private final S3Proxy s3proxy;
    final URI s3Endpoint;
    final String bucket;
    private final S3Client s3;

    private AwsStack(DynamoDbLocalServer dynamoDb, S3Proxy s3proxy) {
        this.dynamoDb = dynamoDb;
        this.s3proxy = s3proxy;
        this.s3Endpoint = URI.create("http://127.0.0.1:" + s3proxy.getPort());
        this.s3 = S3Client.builder()
                .endpointOverride(s3Endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        this.bucket = "baton-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
    }

    /** Starts both servers, creates a bucket ({@link #bucket}) and the coordinator table ({@link #TABLE}). */
    static AwsStack start() {
        SYSTEM_PROPERTIES.forEach(System::setProperty);
        // first: it turns S3Proxy's, Jetty's and the SDK's logging down to WARN (at DEBUG S3Proxy is ~20x slower)
        DynamoDbLocalServer ddb = DynamoDbLocalServer.startServer();
        S3Proxy proxy;
        try {
            proxy = startS3Proxy();
        } catch (RuntimeException e) {
            ddb.close();
            throw e;
        }
        AwsStack stack = new AwsStack(ddb, proxy);
        ForeachCoordinators.createDynamoDbTable(DynamoDbConfig.of(TABLE).withEndpoint(ddb.endpoint()));
        return stack;
    }

    private static S3Proxy startS3Proxy() {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                // the SDK's multipart client sends x-amz-mp-object-size, which S3Proxy otherwise answers with 501
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            // Jetty may still be binding when start() returns; S3Proxy offers no callback, only this state
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT);
                }
                LockSupport.parkNanos(1_000_000);
            }
            return proxy;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy failed to start: " + e, e);
        }
    }

    /** A plain SDK client of the S3 server, for checking what a run wrote. */
    S3Client s3() {
        return s3;
    }

    /** {@code s3://<bucket>/<prefix>}. */
    String root(String prefix) {
        return "s3://" + bucket + "/" + prefix;
    }

    /** The datastore configuration of {@code root} on this stack's S3 server, with explicit credentials. */
    DatastoreConfig s3Config(String root) {
        return s3Config(root, s3Endpoint);
    }

    /** As {@link #s3Config(String)} through another endpoint in front of the server (a fault injector). */
    static DatastoreConfig s3Config(String root, URI endpoint) {
        return new DatastoreConfig("s3", root, Map.of("s3.endpoint", endpoint.toString(), "s3.region", REGION,
                "s3.accessKeyId", ACCESS_KEY, "s3.secretAccessKey", SECRET_KEY));
    }

    /** A client API over {@code config}, all namespaces. */
    static Client client(DatastoreConfig config) {
        return Baton.client(config).namespace(null);
    }

    /**
     * The {@code BATON_*} variables that put a {@code baton} command on this stack: the S3 datastore at
     * {@code root} and the DynamoDB coordinator (table {@link #TABLE}).
     */
    Map<String, String> awsOptions(String root) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_DATASTORE", "s3");
        env.put("BATON_DATASTORE_ROOT", root);
        env.put("BATON_S3_ENDPOINT_URL", s3Endpoint.toString());
        env.put("BATON_FOREACH_COORDINATOR", "dynamodb");
        env.put("BATON_DYNAMODB_TABLE", TABLE);
        env.put("BATON_DYNAMODB_ENDPOINT_URL", dynamoDb.endpoint().toString());
        return env;
    }

    /** What a {@code baton} command did. */
    record Result(int exitCode, String out, String err) {
        String all() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs {@code baton args} in this JVM; {@code env} gives the options' environment defaults. */
    static Result baton(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code baton args} as a child JVM with this JVM's class path, as a user runs it: the AWS credentials and
     * region in its environment (the SDK's default chains), plus {@code env}. Its children (process isolation)
     * inherit that environment, as Batch containers get theirs.
     */
    Result batonProcess(Map<String, String> env, Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        Map<String, String> penv = pb.environment();
        penv.keySet().removeIf(k -> k.startsWith("BATON_") || k.startsWith("AWS_"));
        penv.putAll(Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION));
        penv.putAll(env);
        try {
            Path out = Files.createTempFile(workDir, "baton-out", ".txt");
            Path err = Files.createTempFile(workDir, "baton-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            CompletableFuture<Integer> exit = p.onExit().thenApply(Process::exitValue);
            int code;
            try {
                code = exit.get(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("baton " + String.join(" ", args) + " did not finish within "
                        + PROCESS_TIMEOUT + "\n" + Files.readString(err));
            }
            return new Result(code, Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /** The run id a {@code --run-id-file} received. */
    static String runId(Path file) {
        try {
            String id = Files.readString(file).trim();
            assertEquals(false, id.isEmpty(), "empty run id file " + file);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            s3.close();
            try {
                s3proxy.stop();
            } catch (Exception e) {
                throw new IllegalStateException("S3Proxy failed to stop: " + e, e);
            }
        } finally {
            try {
                dynamoDb.close();
            } finally {
                SYSTEM_PROPERTIES.keySet().forEach(System::clearProperty);
            }
        }
    }
}
