package dev.baton.coordinator.internal;

import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.flow.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** Builds the coordinator's DynamoDB client: endpoint and region resolution, and the retry strategy. */
public final class DynamoDbClients {
    /** The environment variable naming the endpoint when the configuration has none. */
    public static final String ENDPOINT_ENV = "BATON_DYNAMODB_ENDPOINT_URL";

    /** Attempts per call (1 + 9 retries): with the throttling backoff below that rides out about a minute. */
    static final int MAX_ATTEMPTS = 10;

    private DynamoDbClients() {}

    /** A client and the description of where it points, for messages. */
    public record Resolved(DynamoDbClient client, String where) {}

    /**
     * A client for {@code config}. The endpoint is the configured one, else {@value #ENDPOINT_ENV} from
     * {@code env}, else the SDK's own resolution (which reads {@code AWS_ENDPOINT_URL_DYNAMODB}).
     */
    public static Resolved create(DynamoDbConfig config, UnaryOperator<String> env) {
        return create(config, env, retryStrategy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(20)));
    }

    /** As {@link #create(DynamoDbConfig, UnaryOperator)} with another retry strategy (tests use short delays). */
    static Resolved create(DynamoDbConfig config, UnaryOperator<String> env, StandardRetryStrategy retry) {
        URI endpoint = config.endpoint();
        if (endpoint == null) {
            String fromEnv = env.apply(ENDPOINT_ENV);
            if (fromEnv != null && !fromEnv.isBlank()) {
                try {
                    endpoint = URI.create(fromEnv.strip());
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(ENDPOINT_ENV + " is not a URL: '" + fromEnv + "'", e);
                }
            }
        }
        Region region = region(config, endpoint);
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .region(region)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(retry));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        String where = endpoint != null ? "endpoint " + endpoint : "region " + region.id();
        return new Resolved(builder.build(), where);
    }

    private static Region region(DynamoDbConfig config, URI endpoint) {
        if (config.region() != null) {
            return Region.of(config.region());
        }
        if (endpoint != null) {
            // a local stand-in ignores the region but the SDK needs one to sign; don't let the default chain probe
            // the EC2 instance metadata service (seconds of timeouts off EC2) for a region nobody needs
            try {
                return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                        .getRegion();
            } catch (SdkClientException e) {
                return Region.US_EAST_1;
            }
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigurationException("no AWS region for the DynamoDB foreach coordinator (table '"
                    + config.table() + "'): set AWS_REGION or a profile region", e);
        }
    }

    /**
     * The SDK's standard strategy with AWS's retry conditions (throttling codes such as
     * {@code ProvisionedThroughputExceededException} and {@code ThrottlingException}, 5xx, I/O errors), more
     * attempts than the default 3 and a longer throttling backoff, because many foreach branches finishing
     * together is exactly when a table throttles. Other failures back off up to {@code max} (a few seconds), so a
     * wrong endpoint is reported within about 20 s. The circuit breaker is off: a task makes few calls, each of
     * which it needs, and failing fast would only fail the task.
     */
    static StandardRetryStrategy retryStrategy(Duration base, Duration max, Duration throttlingBase,
            Duration throttlingMax) {
        StandardRetryStrategy.Builder builder = AwsRetryStrategy.standardRetryStrategy().toBuilder();
        return builder.maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BackoffStrategy.exponentialDelay(base, max))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttlingBase, throttlingMax))
                .circuitBreakerEnabled(false)
                .build();
    }

    /** How messages describe where a caller-supplied client points: its endpoint override, else its region. */
    public static String describe(DynamoDbClient client) {
        try {
            var configuration = client.serviceClientConfiguration();
            return configuration.endpointOverride().map(u -> "endpoint " + u)
                    .orElseGet(() -> "region " + configuration.region());
        } catch (UnsupportedOperationException e) {
            return "the supplied client";   // a custom or embedded client that does not expose its configuration
        }
    }
}
