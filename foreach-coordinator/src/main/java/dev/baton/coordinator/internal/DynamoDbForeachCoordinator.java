package dev.baton.coordinator.internal;

import static dev.baton.coordinator.DynamoDbSchema.CARDINALITY;
import static dev.baton.coordinator.DynamoDbSchema.CHOSEN;
import static dev.baton.coordinator.DynamoDbSchema.ITEMS;
import static dev.baton.coordinator.DynamoDbSchema.KEY;
import static dev.baton.coordinator.DynamoDbSchema.MAX_INLINE_ITEMS;
import static dev.baton.coordinator.DynamoDbSchema.REGISTRATIONS;
import static dev.baton.coordinator.DynamoDbSchema.REGISTRATION_SHARD_SIZE;
import static dev.baton.coordinator.DynamoDbSchema.TTL;

import dev.baton.coordinator.CoordinatorException;
import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.DynamoDbSchema;
import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.flow.TransientFailureException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The coordinator on DynamoDB, for Step Functions runs (and local runs that want it). Item shapes are described
 * in {@link DynamoDbSchema}.
 *
 * <p>Every write is an {@code UpdateItem}, never a whole-item put, so a split record, a switch record and their
 * TTL can share a key without one attempt's write erasing another's attribute. Create-once records are
 * conditional on the attribute being absent <em>or equal</em>, which makes a retried attempt a no-op and a
 * conflicting one an error. Registrations set one entry of a map keyed by foreach index, so a duplicate can only
 * overwrite its own index: nothing is ever counted twice.
 *
 * <p>Registrations are sharded, {@value DynamoDbSchema#REGISTRATION_SHARD_SIZE} indices per item: an item is
 * capped at 400 KB, and DynamoDB bills a write by the size of the item it rewrites, so small shards keep both the
 * limit and each registration's cost (about 1 KB of write per 10 registrations) independent of the fan-out. The
 * join reads all shards with consistent {@code BatchGetItem}s (100 shards, i.e. 10,000 indices, per request).
 * It reads only the shards of indices {@code 0..n-1}: an out-of-range index in one of those shards is an error,
 * one in a later shard is never seen (it cannot make the join wrong, only go unreported).
 *
 * <p>Throttling and transient errors are retried by the client's SDK retry strategy (see
 * {@link DynamoDbClients}); what still fails is translated by {@link DynamoDbErrors}.
 */
public final class DynamoDbForeachCoordinator implements ForeachCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbForeachCoordinator.class);
    private static final int BATCH_GET_LIMIT = 100;
    private static final int UNPROCESSED_ROUNDS = 12;

    private final DynamoDbClient client;
    private final boolean ownsClient;
    private final String table;
    private final String where;
    private final long ttlSeconds;
    private final Clock clock;

    /**
     * @param client the client to use
     * @param ownsClient whether {@link #close()} closes the client
     * @param config table and expiry settings (the client already embodies endpoint and region)
     * @param where how messages describe the table's location (endpoint or region)
     * @param clock the clock the {@code ttl} attribute is computed from
     */
    public DynamoDbForeachCoordinator(DynamoDbClient client, boolean ownsClient, DynamoDbConfig config, String where,
            Clock clock) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.table = config.table();
        this.where = where;
        this.ttlSeconds = config.maxRunDuration().plus(config.retention()).toSeconds();
        this.clock = clock;
    }

    /** The table this coordinator reads and writes. */
    public String table() {
        return table;
    }

    @Override
    public void recordSplit(String splitPathspec, int cardinality) {
        Checks.pathspec("split pathspec", splitPathspec);
        Checks.cardinality(splitPathspec, cardinality);
        Map<String, String> names = new HashMap<>(Map.of("#c", CARDINALITY, "#t", TTL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":n", number(cardinality), ":t", ttl()));
        String update = "SET #c = :n, #t = :t";
        if (cardinality <= MAX_INLINE_ITEMS) {
            List<AttributeValue> items = new ArrayList<>(cardinality);
            for (int i = 0; i < cardinality; i++) {
                items.add(number(i));
            }
            names.put("#i", ITEMS);
            values.put(":i", AttributeValue.fromL(items));
            update += ", #i = :i";
        }
        String what = "cardinality record of foreach split " + splitPathspec;
        Optional<Map<String, AttributeValue>> conflict = conditionalUpdate(what, splitPathspec, update,
                "attribute_not_exists(#c) OR #c = :n", names, values);
        if (conflict.isPresent()) {
            String recorded = Optional.ofNullable(conflict.get().get(CARDINALITY)).map(AttributeValue::n)
                    .orElse("another value");
            throw new CoordinatorException("foreach split " + splitPathspec + " already recorded cardinality "
                    + recorded + ", and this attempt produced " + cardinality + " items; a split must produce the"
                    + " same items on every attempt: make the foreach list deterministic, or start a new run");
        }
        LOG.debug("recorded cardinality {} of foreach split {} in {}", cardinality, splitPathspec, table);
    }

    @Override
    public OptionalInt cardinality(String splitPathspec) {
        Checks.pathspec("split pathspec", splitPathspec);
        AttributeValue value = get(splitPathspec, CARDINALITY, "cardinality of foreach split " + splitPathspec);
        return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value.n()));
    }

    @Override
    public void registerBranch(String splitPathspec, int index, String taskPathspec) {
        Checks.pathspec("split pathspec", splitPathspec);
        Checks.index(splitPathspec, index);
        Checks.pathspec("task pathspec", taskPathspec);
        String key = DynamoDbSchema.registrationKey(splitPathspec, index);
        String what = "registration of foreach index " + index + " of split " + splitPathspec;
        Map<String, String> names = Map.of("#r", REGISTRATIONS, "#i", Integer.toString(index), "#t", TTL);
        Map<String, AttributeValue> values = Map.of(":task", AttributeValue.fromS(taskPathspec), ":t", ttl());
        // a nested SET needs the map to exist: the common case is one call; the first registration of a shard
        // creates the shard holding it (conditionally, so concurrent first registrations never erase each other),
        // and whoever loses that race sets its entry in the winner's map
        String update = "SET #r.#i = :task, #t = :t";
        if (conditionalUpdate(what, key, update, "attribute_exists(#r)", names, values).isEmpty()
                || createShard(key, index, taskPathspec, what)) {
            return;
        }
        if (conditionalUpdate(what, key, update, "attribute_exists(#r)", names, values).isPresent()) {
            throw new CoordinatorException("the " + what + " could not be written: its shard " + key
                    + " in DynamoDB table '" + table + "' changed shape while registering; retry the task");
        }
    }

    /** Creates the registration shard {@code key} holding one entry; false when it exists already. */
    private boolean createShard(String key, int index, String taskPathspec, String what) {
        try {
            client.putItem(r -> r.tableName(table)
                    .item(Map.of(KEY, AttributeValue.fromS(key),
                            REGISTRATIONS, AttributeValue.fromM(Map.of(Integer.toString(index),
                                    AttributeValue.fromS(taskPathspec))),
                            TTL, ttl()))
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", KEY)));
            return true;
        } catch (ConditionalCheckFailedException raced) {
            return false;
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(e, table, where, what);
        }
    }

    @Override
    public List<String> joinInputs(String splitPathspec) {
        Checks.pathspec("split pathspec", splitPathspec);
        int cardinality = cardinality(splitPathspec).orElseThrow(() -> new CoordinatorException(
                "the join of foreach split " + splitPathspec + " found no recorded cardinality in DynamoDB table '"
                        + table + "' (" + where + "): the split task has not succeeded, or it used another table"));
        int shards = (cardinality + REGISTRATION_SHARD_SIZE - 1) / REGISTRATION_SHARD_SIZE;
        List<Map<String, AttributeValue>> keys = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            keys.add(Map.of(KEY, AttributeValue.fromS(
                    DynamoDbSchema.registrationKey(splitPathspec, shard * REGISTRATION_SHARD_SIZE))));
        }
        Map<Integer, String> registrations = new HashMap<>();
        String what = "read of the registrations of foreach split " + splitPathspec;
        for (int from = 0; from < keys.size(); from += BATCH_GET_LIMIT) {
            for (Map<String, AttributeValue> item : batchGet(keys.subList(from, Math.min(keys.size(),
                    from + BATCH_GET_LIMIT)), what)) {
                AttributeValue map = item.get(REGISTRATIONS);
                if (map == null || !map.hasM()) {
                    continue;
                }
                map.m().forEach((index, task) -> registrations.put(Integer.parseInt(index), task.s()));
            }
        }
        return Joins.ordered(splitPathspec, cardinality, registrations);
    }

    /** Consistent BatchGetItem of at most 100 keys, re-asking for unprocessed keys with a jittered backoff. */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys, String what) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        KeysAndAttributes request = KeysAndAttributes.builder().keys(keys).consistentRead(true)
                .projectionExpression("#k, #r").expressionAttributeNames(Map.of("#k", KEY, "#r", REGISTRATIONS))
                .build();
        for (int round = 0; ; round++) {
            KeysAndAttributes ask = request;
            BatchGetItemResponse response = call(what, () -> client.batchGetItem(r -> r.requestItems(
                    Map.of(table, ask))));
            items.addAll(response.responses().getOrDefault(table, List.of()));
            KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
            if (unprocessed == null || !unprocessed.hasKeys() || unprocessed.keys().isEmpty()) {
                return items;
            }
            if (round == UNPROCESSED_ROUNDS) {
                throw new TransientFailureException("the " + what + " in DynamoDB table '" + table + "' (" + where
                        + ") left " + unprocessed.keys().size() + " keys unprocessed after " + round
                        + " rounds (throttled); retry the task");
            }
            request = unprocessed;
            // DynamoDB returns unprocessed keys instead of an error when throttled: the SDK cannot retry them
            backoff(round, what);
        }
    }

    private void backoff(int round, String what) {
        long capMillis = Math.min(5_000L, 50L << Math.min(round, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(capMillis / 2, capMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailureException("interrupted during the " + what, e);
        }
    }

    @Override
    public void recordSwitch(String switchPathspec, String chosenStep) {
        Checks.pathspec("switch pathspec", switchPathspec);
        Checks.step(switchPathspec, chosenStep);
        Optional<Map<String, AttributeValue>> conflict = conditionalUpdate("switch record of " + switchPathspec,
                switchPathspec, "SET #s = :s, #t = :t", "attribute_not_exists(#s) OR #s = :s",
                Map.of("#s", CHOSEN, "#t", TTL), Map.of(":s", AttributeValue.fromS(chosenStep), ":t", ttl()));
        if (conflict.isPresent()) {
            String recorded = Optional.ofNullable(conflict.get().get(CHOSEN)).map(AttributeValue::s)
                    .orElse("another step");
            throw new CoordinatorException("switch " + switchPathspec + " already chose step '" + recorded
                    + "', and this attempt chose '" + chosenStep + "'; a switch must choose the same case on every"
                    + " attempt: make its condition deterministic, or start a new run");
        }
    }

    @Override
    public Optional<String> switchChoice(String switchPathspec) {
        Checks.pathspec("switch pathspec", switchPathspec);
        AttributeValue value = get(switchPathspec, CHOSEN, "switch record of " + switchPathspec);
        return value == null ? Optional.empty() : Optional.of(value.s());
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "DynamoDbForeachCoordinator[" + table + ", " + where + "]";
    }

    /**
     * An UpdateItem under a condition.
     *
     * @return empty when written; the item as it was when the condition failed
     */
    private Optional<Map<String, AttributeValue>> conditionalUpdate(String what, String key, String update,
            String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        try {
            client.updateItem(r -> r.tableName(table).key(Map.of(KEY, AttributeValue.fromS(key)))
                    .updateExpression(update).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            return Optional.of(e.hasItem() ? e.item() : Map.of());
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(e, table, where, what);
        }
    }

    /** One attribute of an item, read consistently; {@code null} when the item or attribute is absent. */
    private AttributeValue get(String key, String attribute, String what) {
        Map<String, AttributeValue> item = call(what, () -> client.getItem(r -> r.tableName(table)
                .key(Map.of(KEY, AttributeValue.fromS(key))).consistentRead(true)
                .projectionExpression("#a").expressionAttributeNames(Map.of("#a", attribute)))).item();
        return item == null ? null : item.get(attribute);
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(e, table, where, what);
        }
    }

    private AttributeValue ttl() {
        return number(clock.instant().getEpochSecond() + ttlSeconds);
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }
}
