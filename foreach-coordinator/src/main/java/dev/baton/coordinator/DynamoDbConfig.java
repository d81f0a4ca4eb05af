package dev.baton.coordinator;

import dev.baton.flow.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the DynamoDB coordinator keeps its records.
 *
 * <p><b>Expiry.</b> Every write stamps the item's {@code ttl} attribute (epoch seconds) with
 * <em>write time + {@code maxRunDuration} + {@code retention}</em>. The coordinator cannot know when a run
 * started or will end, but it knows when it writes; since every write of a run happens before the run ends and
 * no run lasts longer than {@code maxRunDuration}, an item never expires while its run can still read it, and
 * it stays for at least {@code retention} after the run's timeout for inspection. Re-writes (retries) push the
 * expiry forward.
 *
 * @param table the table name (see {@link ForeachCoordinators#createDynamoDbTable})
 * @param endpoint the endpoint override, or {@code null}: then {@code BATON_DYNAMODB_ENDPOINT_URL}, then the SDK's
 *     own resolution ({@code AWS_ENDPOINT_URL_DYNAMODB}, profiles, the region's endpoint)
 * @param region the AWS region, or {@code null} for the SDK's default chain ({@code AWS_REGION}, profile, ...);
 *     {@code us-east-1} when an endpoint override is set and no region is configured (a local stand-in)
 * @param retention how long records stay after the run's timeout; default {@link #DEFAULT_RETENTION}
 * @param maxRunDuration the longest a run can last (its state machine's timeout); default
 *     {@link #DEFAULT_MAX_RUN_DURATION}, the hard limit of a Step Functions Standard execution
 */
public record DynamoDbConfig(String table, URI endpoint, String region, Duration retention, Duration maxRunDuration) {
    /** The table name when none is configured. */
    public static final String DEFAULT_TABLE = "baton-foreach-coordinator";
    /** Records stay 30 days after the run's timeout. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** A Step Functions Standard execution lasts at most one year. */
    public static final Duration DEFAULT_MAX_RUN_DURATION = Duration.ofDays(365);

    public DynamoDbConfig {
        Objects.requireNonNull(table, "table");
        if (!table.matches("[a-zA-Z0-9_.-]{3,255}")) {
            throw new ConfigurationException("DynamoDB table name '" + table + "' (--dynamodb-table,"
                    + " BATON_DYNAMODB_TABLE) is invalid: use 3 to 255 characters among a-z, A-Z, 0-9, '_', '-' and '.'");
        }
        if (region != null && region.isBlank()) {
            region = null;
        }
        retention = retention == null ? DEFAULT_RETENTION : retention;
        maxRunDuration = maxRunDuration == null ? DEFAULT_MAX_RUN_DURATION : maxRunDuration;
        if (retention.isNegative() || maxRunDuration.isNegative()) {
            throw new ConfigurationException("DynamoDB coordinator retention and maxRunDuration must be >= 0, not "
                    + retention + " and " + maxRunDuration);
        }
    }

    /** A configuration with {@code retentionDays} of retention and the default maximum run duration. */
    public DynamoDbConfig(String table, URI endpoint, String region, int retentionDays) {
        this(table, endpoint, region, Duration.ofDays(retentionDays), null);
    }

    /** The table {@code table} with every other setting resolved from the environment and defaults. */
    public static DynamoDbConfig of(String table) {
        return new DynamoDbConfig(table, null, null, null, null);
    }

    /** This configuration with another endpoint override ({@code null}: resolved from the environment). */
    public DynamoDbConfig withEndpoint(URI newEndpoint) {
        return new DynamoDbConfig(table, newEndpoint, region, retention, maxRunDuration);
    }

    /** This configuration with another region ({@code null}: the SDK's chain). */
    public DynamoDbConfig withRegion(String newRegion) {
        return new DynamoDbConfig(table, endpoint, newRegion, retention, maxRunDuration);
    }

    /** This configuration with another retention after the run's timeout. */
    public DynamoDbConfig withRetention(Duration newRetention) {
        return new DynamoDbConfig(table, endpoint, region, newRetention, maxRunDuration);
    }

    /** This configuration with another maximum run duration. */
    public DynamoDbConfig withMaxRunDuration(Duration newMaxRunDuration) {
        return new DynamoDbConfig(table, endpoint, region, retention, newMaxRunDuration);
    }
}
