package dev.baton.cli.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.aws.AwsStack.Result;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.coordinator.DynamoDbSchema;
import dev.baton.datastore.DatastoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 8's end-to-end proof: a nested-foreach flow run by the real {@code baton run --isolation process} (every
 * task a child {@code baton step} JVM, as in a Batch container) against the S3 datastore on S3Proxy and the
 * DynamoDB foreach coordinator on DynamoDB Local stores exactly what the same flow stores when run locally
 * (local datastore, thread isolation), content key for content key; and DynamoDB holds the split records and
 * the join registrations the run's joins were built from.
 */
class NestedForeachOnAwsTest {
    private static final String FLOW = AwsFlows.NestedForeach.class.getName();

    private static AwsStack aws;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        aws = AwsStack.start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void processIsolationOnS3AndDynamoDbStoresExactlyWhatTheLocalRunStores() throws Exception {
        Path localRoot = dir.resolve("local");
        Path localIdFile = dir.resolve("local-run-id");
        Result local = AwsStack.baton(Map.of(), "--flow", FLOW, "--datastore-root", localRoot.toString(), "run",
                "--scale", "5", "--run-id-file", localIdFile.toString());
        assertEquals(0, local.exitCode(), local::all);

        String root = aws.root("e2e/nested");
        Path awsIdFile = dir.resolve("aws-run-id");
        Result remote = aws.batonProcess(aws.awsOptions(root), dir, "--flow", FLOW, "run", "--isolation", "process",
                "--max-workers", "3", "--scale", "5", "--run-id-file", awsIdFile.toString());
        assertEquals(0, remote.exitCode(), remote::all);
        String runId = AwsStack.runId(awsIdFile);

        DatastoreConfig s3 = aws.s3Config(root);
        try (Client localClient = AwsStack.client(DatastoreConfig.local(localRoot.toString()));
                Client awsClient = AwsStack.client(s3)) {
            Run expected = localClient.flow("NestedForeach").run(AwsStack.runId(localIdFile));
            Run actual = awsClient.flow("NestedForeach").run(runId);

            int compared = Artifacts.assertSameRun(expected, actual);
            assertTrue(compared >= 60, "compared only " + compared + " artifacts");

            // the values themselves, not only their equality between the runs
            TaskHandle end = actual.endTask().orElseThrow();
            assertEquals("red:5@0.0,red:10@0.1,green:15@1.0,green:20@1.1,green:25@1.2 total=75",
                    end.artifact("summary"));
            assertEquals(Map.of("red", List.of(0.625, 1.25), "green", List.of(1.875, 2.5, 3.125)),
                    end.artifact("table"));
            assertEquals(List.of(new AwsFlows.Point(0, 5), new AwsFlows.Point(1, 10), new AwsFlows.Point(0, 15),
                    new AwsFlows.Point(1, 20), new AwsFlows.Point(2, 25)), end.artifact("points"));
            assertEquals(Map.of("red:5@0.0", 5, "red:10@0.1", 6, "green:15@1.0", 8, "green:20@1.1", 8,
                    "green:25@1.2", 8), end.artifact("counts"));
            assertEquals(List.of("red", "green"), end.artifact("groups"));
            assertEquals(5, end.artifact("scale"));
            TaskHandle lastInner = actual.step("inner").tasks().get(4);
            assertArrayEquals("green#25".getBytes(StandardCharsets.UTF_8), (byte[]) lastInner.artifact("bytes"));
            assertEquals((1L << 40) + 25, lastInner.artifact("big"));

            // every task ran in a child process of the run's own (separate) JVM
            Set<Long> pids = new HashSet<>();
            int tasks = 0;
            for (var step : actual.steps()) {
                for (TaskHandle t : step.tasks()) {
                    pids.add(t.metadata().attemptRecord().pid());
                    tasks++;
                }
            }
            assertEquals(12, tasks);
            assertEquals(tasks, pids.size(), "one process per task");
            assertTrue(!pids.contains(ProcessHandle.current().pid()));

            assertCoordinatorRecords(actual);
        }

        // the blobs live in S3, under the flow's content-addressed data folder
        List<S3Object> blobs = aws.s3().listObjectsV2Paginator(b -> b.bucket(aws.bucket)
                .prefix("e2e/nested/NestedForeach/data/")).contents().stream().toList();
        assertTrue(blobs.size() >= 30, "blobs in S3: " + blobs.size());
    }

    /**
     * The table holds one split record per foreach split task (cardinality and the Map state's index list), and one
     * registration per branch under its split, naming the task that reached the join; each join task was started
     * on exactly those registrations, in index order.
     */
    private static void assertCoordinatorRecords(Run run) {
        String prefix = "NestedForeach/" + run.id() + "/";
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        aws.dynamoDb.client().scanPaginator(b -> b.tableName(AwsStack.TABLE).consistentRead(true)).items()
                .forEach(item -> {
                    String key = item.get(DynamoDbSchema.KEY).s();
                    if (key.startsWith(prefix)) {
                        items.put(key, item);
                    }
                });

        TaskHandle start = run.step("start").task();
        List<TaskHandle> outers = run.step("outer").tasks();
        List<TaskHandle> inners = run.step("inner").tasks();
        List<TaskHandle> innerJoins = run.step("joinInner").tasks();

        // split records: start (2 groups), outer red (2 members), outer green (3 members)
        assertSplit(items, start, 2);
        assertSplit(items, outers.get(0), 2);
        assertSplit(items, outers.get(1), 3);

        // registrations: joinInner tasks under start's split, inner tasks under their outer split
        assertRegistrations(items, start, innerJoins);
        assertRegistrations(items, outers.get(0), inners.subList(0, 2));
        assertRegistrations(items, outers.get(1), inners.subList(2, 5));
        assertEquals(6, items.size(), () -> "coordinator items of the run: " + items.keySet());

        // the joins were started on the coordinator's answer (--join-split), in foreach index order
        assertEquals(inners.subList(0, 2).stream().map(NestedForeachOnAwsTest::runPath).toList(),
                innerJoins.get(0).inputPaths());
        assertEquals(inners.subList(2, 5).stream().map(NestedForeachOnAwsTest::runPath).toList(),
                innerJoins.get(1).inputPaths());
        assertEquals(innerJoins.stream().map(NestedForeachOnAwsTest::runPath).toList(),
                run.step("joinOuter").task().inputPaths());
    }

    private static String runPath(TaskHandle t) {
        return t.runId() + "/" + t.stepName() + "/" + t.id();
    }

    private static void assertSplit(Map<String, Map<String, AttributeValue>> items, TaskHandle split, int n) {
        Map<String, AttributeValue> item = items.get(split.pathspec());
        assertTrue(item != null, () -> "no split record for " + split.pathspec() + " in " + items.keySet());
        assertEquals(Integer.toString(n), item.get(DynamoDbSchema.CARDINALITY).n());
        assertEquals(IntStream.range(0, n).mapToObj(Integer::toString).toList(),
                item.get(DynamoDbSchema.ITEMS).l().stream().map(AttributeValue::n).toList());
        assertTrue(Long.parseLong(item.get(DynamoDbSchema.TTL).n()) > System.currentTimeMillis() / 1000);
    }

    private static void assertRegistrations(Map<String, Map<String, AttributeValue>> items, TaskHandle split,
            List<TaskHandle> branches) {
        String key = DynamoDbSchema.registrationKey(split.pathspec(), 0);
        Map<String, AttributeValue> item = items.get(key);
        assertTrue(item != null, () -> "no registrations " + key + " in " + items.keySet());
        Map<String, String> registered = new TreeMap<>();
        item.get(DynamoDbSchema.REGISTRATIONS).m().forEach((index, task) -> registered.put(index, task.s()));
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < branches.size(); i++) {
            expected.put(Integer.toString(i), branches.get(i).pathspec());
        }
        assertEquals(expected, registered, () -> "registrations under " + split.pathspec());
    }
}
