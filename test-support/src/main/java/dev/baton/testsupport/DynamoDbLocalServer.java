package dev.baton.testsupport;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Amazon's DynamoDB Local for tests, in this JVM, with telemetry off, in memory:
 * <ul>
 *   <li>{@link #startServer()}: the HTTP server ({@code ServerRunner}) on an ephemeral port, for clients built
 *       with an endpoint, and for child processes through {@link #environment()}. It listens on every interface
 *       (DynamoDB Local has no bind-address option); {@link #endpoint()} is the loopback address.</li>
 *   <li>{@link #startEmbedded()}: no socket at all, the fastest for unit tests; only {@link #client()} reaches it.</li>
 * </ul>
 *
 * <pre>{@code
 * try (DynamoDbLocalServer ddb = DynamoDbLocalServer.startServer()) {
 *     DynamoDbClient client = ddb.client();                   // or ddb.environment() for a child process
 *     ...
 * }
 * }</pre>
 *
 * <p>Gotchas it handles: access key ids must be alphanumeric; DynamoDB Local 2.x sends telemetry (and writes {@code dynamodb-local-metadata.json} into
 * the working directory) unless told not to; without {@code -sharedDb} it keeps one database per access key and
 * region, so a child process with other credentials would see no tables. Don't test TTL expiry against it: it
 * deletes expired items late or never.
 */
public final class DynamoDbLocalServer implements AutoCloseable {
    /**
     * The access key id clients sign with. DynamoDB Local 2.x accepts any key made of letters and digits only
     * (with a '-' it answers UnrecognizedClientException).
     */
    public static final String ACCESS_KEY = "batontest";
    /** The secret key clients sign with (not checked). */
    public static final String SECRET_KEY = "batontestsecret";
    /** The region clients sign for. */
    public static final String REGION = "us-east-1";

    private static final int BIND_ATTEMPTS = 5;

    private final DynamoDBProxyServer server;
    private final AmazonDynamoDBLocal embedded;
    private final URI endpoint;
    private volatile DynamoDbClient client;

    private DynamoDbLocalServer(DynamoDBProxyServer server, AmazonDynamoDBLocal embedded, URI endpoint) {
        this.server = server;
        this.embedded = embedded;
        this.endpoint = endpoint;
    }

    /** Starts the HTTP server, in memory, on an ephemeral port. */
    public static DynamoDbLocalServer startServer() {
        QuietLogging.apply();
        Exception last = null;
        // ServerRunner takes a port number, not 0: pick a free one, and pick again if another process took it
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            int port = freePort();
            DynamoDBProxyServer server = null;
            try {
                server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                    "-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
                server.start();
                return new DynamoDbLocalServer(server, null, URI.create("http://127.0.0.1:" + port));
            } catch (Exception e) {
                last = e;
                stopQuietly(server);
                if (!isBindFailure(e)) {
                    break;
                }
            }
        }
        throw new IllegalStateException("DynamoDB Local failed to start: " + last, last);
    }

    /** Starts DynamoDB Local embedded (no socket), in memory, telemetry off. */
    public static DynamoDbLocalServer startEmbedded() {
        QuietLogging.apply();
        return new DynamoDbLocalServer(null, DynamoDBEmbedded.create(true), null);
    }

    /** {@code http://127.0.0.1:<port>}; only for a server started with {@link #startServer()}. */
    public URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("an embedded DynamoDB Local has no endpoint; use startServer()");
        }
        return endpoint;
    }

    /** Whether this is the embedded instance (no endpoint). */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** A client for this instance, built once and closed with it. */
    public DynamoDbClient client() {
        DynamoDbClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = client = embedded != null ? embedded.dynamoDbClient() : newClient(endpoint);
                }
            }
        }
        return c;
    }

    /** A new SDK client for {@code endpoint} (e.g. a fault-injecting proxy in front of this server). */
    public static DynamoDbClient newClient(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .build();
    }

    /**
     * Environment variables for a child process that should use this server through the standard AWS chains:
     * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL_DYNAMODB}
     * and Baton's {@code BATON_DYNAMODB_ENDPOINT_URL}.
     */
    public Map<String, String> environment() {
        String url = endpoint().toString();
        return Map.of(
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", REGION,
                "AWS_ENDPOINT_URL_DYNAMODB", url,
                "BATON_DYNAMODB_ENDPOINT_URL", url);
    }

    /** Stops the server (and closes {@link #client()}); its data is gone. */
    @Override
    public void close() {
        DynamoDbClient c = client;
        if (c != null) {
            c.close();
        }
        if (embedded != null) {
            embedded.shutdownNow();
        }
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local failed to stop: " + e, e);
            }
        }
    }

    @Override
    public String toString() {
        return embedded != null ? "DynamoDB Local (embedded)" : "DynamoDB Local at " + endpoint;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port for DynamoDB Local", e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(DynamoDBProxyServer server) {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // it never started; nothing to release
            }
        }
    }
}
