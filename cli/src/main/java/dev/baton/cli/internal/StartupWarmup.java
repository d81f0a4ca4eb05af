package dev.baton.cli.internal;

import dev.baton.datastore.Datastores;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.crypto.Mac;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.conn.util.PublicSuffixMatcherLoader;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.protocols.query.unmarshall.XmlDomParser;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.utils.DateUtils;

/**
 * One-time set-up that a {@code baton step} process (a task: in a container, or a process-isolated child of a
 * local run) does on a spare core while its main thread builds the command line and loads the flow.
 *
 * <p>Why: a task's process lives for about a second, and most of its CPU before the user's step runs is one-time
 * initialisation on a single thread, while a default Batch job has 2 vCPUs. Each piece here is work the task does
 * anyway, later, on its main thread; done first on this thread, the main thread finds it done (classes loaded and
 * initialised, caches filled) or waits less for it:
 * <ol>
 *   <li>logging: SLF4J binds logback, which runs {@link LogbackConfigurator};</li>
 *   <li>with an S3 datastore, what the client's build and its first request wait for ({@link #warmUpS3Client()});
 *       </li>
 *   <li>with an S3 datastore over TLS (AWS's endpoint, or an {@code https://} one), the JDK's TLS set-up: the
 *       trust anchors parsed from the {@code cacerts} store (the JDK caches them while a trust manager holds them,
 *       so this class keeps one) and the TLS context classes, which the SDK's HTTP client otherwise builds on the
 *       thread that opens the store;</li>
 *   <li>the datastore's metadata JSON mapper and the artifact codec ({@link Datastores#warmUp()});</li>
 *   <li>with an S3 datastore, what the SDK does at a client's first request that needs no request: the endpoint
 *       rules' table of AWS partitions (a JSON resource parsed once per process), the XML parser that reads
 *       error and listing responses, the HTTP date format, and the marshalling metadata of the request and
 *       response classes a task uses. Without this the task's main thread did it at its
 *       first request, after the store had opened, when nothing else runs: it is on the critical path there, and
 *       on this thread it fills a core that is idle while the store's client is still being built.</li>
 * </ol>
 *
 * <p>Nothing here changes behaviour: a failure is ignored (the same work runs again, and reports, where it is
 * needed). {@code BATON_STARTUP_WARMUP=false} turns it off, and the datastore's background opening with it (to
 * measure them, or to rule them out).
 */
public final class StartupWarmup {
    /** Environment variable: {@code false} turns the warm-up off. */
    public static final String ENV_SWITCH = "BATON_STARTUP_WARMUP";

    private static final CountDownLatch LOGGING = new CountDownLatch(1);
    private static volatile boolean started;
    /** Holds the trust anchors that the JDK caches only while something references them. */
    @SuppressWarnings("unused")
    private static volatile TrustManager[] trustManagers;

    private StartupWarmup() {}

    /**
     * Starts the warm-up on a daemon thread when {@code args} run a task ({@code step}); otherwise does nothing.
     * Called once, first thing, by the process's {@code main}.
     */
    public static void begin(String[] args, Map<String, String> env) {
        if (!enabled(env) || !runsTask(args)) {
            return;
        }
        boolean s3 = s3Datastore(args, env);
        started = true;
        // a plain http:// endpoint (an S3-compatible server) never needs the TLS set-up: its client skips it too
        // (decided on the warm-up thread: it loads datastore classes, which the main thread need not wait for)
        Thread thread = new Thread(() -> warmUp(s3, s3 && !plainHttpEndpoint(args, env)), "baton-warm-up");
        thread.setDaemon(true); // never keeps the process alive, never delays its exit
        thread.start();
    }

    /**
     * Whether start-up work may overlap on other threads: this warm-up, and opening the datastore while the flow
     * loads; {@code BATON_STARTUP_WARMUP=false} turns both off.
     */
    public static boolean enabled(Map<String, String> env) {
        return !"false".equalsIgnoreCase(env.getOrDefault(ENV_SWITCH, "").trim());
    }

    /**
     * Waits until the warm-up has bound SLF4J to logback, when it runs. Called before the command line applies
     * {@code -v}/{@code --quiet}: while another thread is still binding, SLF4J hands out stand-in loggers, whose
     * level cannot be set.
     */
    public static void awaitLogging() {
        if (!started) {
            return;
        }
        try {
            LOGGING.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@code args} name the {@code step} command. A plain scan: a value that happens to read "step" only
     * costs an unneeded warm-up on a spare thread.
     */
    static boolean runsTask(String[] args) {
        for (String arg : args) {
            if (arg.equals("step")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the datastore is S3, from {@code --datastore} (either form), else {@code BATON_DATASTORE}. */
    static boolean s3Datastore(String[] args, Map<String, String> env) {
        return option(args, "--datastore", env.getOrDefault("BATON_DATASTORE", "")).trim().equalsIgnoreCase("s3");
    }

    /**
     * Whether the S3 endpoint is plain {@code http://}: {@code --s3-endpoint-url} (either form), else the
     * environment ({@link Datastores#s3EndpointIsPlainHttp}). A wrong answer only costs time: the client decides
     * from its own settings.
     */
    static boolean plainHttpEndpoint(String[] args, Map<String, String> env) {
        return Datastores.s3EndpointIsPlainHttp(option(args, "--s3-endpoint-url", null), env);
    }

    /**
     * The last value of {@code name} in {@code args} ({@code --name value} or {@code --name=value}), else
     * {@code fallback}: a plain scan, which a value that happens to read like the option only misleads into
     * unneeded (or skipped) warm-up work.
     */
    private static String option(String[] args, String name, String fallback) {
        String value = fallback;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith(name + "=")) {
                value = args[i].substring(name.length() + 1);
            }
        }
        return value;
    }

    private static void warmUp(boolean s3, boolean tls) {
        try {
            LoggerFactory.getILoggerFactory();
        } catch (Throwable ignored) {
            // the main thread binds logging itself, and reports what goes wrong
        } finally {
            LOGGING.countDown();
        }
        if (s3) {
            try {
                warmUpS3Client();
            } catch (Throwable ignored) {
                // the client build and the first request do the same
            }
        }
        if (tls) {
            try {
                warmUpTls();
            } catch (Throwable ignored) {
                // the HTTP client sets TLS up itself when it is built
            }
        }
        try {
            Datastores.warmUp();
        } catch (Throwable ignored) {
            // the datastore does the same set-up at its first read or write
        }
        if (s3) {
            try {
                warmUpS3Requests();
            } catch (Throwable ignored) {
                // the client does the same at its first request
            }
        }
    }

    /**
     * The JDK's TLS set-up that an HTTP client over TLS needs: the trust anchors (kept referenced, so that the JDK
     * keeps them cached for the client built next) and the TLS context classes.
     *
     * @throws java.security.GeneralSecurityException when the JDK has no default trust store or TLS context
     */
    public static void warmUpTls() throws java.security.GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        trustManagers = factory.getTrustManagers();
        SSLContext.getInstance("TLS").init(null, trustManagers, null);
    }

    /**
     * What the S3 client's build and first request wait for, first (they are each task's critical path): the
     * Apache HTTP client's public-suffix list, which its builder parses every time a process builds its first
     * client (~15 ms of CPU), and the JDK's security providers up to the one with HMAC-SHA256, which the request
     * signer asks for (~12 ms: the lookup loads each provider in turn, under a lock that the task's request threads
     * then wait on).
     */
    static void warmUpS3Client() throws java.security.GeneralSecurityException {
        PublicSuffixMatcherLoader.getDefault();
        Mac.getInstance("HmacSHA256");
    }

    /** The S3 client's one-time work of a first request that needs no request (see the class description). */
    static void warmUpS3Requests() {
        S3EndpointProvider.defaultProvider()
                .resolveEndpoint(S3EndpointParams.builder().bucket("baton-warm-up").region(Region.US_EAST_1).build())
                .join();
        XmlDomParser.parse(new ByteArrayInputStream(
                "<Error><Code>NoSuchKey</Code><Message>warm-up</Message></Error>".getBytes(StandardCharsets.UTF_8)));
        DateUtils.parseRfc822Date("Sun, 22 Nov 2026 13:00:00 GMT");
        // the requests and responses a task has: each model class builds its marshalling metadata once
        GetObjectRequest.builder().bucket("b").key("k").build();
        GetObjectResponse.builder().build();
        PutObjectRequest.builder().bucket("b").key("k").ifNoneMatch("*").build();
        PutObjectResponse.builder().build();
        ListObjectsV2Request.builder().bucket("b").prefix("p").delimiter("/").build();
        ListObjectsV2Response.builder().build();
        NoSuchKeyException.builder().build();
    }
}
