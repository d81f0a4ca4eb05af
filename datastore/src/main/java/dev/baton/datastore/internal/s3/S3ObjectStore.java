package dev.baton.datastore.internal.s3;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.spi.ObjectNotFoundException;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectStore} on S3 (or an S3-compatible server): one object per path under {@code s3://bucket/prefix}.
 *
 * <p>Small objects move in one request; a large staged object is uploaded as a multipart upload whose parts go
 * up in parallel from a spool file. Every read is one plain GET; a large object streams from it whole when that
 * connection keeps up, and otherwise through parallel ranged GETs into a bounded window that streams in order
 * (see {@link RangedInputStream}). Every body uploaded carries its CRC32, which the server verifies; over plain
 * http it goes as {@code UNSIGNED-PAYLOAD}, as over https (see {@link UnsignedPayloadSigner}). Requests run on
 * the SDK's sync client over a sized Apache connection pool; transient failures are retried by the SDK's
 * standard retry strategy (backoff with jitter) and, for bodies cut mid-transfer, by resuming the read from where
 * it stopped.
 *
 * <p>Put-if-absent uses {@code If-None-Match: *} when the server honours it (AWS S3 does since 2024; other
 * servers are probed once), and a HEAD before the PUT otherwise.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** Below this size a staged object skips the HEAD when a conditional PUT can answer in one round trip. */
    private static final long SKIP_HEAD_BELOW = 1L << 20;

    private final S3Settings settings;
    private final S3Client s3;
    private final ThreadPoolExecutor transfers;
    private final SpoolBudget spoolBudget;
    private volatile Boolean conditionalWrites;

    private S3ObjectStore(S3Settings settings, S3Client s3) {
        this.settings = settings;
        this.s3 = s3;
        this.conditionalWrites = settings.conditionalWrites().orElse(settings.endpoint().isEmpty() ? true : null);
        this.spoolBudget = new SpoolBudget(settings.memorySpool());
        int n = settings.transferThreads();
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.transfers = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "baton-s3-" + pool + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        transfers.allowCoreThreadTimeOut(true);
    }

    /**
     * Opens the store at {@code config.root()} ({@code s3://bucket/prefix}) and checks that the bucket is reachable
     * with the configured credentials (unless the setting {@code s3.checkBucket} is false).
     *
     * @throws ConfigurationException for a malformed root or setting, a missing bucket, bad credentials or a
     *     denied request
     * @throws dev.baton.flow.TransientFailureException when S3 could not be reached after retries
     */
    public static S3ObjectStore open(DatastoreConfig config) {
        return open(config, System.getenv());
    }

    static S3ObjectStore open(DatastoreConfig config, Map<String, String> env) {
        S3Settings settings = S3Settings.parse(config, env);
        S3ObjectStore store = new S3ObjectStore(settings, S3Clients.build(settings));
        if (!settings.checkBucket()) {
            // the launcher checked it: a missing bucket fails the first request instead, with the same error
            return store;
        }
        try {
            store.checkBucket();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.debug("opened S3 datastore {} (endpoint {})", settings.root(), settings.endpoint().orElse(null));
        return store;
    }

    private void checkBucket() {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new ConfigurationException("bucket '" + settings.bucket() + "' of the datastore root "
                        + settings.root() + " does not exist: create it or fix --datastore-root"
                        + " (BATON_DATASTORE_ROOT)", e);
            }
            throw S3Errors.translate("reach bucket", settings.bucket(), settings.prefix(), e);
        } catch (RuntimeException e) {
            throw S3Errors.translate("reach bucket", settings.bucket(), settings.prefix(), e);
        }
    }

    @Override
    public String root() {
        return settings.root();
    }

    S3Settings settings() {
        return settings;
    }

    S3Client client() {
        return s3;
    }

    ExecutorService transfers() {
        return transfers;
    }

    /** Heap that this store's staged objects may hold beyond their first part, together. */
    SpoolBudget spoolBudget() {
        return spoolBudget;
    }

    @Override
    public boolean exists(String path) {
        String key = key(path);
        try {
            s3.headObject(b -> b.bucket(settings.bucket()).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw S3Errors.translate("check", settings.bucket(), key, e);
        } catch (RuntimeException e) {
            throw S3Errors.translate("check", settings.bucket(), key, e);
        }
    }

    /**
     * One plain GET (no HEAD, no Range): a small object streams from it whole. An object of more than
     * {@code readPartSize} streams its first part from that response, then the rest from it too when that
     * connection kept up, or through parallel ranged GETs when it did not (see {@link RangedInputStream}).
     */
    @Override
    public InputStream open(String path) {
        String key = key(path);
        ResponseInputStream<GetObjectResponse> response;
        try {
            response = s3.getObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
                throw new ObjectNotFoundException(root(), path);
            }
            throw S3Errors.translate("read", settings.bucket(), key, e);
        } catch (RuntimeException e) {
            throw S3Errors.translate("read", settings.bucket(), key, e);
        }
        GetObjectResponse r = response.response();
        // without a length (never from S3) the body's own end is the end
        long total = r.contentLength() == null ? Long.MAX_VALUE : r.contentLength();
        RangeReader reader = new RangeReader(this, key, r.eTag());
        long part = settings.readPartSize();
        if (total == Long.MAX_VALUE || total <= part) {
            return reader.resume(response, 0, total, total);
        }
        return new RangedInputStream(reader, reader.resume(response, 0, part, total), total, part,
                settings.readAheadParts(), settings.singleStreamReadMiBps() * (double) S3Settings.MIB, transfers);
    }

    @Override
    public Optional<byte[]> read(String path) {
        try (InputStream in = open(path)) {
            return Optional.of(in.readAllBytes());
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw S3Errors.translate("read", settings.bucket(), key(path), e);
        }
    }

    @Override
    public void write(String path, byte[] bytes) {
        String key = key(path);
        try {
            s3.putObject(put(key, bytes, bytes.length).build(), body(bytes, bytes.length));
        } catch (RuntimeException e) {
            throw S3Errors.translate("write", settings.bucket(), key, e);
        }
    }

    @Override
    public boolean writeIfAbsent(String path, byte[] bytes) {
        return putIfAbsent(key(path), bytes, bytes.length, true);
    }

    /**
     * Writes a small object unless one exists at {@code key}.
     *
     * @param headFirst whether to HEAD even when conditional writes work (saves sending bytes that exist)
     */
    boolean putIfAbsent(String key, byte[] bytes, int length, boolean headFirst) {
        boolean conditional = conditionalWrites();
        try {
            if (conditional) {
                if (headFirst && length >= SKIP_HEAD_BELOW && existsKey(key)) {
                    return false;
                }
                try {
                    s3.putObject(put(key, bytes, length).ifNoneMatch("*").build(), body(bytes, length));
                    return true;
                } catch (S3Exception e) {
                    if (e.statusCode() == 412) {
                        return false;
                    }
                    if (e.statusCode() == 409) {
                        // ConditionalRequestConflict: a concurrent conditional write to the same key is in flight;
                        // whoever wins, the object will exist with the same content-addressed bytes
                        return !existsKey(key) && putIfAbsent(key, bytes, length, true);
                    }
                    if (!notImplemented(e)) {
                        throw e;
                    }
                    LOG.info("S3 endpoint of {} does not support If-None-Match; using HEAD before PUT", root());
                    conditionalWrites = false;
                }
            }
            if (existsKey(key)) {
                return false;
            }
            s3.putObject(put(key, bytes, length).build(), body(bytes, length));
            return true;
        } catch (RuntimeException e) {
            throw S3Errors.translate("write", settings.bucket(), key, e);
        }
    }

    boolean existsKey(String key) {
        try {
            s3.headObject(b -> b.bucket(settings.bucket()).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static boolean notImplemented(S3Exception e) {
        return e.statusCode() == 501 || "NotImplemented".equals(S3Errors.errorCode(e));
    }

    /**
     * Whether the server honours {@code If-None-Match: *} on PUT. AWS does; another endpoint is probed once with
     * a throw-away object: a server that ignores the header lets the second conditional PUT through.
     */
    boolean conditionalWrites() {
        Boolean known = conditionalWrites;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (conditionalWrites == null) {
                conditionalWrites = probeConditionalWrites();
            }
            return conditionalWrites;
        }
    }

    /** Every request is a round trip to S3. */
    @Override
    public boolean remote() {
        return true;
    }

    /**
     * An S3-compatible endpoint's answer to {@link #conditionalWrites()}, probed here once rather than by every task
     * ({@value S3Settings#ENV_CONDITIONAL_WRITES}); nothing for AWS's own endpoint, which tasks never probe.
     */
    @Override
    public Map<String, String> taskEnvironment() {
        if (settings.endpoint().isEmpty()) {
            return Map.of();
        }
        return Map.of(S3Settings.ENV_CONDITIONAL_WRITES, Boolean.toString(conditionalWrites()));
    }

    private boolean probeConditionalWrites() {
        String key = settings.key(".baton-probe/" + UUID.randomUUID());
        byte[] probe = {0};
        try {
            s3.putObject(put(key, probe, 1).ifNoneMatch("*").build(), body(probe, 1));
            try {
                s3.putObject(put(key, probe, 1).ifNoneMatch("*").build(), body(probe, 1));
                LOG.info("S3 endpoint of {} ignores If-None-Match; using HEAD before PUT", root());
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return true;
                }
                if (notImplemented(e)) {
                    return false;
                }
                throw e;
            }
        } catch (S3Exception e) {
            if (notImplemented(e)) {
                return false;
            }
            throw S3Errors.translate("probe conditional writes at", settings.bucket(), key, e);
        } catch (RuntimeException e) {
            throw S3Errors.translate("probe conditional writes at", settings.bucket(), key, e);
        } finally {
            try {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
            } catch (RuntimeException e) {
                LOG.debug("could not delete the probe object s3://{}/{}", settings.bucket(), key, e);
            }
        }
    }

    @Override
    public Staged stage() {
        return new S3StagedObject(this);
    }

    @Override
    public List<String> list(String prefix) {
        String dir = trimSlashes(prefix == null ? "" : prefix);
        if (!dir.isEmpty()) {
            checkPath(dir);
        }
        String keyPrefix = dir.isEmpty()
                ? (settings.prefix().isEmpty() ? "" : settings.prefix() + "/")
                : settings.key(dir) + "/";
        TreeSet<String> names = new TreeSet<>();
        try {
            ListObjectsV2Request request = ListObjectsV2Request.builder()
                    .bucket(settings.bucket())
                    .prefix(keyPrefix)
                    .delimiter("/")
                    .build();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request)) {
                for (CommonPrefix p : page.commonPrefixes()) {
                    String name = p.prefix().substring(keyPrefix.length());
                    name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
                for (S3Object o : page.contents()) {
                    String name = o.key().substring(keyPrefix.length());
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        } catch (RuntimeException e) {
            throw S3Errors.translate("list", settings.bucket(), keyPrefix, e);
        }
        return new ArrayList<>(names);
    }

    @Override
    public void delete(String path) {
        String key = key(path);
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() != 404 || "NoSuchBucket".equals(S3Errors.errorCode(e))) {
                throw S3Errors.translate("delete", settings.bucket(), key, e);
            }
        } catch (RuntimeException e) {
            throw S3Errors.translate("delete", settings.bucket(), key, e);
        }
    }

    @Override
    public void close() {
        transfers.shutdownNow();
        s3.close();
    }

    @Override
    public String toString() {
        return "S3ObjectStore(" + root() + ")";
    }

    /**
     * A PUT of {@code bytes[0, length)} with the configured encryption and storage class, and the body's CRC32 for
     * the server to verify before it stores anything (computed here, in one cheap pass, rather than by the SDK in a
     * pass of its own).
     */
    PutObjectRequest.Builder put(String key, byte[] bytes, int length) {
        PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(settings.bucket()).key(key)
                .checksumCRC32(crc32(bytes, length));
        settings.sse().ifPresent(b::serverSideEncryption);
        settings.kmsKeyId().ifPresent(b::ssekmsKeyId);
        settings.storageClass().ifPresent(b::storageClass);
        return b;
    }

    /** A multipart upload with the configured encryption and storage class, whose parts carry their CRC32. */
    CreateMultipartUploadRequest.Builder createMultipart(String key) {
        CreateMultipartUploadRequest.Builder b = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32);
        settings.sse().ifPresent(b::serverSideEncryption);
        settings.kmsKeyId().ifPresent(b::ssekmsKeyId);
        settings.storageClass().ifPresent(b::storageClass);
        return b;
    }

    /** The CRC32 of {@code bytes[0, length)} as S3 wants it: base64 of the 4 big-endian bytes. */
    static String crc32(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc32(crc.getValue());
    }

    /** A CRC32 value as S3 wants it: base64 of the 4 big-endian bytes. */
    static String crc32(long value) {
        byte[] be = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        return Base64.getEncoder().encodeToString(be);
    }

    /** A body over {@code bytes[0, length)} without the defensive copy of {@code RequestBody.fromBytes}. */
    static RequestBody body(byte[] bytes, int length) {
        ContentStreamProvider provider = () -> new ByteArrayInputStream(bytes, 0, length);
        return RequestBody.fromContentProvider(provider, length, "application/octet-stream");
    }

    /** The object key of a store path, after checking the path is a plain relative one. */
    String key(String path) {
        checkPath(path);
        return settings.key(path);
    }

    private void checkPath(String path) {
        if (path == null || path.isEmpty()) {
            throw new ConfigurationException("empty object path under datastore root " + root());
        }
        boolean bad = path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.contains("\\");
        for (String segment : path.split("/")) {
            bad |= segment.equals(".") || segment.equals("..");
        }
        if (bad) {
            throw new ConfigurationException("invalid object path '" + path + "' under datastore root " + root()
                    + ": use a relative path of non-empty segments, without '.', '..' or '\\'");
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
