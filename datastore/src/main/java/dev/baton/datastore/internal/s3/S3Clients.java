package dev.baton.datastore.internal.s3;

import dev.baton.flow.ConfigurationException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/** Builds the SDK client the way AWS users expect it to be configured. */
final class S3Clients {
    private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    private S3Clients() {}

    static S3Client build(S3Settings s) {
        // a sized pool of plain blocking connections: many small objects move concurrently over at most
        // maxConnections sockets, and large objects get one connection per part in flight
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .maxConnections(s.maxConnections())
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .connectionAcquisitionTimeout(Duration.ofMinutes(5))
                .tcpKeepAlive(true)
                // Expect: 100-continue saves sending a body AWS would refuse; against a server on the same
                // host or network it is one more round trip per PUT, which bounds small-object throughput
                .expectContinueEnabled(s.expectContinue());
        if (plainHttp(s)) {
            http.socketFactory(new DeferredTlsSocketFactory()); // no TLS set-up for a client that never uses TLS
        }
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(http)
                .region(region(s))
                .credentialsProvider(credentials(s))
                .forcePathStyle(s.pathStyle())
                // the rules' answer depends on the bucket and the client's settings, not on the object: resolve once
                .endpointProvider(new CachingEndpointProvider(S3EndpointProvider.defaultProvider()))
                .overrideConfiguration(o -> {
                    o.retryStrategy(retryStrategy(s));
                    if (!s.expectContinue()) {
                        o.addExecutionInterceptor(new NoExpectContinue());
                    }
                });
        if (!s.signPayloads()) {
            b.putAuthScheme(UnsignedPayloadSigner.scheme());
        }
        if (s.endpoint().isPresent()) {
            b.endpointOverride(s.endpoint().get());
            // S3-compatible servers differ in their support of the SDK's default CRC trailers; send checksums only
            // where the API requires them. Blobs are verified end to end by their content hash anyway.
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            // over plain http the SDK signs every body; aws-chunked signing (one HMAC per chunk, decoded by the
            // server) costs S3-compatible servers about twice the CPU of one SHA-256 over a part, measured on S3Proxy
            b.serviceConfiguration(c -> c.chunkedEncodingEnabled(s.chunkedEncoding()));
        } else {
            // a bucket in another region than the configured one still works (one redirect, then cached)
            b.crossRegionAccessEnabled(true);
        }
        return b.build();
    }

    /** Whether every request goes to a plain {@code http://} endpoint (an S3-compatible server), never over TLS. */
    static boolean plainHttp(S3Settings s) {
        return s.endpoint().map(e -> "http".equalsIgnoreCase(e.getScheme())).orElse(false);
    }

    /**
     * Drops the {@code Expect: 100-continue} the SDK itself puts on PutObject and UploadPart (Apache's own is
     * switched off on the connection pool): with a server on the same host or network, the handshake is one more
     * round trip per object.
     */
    static final class NoExpectContinue implements ExecutionInterceptor {
        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            SdkHttpRequest request = context.httpRequest();
            return request.firstMatchingHeader("Expect").isPresent()
                    ? request.toBuilder().removeHeader("Expect").build()
                    : request;
        }
    }

    /** The SDK's standard strategy (which knows S3's throttling and transient errors), with our attempts. */
    static RetryStrategy retryStrategy(S3Settings s) {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(s.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(s.retryBaseDelay(), MAX_BACKOFF))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(s.retryBaseDelay().multipliedBy(5), MAX_BACKOFF))
                // the circuit breaker stops retrying once many requests failed in a row: under a burst of SlowDown
                // we would rather back off and finish the run than fail it
                .circuitBreakerEnabled(false)
                .build();
    }

    private static Region region(S3Settings s) {
        if (s.region().isPresent()) {
            return Region.of(s.region().get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (s.endpoint().isPresent()) {
                // S3-compatible servers rarely care about the region, but SigV4 needs one
                LOG.debug("no AWS region configured; signing for us-east-1 against {}", s.endpoint().get());
                return Region.US_EAST_1;
            }
            throw new ConfigurationException("no AWS region configured for the datastore " + s.root()
                    + ": set AWS_REGION (or region in ~/.aws/config, or the setting s3.region)", e);
        }
    }

    private static AwsCredentialsProvider credentials(S3Settings s) {
        if (s.accessKeyId().isPresent()) {
            return StaticCredentialsProvider.create(s.sessionToken().isPresent()
                    ? AwsSessionCredentials.create(s.accessKeyId().get(), s.secretAccessKey().orElseThrow(),
                            s.sessionToken().get())
                    : AwsBasicCredentials.create(s.accessKeyId().get(), s.secretAccessKey().orElseThrow()));
        }
        if (s.profile().isPresent()) {
            return ProfileCredentialsProvider.create(s.profile().get());
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
