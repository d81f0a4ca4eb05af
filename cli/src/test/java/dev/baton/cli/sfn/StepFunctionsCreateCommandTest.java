package dev.baton.cli.sfn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.examples.ForeachFlow;
import dev.baton.stepfunctions.StateMachineObjects;
import dev.baton.testsupport.S3ProxyServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code baton step-functions create} and {@code delete} through the command line, against WireMock (Step
 * Functions, Batch, Scheduler) and S3Proxy (the datastore the code package and the items objects go to).
 */
class StepFunctionsCreateCommandTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:ForeachFlow";

    static S3ProxyServer s3;
    static String bucket;

    @BeforeAll
    static void start() {
        // S3Proxy checks signatures with its key; WireMock takes any
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        s3 = S3ProxyServer.startInMemory();
        bucket = s3.createBucket();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    static com.github.tomakehurst.wiremock.client.MappingBuilder sfn(String op) {
        return post("/").withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + op));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sfnJson(String body) {
        return okJson(body).withHeader("Content-Type", "application/x-amz-json-1.0");
    }

    @Test
    void createDeploysWithTheGivenSettingsAndPrintsTheNamespace() throws Exception {
        stubFirstDeployment();

        StepFunctionsCommandTest.Result r = StepFunctionsCommandTest.baton(Map.of(), "--flow",
                ForeachFlow.class.getName(), "--datastore", "s3", "--datastore-root", "s3://bkt/flows",
                "--dynamodb-table", "coord", "step-functions", "create", "--region", "us-east-1",
                "--aws-endpoint-url", wm.baseUrl(), "--iam-role", "arn:aws:iam::123456789012:role/sfn",
                "--job-queue", "q1", "--image", "img:1", "--tag", "team:ml", "--max-workers", "4");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Created state machine ForeachFlow (" + MACHINE + ")"), r.out());
        assertTrue(r.out().matches("(?s).*Its runs are in namespace production:[0-9a-f]{16}\n.*"), r.out());

        ObjectMapper json = new ObjectMapper();
        JsonNode reg = json.readTree(wm.findAll(postRequestedFor(urlEqualTo("/v1/registerjobdefinition")))
                .get(0).getBodyAsString());
        assertEquals("img:1", reg.get("containerProperties").get("image").asText());
        String env = reg.get("containerProperties").get("environment").toString();
        assertTrue(env.contains("{\"name\":\"BATON_DATASTORE_ROOT\",\"value\":\"s3://bkt/flows\"}"), env);
        assertTrue(env.contains("{\"name\":\"BATON_DYNAMODB_TABLE\",\"value\":\"coord\"}"), env);
        assertTrue(env.matches(".*\"BATON_RUN_TAGS\",\"value\":\"team:ml production:[0-9a-f]{16}\".*"), env);

        JsonNode create = json.readTree(wm.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.CreateStateMachine"))).get(0).getBodyAsString());
        assertEquals("arn:aws:iam::123456789012:role/sfn", create.get("roleArn").asText());
        JsonNode definition = json.readTree(create.get("definition").asText());
        assertEquals(4, definition.get("States").get("start.foreach").get("MaxConcurrency").asInt());
        assertEquals("q1", definition.get("States").get("start").get("Parameters").get("JobQueue").asText());
    }

    /** No machine yet: list, register, create; no @Schedule, so any old schedule is deleted (here none: 404). */
    private void stubFirstDeployment() {
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[]}")));
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":\"ForeachFlow\","
                + "\"jobDefinitionArn\":\"arn:aws:batch:us-east-1:123456789012:job-definition/ForeachFlow:1\","
                + "\"revision\":1}")));
        wm.stubFor(sfn("CreateStateMachine").willReturn(sfnJson("{\"stateMachineArn\":\"" + MACHINE
                + "\",\"creationDate\":1.7E9}")));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathEqualTo("/schedules/ForeachFlow"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"Message\":\"not found\"}")));
    }

    private List<String> dataKeys(String prefix) {
        List<String> keys = new ArrayList<>();
        s3.client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()
                .forEach(o -> keys.add(o.key()));
        return keys;
    }

    @Test
    void createUploadsTheClassPathAsACodePackageOnceAndDeploysItsKey() throws Exception {
        stubFirstDeployment();
        Path classes = Path.of(ForeachFlow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String[] args = {"--flow", ForeachFlow.class.getName(), "--classpath", classes.toString(), "--datastore", "s3",
                "--datastore-root", "s3://" + bucket + "/flows", "--s3-endpoint-url", s3.endpoint().toString(),
                "step-functions", "create", "--region", "us-east-1", "--aws-endpoint-url", wm.baseUrl(),
                "--iam-role", "arn:aws:iam::123456789012:role/sfn", "--job-queue", "q1", "--image", "img:1"};

        StepFunctionsCommandTest.Result first = StepFunctionsCommandTest.baton(Map.of(), args);
        assertEquals(0, first.code(), first.out() + first.err());
        Matcher m = Pattern.compile("code package (\\S+) uploaded to ").matcher(first.out());
        assertTrue(m.find(), first.out());
        String key = m.group(1);
        List<String> blobs = dataKeys("flows/ForeachFlow/data/");
        assertEquals(List.of("flows/ForeachFlow/data/" + key.substring(0, 2) + "/" + key), blobs);

        // content-addressed: the same class path again uploads nothing
        StepFunctionsCommandTest.Result second = StepFunctionsCommandTest.baton(Map.of(), args);
        assertEquals(0, second.code(), second.out() + second.err());
        assertTrue(second.out().contains("code package " + key + " already at "), second.out());
        assertEquals(blobs, dataKeys("flows/ForeachFlow/data/"));

        ObjectMapper json = new ObjectMapper();
        var registrations = wm.findAll(postRequestedFor(urlEqualTo("/v1/registerjobdefinition")));
        assertEquals(2, registrations.size());
        for (var r : registrations) {
            String env = json.readTree(r.getBodyAsString()).get("containerProperties").get("environment").toString();
            assertTrue(env.contains("{\"name\":\"BATON_CODE_PACKAGE\",\"value\":\"" + key + "\"}"), env);
        }
        assertFalse(first.out().contains("the image must hold"), first.out());
    }

    @Test
    void onlyJsonUploadsNothingAndAnExplicitCodePackageIsDeployedAsGiven() throws Exception {
        stubFirstDeployment();
        Path classes = Path.of(ForeachFlow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String[] datastore = {"--flow", ForeachFlow.class.getName(), "--datastore", "s3", "--datastore-root",
                "s3://" + bucket + "/explicit", "--s3-endpoint-url", s3.endpoint().toString()};
        String[] create = {"step-functions", "create", "--job-queue", "q1", "--image", "img:1"};
        StepFunctionsCommandTest.Result json = StepFunctionsCommandTest.baton(Map.of(),
                concat(concat(datastore, "--classpath", classes.toString()), concat(create, "--only-json")));
        assertEquals(0, json.code(), json.out() + json.err());
        assertEquals(List.of(), dataKeys("explicit/"), "--only-json touches nothing");

        // a package made by 'baton package' beforehand: create deploys its key and builds nothing
        StepFunctionsCommandTest.Result packaged = StepFunctionsCommandTest.baton(Map.of(),
                concat(concat(datastore, "--classpath", classes.toString()), "package"));
        assertEquals(0, packaged.code(), packaged.out() + packaged.err());
        String key = packaged.out().strip();
        List<String> blobs = dataKeys("explicit/");
        assertEquals(1, blobs.size(), blobs.toString());
        StepFunctionsCommandTest.Result r = StepFunctionsCommandTest.baton(Map.of(), concat(concat(datastore,
                "--code-package", key), concat(create, "--region", "us-east-1", "--aws-endpoint-url", wm.baseUrl(),
                "--iam-role", "arn:aws:iam::123456789012:role/sfn")));
        assertEquals(0, r.code(), r.out() + r.err());
        assertFalse(r.out().contains("code package"), r.out());
        assertEquals(blobs, dataKeys("explicit/"));
        String env = new ObjectMapper().readTree(wm.findAll(postRequestedFor(urlEqualTo("/v1/registerjobdefinition")))
                .get(0).getBodyAsString()).get("containerProperties").get("environment").toString();
        assertTrue(env.contains("{\"name\":\"BATON_CODE_PACKAGE\",\"value\":\"" + key + "\"}"), env);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aSplitWritesItsItemsObjectOnlyWhenAsked() {
        String root = "s3://" + bucket + "/items";
        for (String task : List.of("asked", "plain")) {
            List<String> args = new ArrayList<>(List.of("--flow", ForeachFlow.class.getName(), "--datastore", "s3",
                    "--datastore-root", root, "--s3-endpoint-url", s3.endpoint().toString(), "step", "start",
                    "--run-id", "sfn-items", "--task-id", task));
            if (task.equals("asked")) {
                args.add("--foreach-items-object");
            }
            StepFunctionsCommandTest.Result r = StepFunctionsCommandTest.baton(Map.of(), args.toArray(String[]::new));
            assertEquals(0, r.code(), r.out() + r.err());
        }
        String asked = "items/" + StateMachineObjects.foreachItemsPath("ForeachFlow", "sfn-items", "start", "asked");
        // ForeachFlow's start iterates 5 numbers: the Map gets the indices, as strings for BATON_SPLIT_INDEX
        assertEquals("[\"0\",\"1\",\"2\",\"3\",\"4\"]",
                s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(asked)).asUtf8String());
        List<String> items = dataKeys("items/ForeachFlow/sfn-items/").stream()
                .filter(k -> k.endsWith(StateMachineObjects.FOREACH_ITEMS_FILE)).toList();
        assertEquals(List.of(asked), items, "only the task that was asked wrote one");
    }

    @Test
    void terminateMarksTheRunRecordInterruptedWhenGivenTheDatastore() throws Exception {
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[{\"name\":\"ForeachFlow\","
                + "\"stateMachineArn\":\"" + MACHINE + "\",\"type\":\"STANDARD\",\"creationDate\":1.7E9}]}")));
        wm.stubFor(sfn("StopExecution").willReturn(sfnJson("{\"stopDate\":1.7E9}")));
        String root = "s3://" + bucket + "/terminated";
        DatastoreConfig config = new DatastoreConfig("s3", root, s3.datastoreSettings());
        Instant created = Instant.parse("2026-11-22T10:00:00Z");
        try (FlowDatastore ds = Datastores.open(config, "ForeachFlow", getClass().getClassLoader())) {
            ds.writeRun(new RunRecord("ForeachFlow", "sfn-1", "ann", List.of("production:t"), Map.of(), null,
                    RunRecord.RunStatus.RUNNING, created, null, Map.of()));
        }
        StepFunctionsCommandTest.Result r = StepFunctionsCommandTest.baton(Map.of(), "--flow",
                ForeachFlow.class.getName(), "--datastore", "s3", "--datastore-root", root, "--s3-endpoint-url",
                s3.endpoint().toString(), "step-functions", "terminate", "sfn-1", "--region", "us-east-1",
                "--aws-endpoint-url", wm.baseUrl());
        assertEquals(0, r.code(), r.out() + r.err());
        wm.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.StopExecution")));
        try (FlowDatastore ds = Datastores.open(config, "ForeachFlow", getClass().getClassLoader())) {
            RunRecord after = ds.readRun("sfn-1").orElseThrow();
            assertEquals(RunRecord.RunStatus.INTERRUPTED, after.status());
            assertEquals(created, after.createdAt());
            assertEquals(List.of("production:t"), after.tags());
            assertTrue(after.finishedAt() != null && after.attributes().containsKey("terminatedBy"), after.toString());
        }
    }

    @Test
    void deleteSaysThatRunningRunsContinue() {
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[{\"name\":\"ForeachFlow\","
                + "\"stateMachineArn\":\"" + MACHINE + "\",\"type\":\"STANDARD\",\"creationDate\":1.7E9}]}")));
        wm.stubFor(sfn("ListTagsForResource").willReturn(sfnJson("{\"tags\":[]}")));
        wm.stubFor(sfn("DeleteStateMachine").willReturn(sfnJson("{}")));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathEqualTo("/schedules/ForeachFlow"))
                .willReturn(okJson("{}")));
        StepFunctionsCommandTest.Result r = StepFunctionsCommandTest.baton(Map.of(), "--flow",
                ForeachFlow.class.getName(), "step-functions", "delete", "--region", "us-east-1",
                "--aws-endpoint-url", wm.baseUrl());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Runs still in progress continue"), r.out());
        wm.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AWSStepFunctions.DeleteStateMachine")));
    }
}
