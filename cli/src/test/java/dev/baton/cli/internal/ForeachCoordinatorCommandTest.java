package dev.baton.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.Main;
import dev.baton.testsupport.DynamoDbLocalServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** {@code baton foreach-coordinator create-table} against DynamoDB Local over HTTP, run in-process. */
class ForeachCoordinatorCommandTest {
    static DynamoDbLocalServer ddb;
    static Map<String, String> env;
    static final Map<String, String> savedProperties = new HashMap<>();

    record Result(int exitCode, String out, String err) {}

    @BeforeAll
    static void start() {
        ddb = DynamoDbLocalServer.startServer();
        env = Map.of("BATON_DYNAMODB_ENDPOINT_URL", ddb.endpoint().toString());
        // the command's client takes credentials from the SDK's default chain, as in production: system
        // properties are the part of that chain a test can set without touching the process environment
        setProperty("aws.accessKeyId", DynamoDbLocalServer.ACCESS_KEY);
        setProperty("aws.secretAccessKey", DynamoDbLocalServer.SECRET_KEY);
        setProperty("aws.region", DynamoDbLocalServer.REGION);
    }

    private static void setProperty(String name, String value) {
        savedProperties.put(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    @AfterAll
    static void stop() {
        savedProperties.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
        if (ddb != null) {
            ddb.close();
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createsTheTableWithTtlOnceAndThenReportsItExists() {
        Result first = run("foreach-coordinator", "create-table", "--table", "cli-coordinator");
        assertEquals(0, first.exitCode(), first::err);
        assertTrue(first.out().contains("created DynamoDB table cli-coordinator"), first.out());

        var table = ddb.client().describeTable(r -> r.tableName("cli-coordinator")).table();
        assertEquals("pathspec", table.keySchema().get(0).attributeName());
        assertEquals("PAY_PER_REQUEST", table.billingModeSummary().billingModeAsString());
        var ttl = ddb.client().describeTimeToLive(r -> r.tableName("cli-coordinator")).timeToLiveDescription();
        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        assertEquals("ttl", ttl.attributeName());

        Result again = run("foreach-coordinator", "create-table", "--table", "cli-coordinator");
        assertEquals(0, again.exitCode(), again::err);
        assertTrue(again.out().contains("cli-coordinator already exists"), again.out());
    }

    @Test
    void takesTheTableFromTheGlobalOptionGivenAfterTheCommand() {
        Result r = run("foreach-coordinator", "create-table", "--dynamodb-table", "cli-from-global",
                "--dynamodb-endpoint-url", ddb.endpoint().toString());
        assertEquals(0, r.exitCode(), r::err);
        assertEquals("cli-from-global",
                ddb.client().describeTable(t -> t.tableName("cli-from-global")).table().tableName());
    }

    @Test
    void aTableOfAnotherShapeIsAUsageErrorNamingIt() {
        ddb.client().createTable(r -> r.tableName("cli-wrong-key").billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        Result r = run("foreach-coordinator", "create-table", "--table", "cli-wrong-key");
        assertEquals(2, r.exitCode(), r::err);
        assertTrue(r.err().contains("cli-wrong-key") && r.err().contains("pathspec"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void anInvalidTableNameOrAMissingSubcommandIsAUsageError() {
        Result bad = run("foreach-coordinator", "create-table", "--table", "x");
        assertEquals(2, bad.exitCode(), bad::err);
        assertTrue(bad.err().contains("'x'"), bad.err());
        Result none = run("foreach-coordinator");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("create-table"), none.err());
    }
}
