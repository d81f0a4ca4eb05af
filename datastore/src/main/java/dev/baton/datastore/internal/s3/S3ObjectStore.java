package dev.baton.datastore.internal.s3;

import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.spi.ObjectNotFoundException;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
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
 * up in parallel from a spool file, and a large object is read through parallel ranged GETs into a bounded
 * window that streams in order (see {@link RangedInputStream}). Requests run on the SDK's sync client over a
 * sized Apache connection pool; transient failures are retried by the SDK's standard retry strategy (backoff
 * with jitter) and, for bodies cut mid-transfer, by resuming the read from where it stopped.
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
    private volatile Boolean conditionalWrites;

    private S3ObjectStore(S3Settings settings, S3Client s3) {
        this.settings = settings;
        this.s3 = s3;
        this.conditionalWrites = settings.conditionalWrites().orElse(settings.endpoint().isEmpty() ? true : null);
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
     * with the configured credentials.
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

    @Override
    public InputStream open(String path) {
        String key = key(path);
        long chunk = settings.readPartSize();
        GetObjectRequest first = GetObjectRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .range("bytes=0-" + (chunk - 1))
                .build();
        ResponseInputStream<GetObjectResponse> response;
        try {
            response = s3.getObject(first);
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
                throw new ObjectNotFoundException(root(), path);
            }
            if (e.statusCode() == 416) {
                // S3 answers a range request on an empty object with 416 InvalidRange: the object exists, empty
                return new ByteArrayInputStream(new byte[0]);
            }
            throw S3Errors.translate("read", settings.bucket(), key, e);
        } catch (RuntimeException e) {
            throw S3Errors.translate("read", settings.bucket(), key, e);
        }
        GetObjectResponse r = response.response();
        long total = totalLength(r);
        String etag = r.eTag();
        RangeReader reader = new RangeReader(this, key, etag);
        InputStream head = reader.resume(response, 0, Math.min(total, chunk));
        if (total <= chunk) {
            return head;
        }
        return new RangedInputStream(reader, head, total, chunk, settings.readAheadParts(), transfers);
    }

    private static long totalLength(GetObjectResponse r) {
        String range = r.contentRange();
        if (range != null) {
            int slash = range.lastIndexOf('/');
            if (slash >= 0 && !range.endsWith("*")) {
                return Long.parseLong(range.substring(slash + 1).trim());
            }
        }
        // the server ignored the Range header and sent the whole object
        return r.contentLength() == null ? Long.MAX_VALUE : r.contentLength();
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
            s3.putObject(put(key).build(), body(bytes, bytes.length));
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
                    s3.putObject(put(key).ifNoneMatch("*").build(), body(bytes, length));
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
            s3.putObject(put(key).build(), body(bytes, length));
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

    private boolean probeConditionalWrites() {
        String key = settings.key(".baton-probe/" + UUID.randomUUID());
        byte[] probe = {0};
        try {
            s3.putObject(put(key).ifNoneMatch("*").build(), body(probe, 1));
            try {
                s3.putObject(put(key).ifNoneMatch("*").build(), body(probe, 1));
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

    /** A PUT with the configured encryption and storage class. */
    PutObjectRequest.Builder put(String key) {
        PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(settings.bucket()).key(key);
        settings.sse().ifPresent(b::serverSideEncryption);
        settings.kmsKeyId().ifPresent(b::ssekmsKeyId);
        settings.storageClass().ifPresent(b::storageClass);
        return b;
    }

    /** A multipart upload with the configured encryption and storage class. */
    CreateMultipartUploadRequest.Builder createMultipart(String key) {
        CreateMultipartUploadRequest.Builder b =
                CreateMultipartUploadRequest.builder().bucket(settings.bucket()).key(key);
        settings.sse().ifPresent(b::serverSideEncryption);
        settings.kmsKeyId().ifPresent(b::ssekmsKeyId);
        settings.storageClass().ifPresent(b::storageClass);
        return b;
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
