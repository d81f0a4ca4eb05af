package dev.baton.datastore.internal.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * The endpoint cache answers as the SDK's own rules do, resolving once per bucket and client settings: the object
 * key and the other object-naming parameters, which the cache ignores, must not change the rules' answer.
 */
class CachingEndpointProviderTest {
    private static final S3EndpointProvider RULES = S3EndpointProvider.defaultProvider();

    /** Client settings the store uses: AWS in two regions (virtual-hosted and path-style), and a custom endpoint. */
    private static final List<Consumer<S3EndpointParams.Builder>> SETTINGS = List.of(
            b -> b.bucket("baton-data").region(Region.US_EAST_1).useFips(false).useDualStack(false)
                    .forcePathStyle(false).accelerate(false).useGlobalEndpoint(false),
            b -> b.bucket("baton-data").region(Region.EU_WEST_1).useFips(false).useDualStack(false)
                    .forcePathStyle(true).accelerate(false).useGlobalEndpoint(false),
            b -> b.bucket("baton-data").region(Region.US_EAST_1).useFips(false).useDualStack(false)
                    .endpoint("http://127.0.0.1:9000").forcePathStyle(true).accelerate(false)
                    .useGlobalEndpoint(false));

    private static S3EndpointParams params(Consumer<S3EndpointParams.Builder> settings,
            Consumer<S3EndpointParams.Builder> object) {
        S3EndpointParams.Builder b = S3EndpointParams.builder();
        settings.accept(b);
        object.accept(b);
        return b.build();
    }

    @Test
    void objectNamingParametersDoNotChangeTheRulesAnswer() {
        for (Consumer<S3EndpointParams.Builder> settings : SETTINGS) {
            Endpoint plain = RULES.resolveEndpoint(params(settings, b -> { })).join();
            List<Consumer<S3EndpointParams.Builder>> objects = List.of(
                    b -> b.key("Flow/data/ab/abcdef"),
                    b -> b.key("other/key with spaces+and%"),
                    b -> b.prefix("Flow/run-1/"),
                    b -> b.copySource("baton-data/Flow/data/ab/abcdef"),
                    b -> b.deleteObjectKeys(List.of("a", "b/c")));
            for (Consumer<S3EndpointParams.Builder> object : objects) {
                assertEquals(plain, RULES.resolveEndpoint(params(settings, object)).join(),
                        "an SDK upgrade made the S3 endpoint rules depend on the object: the cache key must follow");
            }
        }
    }

    @Test
    void resolvesOncePerBucketAndSettingsWithTheRulesAnswer() {
        AtomicInteger calls = new AtomicInteger();
        CachingEndpointProvider cache = new CachingEndpointProvider(p -> {
            calls.incrementAndGet();
            return RULES.resolveEndpoint(p);
        });
        for (Consumer<S3EndpointParams.Builder> settings : SETTINGS) {
            S3EndpointParams first = params(settings, b -> b.key("a"));
            S3EndpointParams second = params(settings, b -> b.key("b"));
            assertEquals(RULES.resolveEndpoint(first).join(), cache.resolveEndpoint(first).join());
            assertEquals(RULES.resolveEndpoint(second).join(), cache.resolveEndpoint(second).join());
        }
        assertEquals(SETTINGS.size(), calls.get(), "one resolution per distinct bucket and settings");

        Endpoint one = cache.resolveEndpoint(params(SETTINGS.get(0), b -> b.bucket("bucket-one"))).join();
        Endpoint two = cache.resolveEndpoint(params(SETTINGS.get(0), b -> b.bucket("bucket-two"))).join();
        assertNotEquals(one, two);
        assertSame(one, cache.resolveEndpoint(params(SETTINGS.get(0), b -> b.bucket("bucket-one").key("k"))).join());
        assertEquals(SETTINGS.size() + 2, calls.get());
    }

    @Test
    void failedResolutionsAreNotCached() {
        AtomicInteger calls = new AtomicInteger();
        CachingEndpointProvider cache = new CachingEndpointProvider(p -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("no endpoint for " + p.bucket()));
        });
        S3EndpointParams params = params(SETTINGS.get(0), b -> { });
        for (int i = 0; i < 2; i++) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> cache.resolveEndpoint(params).join());
            assertTrue(e.getCause().getMessage().contains("baton-data"), e.getCause().getMessage());
        }
        assertEquals(2, calls.get());
        assertEquals(0, cache.size());
    }

    @Test
    void staysBounded() {
        CachingEndpointProvider cache = new CachingEndpointProvider(RULES);
        for (int i = 0; i < CachingEndpointProvider.MAX_ENTRIES * 3; i++) {
            String bucket = "bucket-" + i;
            Endpoint endpoint = cache.resolveEndpoint(params(SETTINGS.get(2), b -> b.bucket(bucket))).join();
            assertTrue(endpoint.url().toString().endsWith("/" + bucket), endpoint.url().toString());
            assertTrue(cache.size() <= CachingEndpointProvider.MAX_ENTRIES, "cache size " + cache.size());
        }
    }
}
