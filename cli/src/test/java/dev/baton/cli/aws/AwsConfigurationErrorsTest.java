package dev.baton.cli.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.aws.AwsStack.Result;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the AWS side is not set up: a clear usage error (exit 2) that names what is missing and
 * how to fix it, from the real command line, before or while a run starts.
 */
class AwsConfigurationErrorsTest {
    private static final String FOREACH = AwsFlows.Foreach.class.getName();

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
    void aMissingBucketIsAUsageErrorNamingTheBucket() {
        String bucket = "baton-no-such-bucket-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = aws.awsOptions("s3://" + bucket + "/flows");
        Result r = AwsStack.baton(env, "--flow", FOREACH, "run", "--run-id-file", dir.resolve("id").toString());
        assertEquals(2, r.exitCode(), r::all);
        assertTrue(r.err().contains(bucket), r::all);
        assertTrue(r.err().contains("does not exist"), r::all);
        assertFalse(r.err().contains("\tat "), () -> "a message, not a stack trace: " + r.all());
        assertFalse(aws.s3().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
    }

    @Test
    void aMissingDynamoDbTableIsAUsageErrorNamingTheTableAndTheCommandThatCreatesIt() {
        String table = "baton-missing-table-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new HashMap<>(aws.awsOptions(aws.root("missing-table")));
        env.put("BATON_DYNAMODB_TABLE", table);
        Result r = AwsStack.baton(env, "--flow", FOREACH, "run", "--run-id-file", dir.resolve("id").toString());
        assertEquals(2, r.exitCode(), r::all);
        assertTrue(r.err().contains(table), r::all);
        assertTrue(r.err().contains("baton foreach-coordinator create-table"), r::all);
        // checked before the run starts: nothing was written
        assertEquals(0, aws.s3().listObjectsV2(b -> b.bucket(aws.bucket).prefix("missing-table/")).keyCount(),
                "objects written by a run that should not have started");
    }

    @Test
    void aFlowWithoutSplitsNeverTouchesTheTable() {
        Map<String, String> env = new HashMap<>(aws.awsOptions(aws.root("no-splits")));
        env.put("BATON_DYNAMODB_TABLE", "baton-missing-table-" + Long.toHexString(System.nanoTime()));
        Result r = AwsStack.baton(env, "--flow", AwsFlows.Linear.class.getName(), "run");
        assertEquals(0, r.exitCode(), r::all);
    }

    @Test
    void aMissingDynamoDbTableFailsTheStepCommandWithExitTwo() {
        String table = "baton-missing-table-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new HashMap<>(aws.awsOptions(aws.root("missing-table-step")));
        env.put("BATON_DYNAMODB_TABLE", table);
        // the container entrypoint: a foreach split records its cardinality in the table when it succeeds
        Result r = AwsStack.baton(env, "--flow", FOREACH, "step", "start", "--run-id", "r1", "--task-id", "1");
        assertEquals(2, r.exitCode(), r::all);
        assertTrue(r.err().contains(table), r::all);
        assertTrue(r.err().contains("baton foreach-coordinator create-table"), r::all);
    }
}
