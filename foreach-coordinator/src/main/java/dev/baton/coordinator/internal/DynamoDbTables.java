package dev.baton.coordinator.internal;

import static dev.baton.coordinator.DynamoDbSchema.KEY;
import static dev.baton.coordinator.DynamoDbSchema.TTL;

import dev.baton.flow.ConfigurationException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** Creates (or checks) the coordinator's table. */
public final class DynamoDbTables {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTables.class);

    private DynamoDbTables() {}

    /** What {@link #create} found and did. */
    public enum Outcome {
        /** The table was created and its TTL enabled. */
        CREATED,
        /** The table existed with the right key; its TTL is (now) enabled on {@value dev.baton.coordinator.DynamoDbSchema#TTL}. */
        EXISTED
    }

    /**
     * Creates the table on demand ({@code PAY_PER_REQUEST}) with hash key {@code pathspec} (S) and enables TTL on
     * {@code ttl}. Idempotent: an existing table with that key is kept and its TTL enabled if it was not.
     *
     * @throws ConfigurationException when the table exists with another key schema or another TTL attribute, or
     *     access is denied
     */
    public static Outcome create(DynamoDbClient client, String table, String where) {
        String what = "creation of the table";
        try {
            Outcome outcome;
            try {
                client.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName(KEY)
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build()));
                outcome = Outcome.CREATED;
                LOG.info("created DynamoDB table {} ({})", table, where);
            } catch (ResourceInUseException exists) {
                outcome = Outcome.EXISTED;
            }
            // UpdateTimeToLive needs an ACTIVE table; a new one is CREATING for a few seconds on AWS
            TableDescription description = client.waiter().waitUntilTableExists(r -> r.tableName(table),
                    w -> w.maxAttempts(60).backoffStrategyV2(
                            software.amazon.awssdk.retries.api.BackoffStrategy.fixedDelay(Duration.ofSeconds(2))))
                    .matched().response().orElseThrow(() -> new ConfigurationException("DynamoDB table '" + table
                            + "' (" + where + ") did not become ACTIVE; check it in the console and retry"))
                    .table();
            checkKey(table, where, description);
            enableTtl(client, table, where);
            return outcome;
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(e, table, where, what, "dynamodb:CreateTable, dynamodb:DescribeTable,"
                    + " dynamodb:DescribeTimeToLive and dynamodb:UpdateTimeToLive");
        }
    }

    private static void checkKey(String table, String where, TableDescription description) {
        List<KeySchemaElement> key = description.keySchema();
        boolean right = key.size() == 1 && KEY.equals(key.get(0).attributeName())
                && key.get(0).keyType() == KeyType.HASH
                && description.attributeDefinitions().stream().anyMatch(
                        a -> KEY.equals(a.attributeName()) && a.attributeType() == ScalarAttributeType.S);
        if (!right) {
            throw new ConfigurationException("DynamoDB table '" + table + "' (" + where + ") exists with key schema "
                    + key + ", not the coordinator's hash key '" + KEY + "' (S); choose another table name with"
                    + " --dynamodb-table");
        }
    }

    private static void enableTtl(DynamoDbClient client, String table, String where) {
        TimeToLiveDescription ttl = client.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        TimeToLiveStatus status = ttl == null ? null : ttl.timeToLiveStatus();
        boolean on = status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
        if (on && TTL.equals(ttl.attributeName())) {
            return;
        }
        if (on) {
            throw new ConfigurationException("DynamoDB table '" + table + "' (" + where + ") has TTL on attribute '"
                    + ttl.attributeName() + "', but the coordinator writes '" + TTL + "'; choose another table name"
                    + " with --dynamodb-table");
        }
        client.updateTimeToLive(r -> r.tableName(table)
                .timeToLiveSpecification(t -> t.attributeName(TTL).enabled(true)));
        LOG.info("enabled TTL on attribute {} of DynamoDB table {} ({})", TTL, table, where);
    }
}
