package dev.baton.coordinator;

import dev.baton.coordinator.internal.DynamoDbClients;
import dev.baton.coordinator.internal.DynamoDbForeachCoordinator;
import dev.baton.coordinator.internal.DynamoDbTables;
import dev.baton.coordinator.internal.LocalForeachCoordinator;
import java.nio.file.Path;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Creates {@link ForeachCoordinator}s, and the DynamoDB coordinator's table. */
public final class ForeachCoordinators {
    private ForeachCoordinators() {}

    /**
     * The embedded coordinator for local runs: small files under {@code directory} (created on first write), shared
     * by every process that opens the same directory (e.g. {@code <datastore-root>/_coordinator}). Each record is
     * published atomically, so concurrent tasks in separate JVMs never lose each other's writes.
     */
    public static ForeachCoordinator local(Path directory) {
        return new LocalForeachCoordinator(directory);
    }

    /**
     * The DynamoDB coordinator on the table of {@code config}, with a client it owns (closed with the
     * coordinator). Endpoint: the configured one, else {@code BATON_DYNAMODB_ENDPOINT_URL}, else the SDK's own
     * resolution ({@code AWS_ENDPOINT_URL_DYNAMODB}, the region's endpoint). Credentials come from the SDK's
     * default chain. Nothing is called until the first operation; a missing table is then reported as a
     * {@link dev.baton.flow.ConfigurationException} naming it.
     */
    public static ForeachCoordinator dynamoDb(DynamoDbConfig config) {
        DynamoDbClients.Resolved resolved = DynamoDbClients.create(config, System::getenv);
        return new DynamoDbForeachCoordinator(resolved.client(), true, config, resolved.where(), Clock.systemUTC());
    }

    /**
     * The DynamoDB coordinator on the table of {@code config} through {@code client}, which stays the caller's
     * (not closed with the coordinator; the config's endpoint and region are ignored). The client should retry
     * throttling, as the SDK's default strategy does.
     */
    public static ForeachCoordinator dynamoDb(DynamoDbClient client, DynamoDbConfig config) {
        return new DynamoDbForeachCoordinator(client, false, config, DynamoDbClients.describe(client),
                Clock.systemUTC());
    }

    /**
     * Creates the coordinator's table if it does not exist: on-demand capacity, hash key {@code pathspec} (S), TTL
     * on {@code ttl}; waits until it is ACTIVE. Idempotent.
     *
     * @return true when this call created the table, false when it existed (its TTL is then enabled if it was not)
     * @throws dev.baton.flow.ConfigurationException when a table of that name exists with another key schema or
     *     TTL attribute, or access is denied
     */
    public static boolean createDynamoDbTable(DynamoDbClient client, String table) {
        DynamoDbConfig checked = DynamoDbConfig.of(table);
        return DynamoDbTables.create(client, checked.table(), DynamoDbClients.describe(client))
                == DynamoDbTables.Outcome.CREATED;
    }

    /**
     * {@link #createDynamoDbTable(DynamoDbClient, String)} with a client built from {@code config} as
     * {@link #dynamoDb(DynamoDbConfig)} builds it.
     */
    public static boolean createDynamoDbTable(DynamoDbConfig config) {
        DynamoDbClients.Resolved resolved = DynamoDbClients.create(config, System::getenv);
        try (DynamoDbClient client = resolved.client()) {
            return DynamoDbTables.create(client, config.table(), resolved.where()) == DynamoDbTables.Outcome.CREATED;
        }
    }
}
