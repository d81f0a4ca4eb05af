package dev.baton.coordinator;

/**
 * The DynamoDB item shapes the coordinator writes, for the Step Functions compiler that reads them with the
 * {@code arn:aws:states:::dynamodb:getItem} integration ({@code ConsistentRead: true}).
 *
 * <p>Table: on-demand ({@code PAY_PER_REQUEST}), hash key {@value #KEY} (S), TTL attribute {@value #TTL}
 * (N, epoch seconds; see {@link DynamoDbConfig}).
 *
 * <p><b>Split record</b>, key = the split task's pathspec {@code Flow/run/step/task}:
 * <pre>
 * { "pathspec": {"S": "TrainFlow/sfn-1/start/1"}, "cardinality": {"N": "3"},
 *   "items": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]}, "ttl": {"N": "1795000000"} }
 * </pre>
 * A Map state iterates the indices with {@code "ItemsPath": "$.Item.items.L"} on the GetItem result, and an
 * iteration reads its index as {@code "$$.Map.Item.Value.N"} (a string) or {@code "$$.Map.Item.Index"} (a
 * number; the two are equal). {@value #ITEMS} is written only when the cardinality is at most
 * {@value #MAX_INLINE_ITEMS} (it must fit the 400 KB item limit, and an inline Map's input is capped at 256 KB
 * anyway, about 15,000 such elements): wider splits carry only {@value #CARDINALITY} and need a Distributed Map.
 *
 * <p><b>Switch record</b>, key = the switch task's pathspec: {@code "chosen": {"S": "<step>"}}; a Choice state
 * routes on {@code "$.Item.chosen.S"}.
 *
 * <p><b>Registrations</b> live in separate items keyed {@code <split pathspec>#reg#<shard>}, shard =
 * {@code index / }{@value #REGISTRATION_SHARD_SIZE}, each holding a map {@value #REGISTRATIONS} of foreach index
 * (decimal string) to task pathspec. State machines never need to read them; only the join does.
 */
public final class DynamoDbSchema {
    /** The hash key attribute (S). */
    public static final String KEY = "pathspec";
    /** The TTL attribute (N, epoch seconds). */
    public static final String TTL = "ttl";
    /** A split's cardinality (N). */
    public static final String CARDINALITY = "cardinality";
    /** A split's indices {@code 0..n-1} as a List of Numbers. */
    public static final String ITEMS = "items";
    /** A switch's chosen step (S). */
    public static final String CHOSEN = "chosen";
    /** A registration shard's map of index to task pathspec (M). */
    public static final String REGISTRATIONS = "registrations";
    /** The widest split whose {@value #ITEMS} list is written. */
    public static final int MAX_INLINE_ITEMS = 50_000;
    /** How many foreach indices share one registration item. */
    public static final int REGISTRATION_SHARD_SIZE = 100;
    /** The {@code ItemsPath} of a Map state over a split record's GetItem result. */
    public static final String MAP_ITEMS_PATH = "$.Item.items.L";
    /** The path a Choice state routes on, over a switch record's GetItem result. */
    public static final String CHOICE_VARIABLE = "$.Item.chosen.S";

    private DynamoDbSchema() {}

    /** The key of the registration shard holding foreach {@code index} of the split. */
    public static String registrationKey(String splitPathspec, int index) {
        return splitPathspec + "#reg#" + (index / REGISTRATION_SHARD_SIZE);
    }
}
