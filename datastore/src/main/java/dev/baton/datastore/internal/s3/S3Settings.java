package dev.baton.datastore.internal.s3;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.flow.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Everything the S3 store needs, parsed and checked once from a {@link DatastoreConfig} and the environment.
 *
 * <p>Settings keys (all optional): {@code s3.endpoint} (else {@code BATON_S3_ENDPOINT_URL}, then the SDK's own
 * {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}), {@code s3.region}, {@code s3.pathStyle},
 * {@code s3.sse} ({@code AES256}/{@code sse-s3} or {@code aws:kms}/{@code sse-kms}), {@code s3.kmsKeyId}
 * (implies SSE-KMS), {@code s3.storageClass}, {@code s3.profile}, {@code s3.accessKeyId} +
 * {@code s3.secretAccessKey} (+ {@code s3.sessionToken}) for S3-compatible servers, {@code s3.maxConnections},
 * {@code s3.transferThreads}, {@code s3.partSizeMiB}, {@code s3.readPartSizeMiB}, {@code s3.readAheadParts},
 * {@code s3.singleStreamReadMiBps},
 * {@code s3.maxAttempts},
 * {@code s3.retryBaseDelayMs}, {@code s3.conditionalWrites} ({@code auto}, {@code true}, {@code false}; else
 * {@code BATON_S3_CONDITIONAL_WRITES}), {@code s3.checkBucket} (default true),
 * {@code s3.spoolDir}, {@code s3.memorySpoolMiB}, {@code s3.chunkedEncoding} and {@code s3.expectContinue} (both default to true on AWS and
 * false with an endpoint), {@code s3.signPayloads} (default false).
 *
 * @param bucket the bucket of the root
 * @param prefix the key prefix of the root, without leading or trailing {@code /}; empty for the bucket root
 * @param endpoint an S3-compatible endpoint, or empty for AWS's own
 * @param endpointSource where the endpoint came from (a setting or environment variable name), for messages
 * @param pathStyle path-style addressing ({@code http://host/bucket/key}); on whenever an endpoint is set
 * @param region the signing region, or empty to use the SDK's default region chain
 * @param sse server-side encryption to request, or empty for the bucket default
 * @param kmsKeyId the KMS key for SSE-KMS, or empty for the AWS-managed key
 * @param storageClass the storage class of new objects, or empty for STANDARD
 * @param profile a named profile of the shared AWS config, or empty for the default chain
 * @param accessKeyId static credentials (with {@code secretAccessKey}), or empty for the default chain
 * @param secretAccessKey see {@code accessKeyId}
 * @param sessionToken optional session token for static credentials
 * @param maxConnections size of the HTTP connection pool
 * @param transferThreads threads moving parts of large objects (multipart upload, ranged download)
 * @param partSize bytes per multipart part and per ranged GET; also the in-memory spool limit of staged writes
 * @param readPartSize bytes per ranged GET of a large object (each request has a fixed cost on the server, so
 *     reads use larger pieces than uploads)
 * @param readAheadParts ranged GETs in flight (and parts buffered) per open large-object stream
 * @param singleStreamReadMiBps how fast (MiB/s) one connection must deliver a large object's first part for the
 *     rest to stream from it too; below, the rest comes through parallel ranged GETs. Parallel connections pay
 *     off when a connection is slow (S3 serves each at ~100 MB/s), not when the CPU is the limit (0 = always one
 *     stream)
 * @param maxAttempts attempts per request, the first included, before a transient error surfaces
 * @param retryBaseDelay base of the exponential backoff with jitter between attempts
 * @param conditionalWrites whether to use {@code If-None-Match: *}: empty to probe the server once. A launcher that
 *     knows the answer (AWS's endpoint always honours it; another endpoint was probed by the launcher's own store)
 *     passes it to its tasks as {@code BATON_S3_CONDITIONAL_WRITES}, which saves each task the probe's three requests
 * @param spoolDir where staged writes larger than {@code partSize} spill, or empty for the JVM temp directory
 * @param memorySpool bytes of heap the store's staged objects may hold beyond their first part, all together,
 *     before spilling to {@code spoolDir} (default: an eighth of the maximum heap)
 * @param chunkedEncoding whether the SDK signs bodies chunk by chunk ({@code aws-chunked}) rather than whole
 * @param expectContinue whether PUTs wait for {@code 100 Continue} before sending their body
 * @param signPayloads whether bodies sent over plain http are signed (SHA-256) as the SDK does by default, rather
 *     than sent as {@code UNSIGNED-PAYLOAD} with a server-verified CRC32 as over https (see
 *     {@link UnsignedPayloadSigner})
 * @param checkBucket whether opening the store checks the bucket with a request ({@code HeadBucket}). A task whose
 *     launcher has checked it already opens without it: a missing bucket then fails the task's first request with
 *     the same {@link dev.baton.flow.ConfigurationException} naming the bucket ({@link S3Errors})
 */
record S3Settings(
        String bucket,
        String prefix,
        Optional<URI> endpoint,
        String endpointSource,
        boolean pathStyle,
        Optional<String> region,
        Optional<ServerSideEncryption> sse,
        Optional<String> kmsKeyId,
        Optional<StorageClass> storageClass,
        Optional<String> profile,
        Optional<String> accessKeyId,
        Optional<String> secretAccessKey,
        Optional<String> sessionToken,
        int maxConnections,
        int transferThreads,
        long partSize,
        long readPartSize,
        int readAheadParts,
        int singleStreamReadMiBps,
        int maxAttempts,
        Duration retryBaseDelay,
        Optional<Boolean> conditionalWrites,
        Optional<Path> spoolDir,
        long memorySpool,
        boolean chunkedEncoding,
        boolean expectContinue,
        boolean signPayloads,
        boolean checkBucket) {

    static final String ENDPOINT = "s3.endpoint";
    static final String ENV_ENDPOINT = S3EndpointEnvironment.BATON;
    /** Setting: whether to use {@code If-None-Match: *} ({@code auto} probes the server once). */
    static final String CONDITIONAL_WRITES = "s3.conditionalWrites";
    /** Environment variable read when the setting {@value #CONDITIONAL_WRITES} is not given. */
    static final String ENV_CONDITIONAL_WRITES = "BATON_S3_CONDITIONAL_WRITES";
    /** Setting: whether opening the store checks the bucket (default true). */
    static final String CHECK_BUCKET = "s3.checkBucket";
    static final long MIB = 1L << 20;

    /** S3's rules for bucket names, loosely: what a root may name before any request is made. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

    /** The root as a user writes it. */
    String root() {
        return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
    }

    /** The object key of a store-relative path. */
    String key(String path) {
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    static S3Settings parse(DatastoreConfig config, Map<String, String> env) {
        String root = config.root();
        if (root == null || !root.startsWith("s3://")) {
            throw new ConfigurationException("S3 datastore root '" + root + "' is not of the form s3://bucket/prefix:"
                    + " fix --datastore-root (BATON_DATASTORE_ROOT)");
        }
        String rest = root.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : trimSlashes(rest.substring(slash + 1));
        if (!BUCKET.matcher(bucket).matches()) {
            throw new ConfigurationException("S3 datastore root '" + root + "' names an invalid bucket '" + bucket
                    + "' (3-63 lowercase letters, digits, '.' or '-'): fix --datastore-root (BATON_DATASTORE_ROOT)");
        }
        if (prefix.contains("//") || prefix.matches("(.*/)?\\.{1,2}(/.*)?")) {
            throw new ConfigurationException("S3 datastore root '" + root + "' has an invalid prefix '" + prefix
                    + "' (empty, '.' or '..' segments): fix --datastore-root (BATON_DATASTORE_ROOT)");
        }
        Map<String, String> s = config.settings();

        String endpointSource = null;
        String endpointText = null;
        String setting = s.get(ENDPOINT);
        if (setting != null && !setting.isBlank()) {
            endpointSource = "setting " + ENDPOINT;
            endpointText = setting.trim();
        } else {
            String name = S3EndpointEnvironment.firstSet(env);
            if (name != null) {
                endpointSource = name;
                endpointText = env.get(name).trim();
            }
        }
        Optional<URI> endpoint = Optional.empty();
        if (endpointText != null) {
            endpoint = Optional.of(endpoint(endpointText, endpointSource));
        }
        boolean pathStyle = bool(s, "s3.pathStyle").orElse(endpoint.isPresent());

        Optional<String> region = text(s, "s3.region");
        Optional<String> kmsKeyId = text(s, "s3.kmsKeyId");
        Optional<ServerSideEncryption> sse = text(s, "s3.sse").map(S3Settings::sse);
        if (kmsKeyId.isPresent()) {
            if (sse.isPresent() && sse.get() != ServerSideEncryption.AWS_KMS) {
                throw new ConfigurationException("setting s3.kmsKeyId needs SSE-KMS but s3.sse is '" + s.get("s3.sse")
                        + "': drop s3.sse or set it to aws:kms");
            }
            sse = Optional.of(ServerSideEncryption.AWS_KMS);
        }
        Optional<StorageClass> storageClass = text(s, "s3.storageClass").map(S3Settings::storageClass);
        Optional<String> accessKeyId = text(s, "s3.accessKeyId");
        Optional<String> secretAccessKey = text(s, "s3.secretAccessKey");
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new ConfigurationException("settings s3.accessKeyId and s3.secretAccessKey go together: set both,"
                    + " or neither to use the AWS default credential chain");
        }
        long partSize = integer(s, "s3.partSizeMiB", 8, 5, 5 * 1024) * MIB;
        return new S3Settings(
                bucket,
                prefix,
                endpoint,
                endpointSource == null ? "" : endpointSource,
                pathStyle,
                region,
                sse,
                kmsKeyId,
                storageClass,
                text(s, "s3.profile"),
                accessKeyId,
                secretAccessKey,
                text(s, "s3.sessionToken"),
                integer(s, "s3.maxConnections", 64, 1, 4096),
                integer(s, "s3.transferThreads", 8, 1, 256),
                partSize,
                integer(s, "s3.readPartSizeMiB", 16, 1, 1024) * MIB,
                integer(s, "s3.readAheadParts", 3, 1, 64),
                integer(s, "s3.singleStreamReadMiBps", 200, 0, 1_000_000),
                integer(s, "s3.maxAttempts", 8, 1, 100),
                Duration.ofMillis(integer(s, "s3.retryBaseDelayMs", 100, 1, 60_000)),
                conditionalWrites(s, env),
                text(s, "s3.spoolDir").map(Path::of),
                integer(s, "s3.memorySpoolMiB", (int) Math.min(Runtime.getRuntime().maxMemory() / 8 / MIB, 1 << 20), 0,
                        1 << 20) * MIB,
                bool(s, "s3.chunkedEncoding").orElse(endpoint.isEmpty()),
                bool(s, "s3.expectContinue").orElse(endpoint.isEmpty()),
                bool(s, "s3.signPayloads").orElse(false),
                bool(s, CHECK_BUCKET).orElse(true));
    }

    /** The setting, else the environment variable a launcher passes to its tasks; empty for {@code auto}. */
    private static Optional<Boolean> conditionalWrites(Map<String, String> s, Map<String, String> env) {
        String source = "setting " + CONDITIONAL_WRITES;
        Optional<String> value = text(s, CONDITIONAL_WRITES);
        if (value.isEmpty()) {
            source = ENV_CONDITIONAL_WRITES;
            value = text(env, ENV_CONDITIONAL_WRITES);
        }
        if (value.isEmpty() || value.get().equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        String v = value.get();
        if (v.equalsIgnoreCase("true")) {
            return Optional.of(true);
        }
        if (v.equalsIgnoreCase("false")) {
            return Optional.of(false);
        }
        throw new ConfigurationException(source + " is '" + v + "': use auto, true or false");
    }

    private static URI endpoint(String text, String source) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException("S3 endpoint '" + text + "' from " + source
                    + " is not an http(s) URL such as http://127.0.0.1:9000: fix " + source, e);
        }
    }

    private static ServerSideEncryption sse(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "aes256":
            case "sse-s3":
                return ServerSideEncryption.AES256;
            case "aws:kms":
            case "sse-kms":
            case "kms":
                return ServerSideEncryption.AWS_KMS;
            default:
                throw new ConfigurationException("setting s3.sse is '" + value
                        + "': use AES256 (SSE-S3) or aws:kms (SSE-KMS, with s3.kmsKeyId for a customer key)");
        }
    }

    private static StorageClass storageClass(String value) {
        StorageClass c = StorageClass.fromValue(value.toUpperCase(Locale.ROOT));
        if (c == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw new ConfigurationException("setting s3.storageClass is '" + value + "': use one of "
                    + StorageClass.knownValues());
        }
        return c;
    }

    private static Optional<String> text(Map<String, String> s, String key) {
        String v = s.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static Optional<Boolean> bool(Map<String, String> s, String key) {
        return text(s, key).map(v -> parseBool(key, v));
    }

    private static boolean parseBool(String key, String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigurationException("setting " + key + " is '" + v + "': use true or false");
    }

    private static int integer(Map<String, String> s, String key, int dflt, int min, int max) {
        Optional<String> v = text(s, key);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("setting " + key + " is '" + v.get() + "': use a whole number from "
                    + min + " to " + max);
        }
    }

    private static String trimSlashes(String p) {
        int b = 0;
        int e = p.length();
        while (b < e && p.charAt(b) == '/') {
            b++;
        }
        while (e > b && p.charAt(e - 1) == '/') {
            e--;
        }
        return p.substring(b, e);
    }
}
