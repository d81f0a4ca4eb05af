package dev.baton.coordinator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.DynamoDbSchema;
import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinatorContract;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.flow.ConfigurationException;
import dev.baton.testsupport.DynamoDbLocalServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The contract on DynamoDB Local embedded (no socket: the fastest real DynamoDB here), plus the item shapes the
 * Step Functions compiler relies on, the TTL stamp, sharding, table creation and the missing-table error.
 */
class DynamoDbForeachCoordinatorTest extends ForeachCoordinatorContract {
    static final String TABLE = "baton-coordinator-test";
    static DynamoDbLocalServer ddb;
    static ForeachCoordinator coordinator;
    static ForeachCoordinator another;

    @BeforeAll
    static void start() {
        ddb = DynamoDbLocalServer.startEmbedded();
        assertTrue(ForeachCoordinators.createDynamoDbTable(ddb.client(), TABLE));
        coordinator = ForeachCoordinators.dynamoDb(ddb.client(), DynamoDbConfig.of(TABLE));
        another = ForeachCoordinators.dynamoDb(ddb.client(), DynamoDbConfig.of(TABLE));
    }

    @AfterAll
    static void stop() {
        if (ddb != null) {
            ddb.close();
        }
    }

    @Override
    protected ForeachCoordinator coordinator() {
        return coordinator;
    }

    @Override
    protected ForeachCoordinator another() {
        return another;
    }

    private static Map<String, AttributeValue> item(String key) {
        return ddb.client().getItem(r -> r.tableName(TABLE).consistentRead(true)
                .key(Map.of(DynamoDbSchema.KEY, AttributeValue.fromS(key)))).item();
    }

    @Test
    void theSplitRecordCarriesTheIndicesAMapStateIterates() {
        coordinator.recordSplit(split(), 4);
        Map<String, AttributeValue> item = item(split());
        assertEquals("4", item.get("cardinality").n());
        // "ItemsPath": "$.Item.items.L" on the GetItem result; each element {"N": "<index>"}
        List<AttributeValue> items = item.get("items").l();
        assertEquals(List.of("0", "1", "2", "3"), items.stream().map(AttributeValue::n).toList());
        assertEquals(DynamoDbSchema.MAP_ITEMS_PATH, "$.Item." + DynamoDbSchema.ITEMS + ".L");
    }

    @Test
    void theSwitchRecordCarriesTheChosenStepAsAString() {
        String sw = split().replace("/start/", "/decide/");
        coordinator.recordSwitch(sw, "train");
        assertEquals("train", item(sw).get("chosen").s());   // a Choice state routes on $.Item.chosen.S
        assertEquals(DynamoDbSchema.CHOICE_VARIABLE, "$.Item." + DynamoDbSchema.CHOSEN + ".S");
    }

    @Test
    void aSplitTooWideForOneItemKeepsItsCardinalityWithoutTheList() {
        int n = DynamoDbSchema.MAX_INLINE_ITEMS + 1;
        coordinator.recordSplit(split(), n);
        assertEquals(OptionalInt.of(n), coordinator.cardinality(split()));
        assertNull(item(split()).get("items"));
        coordinator.recordSplit(split(), n);   // still idempotent
        assertThrows(dev.baton.coordinator.CoordinatorException.class, () -> coordinator.recordSplit(split(), n - 1));
    }

    @Test
    void everyWriteStampsTheTtlWithWriteTimePlusRunDurationPlusRetention() {
        Instant fixed = Instant.parse("2030-01-01T00:00:00Z");
        DynamoDbConfig config = DynamoDbConfig.of(TABLE).withRetention(Duration.ofDays(2))
                .withMaxRunDuration(Duration.ofDays(1));
        try (ForeachCoordinator c = new DynamoDbForeachCoordinator(ddb.client(), false, config, "embedded",
                Clock.fixed(fixed, java.time.ZoneOffset.UTC))) {
            c.recordSplit(split(), 1);
            c.registerBranch(split(), 0, task(0));
            c.recordSwitch(task(0), "end");
        }
        long expected = fixed.plus(Duration.ofDays(3)).getEpochSecond();
        assertEquals(Long.toString(expected), item(split()).get("ttl").n());
        assertEquals(Long.toString(expected), item(DynamoDbSchema.registrationKey(split(), 0)).get("ttl").n());
        assertEquals(Long.toString(expected), item(task(0)).get("ttl").n());
    }

    @Test
    void theDefaultTtlIsThirtyDaysAfterAOneYearRunFromTheWrite() {
        long before = Instant.now().getEpochSecond();
        coordinator.recordSplit(split(), 1);
        long after = Instant.now().getEpochSecond();
        long ttl = Long.parseLong(item(split()).get("ttl").n());
        long extra = Duration.ofDays(365 + 30).toSeconds();
        assertTrue(ttl >= before + extra && ttl <= after + extra, ttl + " not in [" + before + ", " + after + "] + "
                + extra);
    }

    @Test
    void registrationsAreShardedByAHundredIndices() {
        int n = 250;
        coordinator.recordSplit(split(), n);
        for (int i = 0; i < n; i++) {
            coordinator.registerBranch(split(), i, task(i));
        }
        assertEquals(100, item(split() + "#reg#0").get("registrations").m().size());
        assertEquals(100, item(split() + "#reg#1").get("registrations").m().size());
        Map<String, AttributeValue> last = item(split() + "#reg#2").get("registrations").m();
        assertEquals(50, last.size());
        assertEquals(task(249), last.get("249").s());
        assertFalse(item(split()).containsKey("registrations"), "the split record stays small");
        assertEquals(IntStream.range(0, n).mapToObj(this::task).toList(), coordinator.joinInputs(split()));
    }

    @Test
    void createTableIsIdempotentAndEnablesTtlOnTtl() {
        DynamoDbClient client = ddb.client();
        String table = "baton-create-" + System.nanoTime();
        assertTrue(ForeachCoordinators.createDynamoDbTable(client, table));
        assertFalse(ForeachCoordinators.createDynamoDbTable(client, table));
        var description = client.describeTable(r -> r.tableName(table)).table();
        assertEquals("PAY_PER_REQUEST", description.billingModeSummary().billingModeAsString());
        assertEquals(DynamoDbSchema.KEY, description.keySchema().get(0).attributeName());
        assertEquals(KeyType.HASH, description.keySchema().get(0).keyType());
        var ttl = client.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        assertEquals("ttl", ttl.attributeName());
    }

    @Test
    void createTableRefusesATableWithAnotherKey() {
        DynamoDbClient client = ddb.client();
        String table = "baton-wrong-key-" + System.nanoTime();
        client.createTable(r -> r.tableName(table).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ForeachCoordinators.createDynamoDbTable(client, table));
        assertTrue(e.getMessage().contains(table) && e.getMessage().contains("pathspec"), e.getMessage());
    }

    @Test
    void aMissingTableIsAConfigurationErrorNamingItAndTheFix() {
        try (ForeachCoordinator missing = ForeachCoordinators.dynamoDb(ddb.client(), DynamoDbConfig.of("no-such-table"))) {
            for (Executable call : List.<Executable>of(
                    () -> missing.recordSplit(split(), 2),
                    () -> missing.cardinality(split()),
                    () -> missing.registerBranch(split(), 0, task(0)),
                    () -> missing.joinInputs(split()),
                    () -> missing.recordSwitch(split(), "a"),
                    () -> missing.switchChoice(split()))) {
                ConfigurationException e = assertThrows(ConfigurationException.class, call);
                assertTrue(e.getMessage().contains("'no-such-table'")
                        && e.getMessage().contains("baton foreach-coordinator create-table"), e.getMessage());
                assertFalse(e.isTransient());
            }
        }
    }
}
