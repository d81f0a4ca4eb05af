package dev.baton.datastore.internal.s3;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * The SDK's S3 endpoint rules, evaluated once per distinct set of inputs rather than on every request.
 *
 * <p>Why: the S3 client runs its endpoint rule set (a few hundred generated rules, with string parsing and
 * partition look-ups) twice per request, once to pick the auth scheme and once to pick the URL, and with a
 * store's requests all going to one bucket the answer never changes: on small objects that was about a tenth of
 * the client's CPU per request, and a large share of the code the JIT has to compile before a task's transfers
 * run at full speed.
 *
 * <p>The cache key is every parameter of {@link S3EndpointParams} except those naming objects within the bucket
 * (the object key, a list prefix, a copy source, the keys of a multi-object delete), which the rules do not read:
 * the URL is the bucket's, and the SDK appends the key afterwards. {@code CachingEndpointProviderTest} checks that
 * against the SDK's real rules, so an SDK upgrade that starts reading them fails a test rather than sending a
 * request to the wrong place. Failed resolutions are not cached. The cache is small and bounded: a store talks to
 * one bucket, in one or two regions.
 */
final class CachingEndpointProvider implements S3EndpointProvider {
    /** More entries than a store ever needs; beyond it the cache starts over rather than grow. */
    static final int MAX_ENTRIES = 64;

    private final S3EndpointProvider delegate;
    private final Map<List<Object>, Endpoint> cache = new ConcurrentHashMap<>();

    CachingEndpointProvider(S3EndpointProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Endpoint> resolveEndpoint(S3EndpointParams params) {
        List<Object> key = cacheKey(params);
        Endpoint known = cache.get(key);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Endpoint> resolved = delegate.resolveEndpoint(params);
        // the default provider answers synchronously; cache only what resolved, never an error
        Endpoint endpoint = resolved.isDone() && !resolved.isCompletedExceptionally() ? resolved.join() : null;
        if (endpoint != null) {
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(key, endpoint);
        }
        return resolved;
    }

    int size() {
        return cache.size();
    }

    /** Every input of the rules but those naming objects in the bucket (nulls allowed, hence not {@code List.of}). */
    static List<Object> cacheKey(S3EndpointParams p) {
        return Arrays.asList(p.bucket(), p.region(), p.useFips(), p.useDualStack(), p.endpoint(), p.forcePathStyle(),
                p.accelerate(), p.useGlobalEndpoint(), p.useObjectLambdaEndpoint(), p.disableAccessPoints(),
                p.disableMultiRegionAccessPoints(), p.useArnRegion(), p.useS3ExpressControlEndpoint(),
                p.disableS3ExpressSessionAuth());
    }
}
