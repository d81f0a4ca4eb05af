package dev.baton.cli.sfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.Main;
import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.examples.BranchFlow;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.CompiledFlow;
import dev.baton.stepfunctions.DeploymentSettings;
import dev.baton.stepfunctions.StepFunctionsCompiler;
import dev.baton.testsupport.DynamoDbLocalServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Executed end to end without AWS: the compiled state machine runs in aws-local-stepfunctions, each Batch task
 * is the real {@code baton step} (through the job definition's {@code sh -c} wrapper and the container
 * entrypoint, as a child JVM with a Batch job's environment) against the S3 datastore on S3Proxy and the DynamoDB
 * foreach coordinator on DynamoDB Local, and the getItem states read that real table. The run's final artifacts
 * equal those of the same flow run by the local runtime.
 */
class StepFunctionsLocalRunTest {
    static final String KEY = DynamoDbLocalServer.ACCESS_KEY;
    static final String SECRET = DynamoDbLocalServer.SECRET_KEY;
    static final String REGION = DynamoDbLocalServer.REGION;
    static final String TABLE = "baton-sfn-e2e";
    static final String BUCKET = "baton-sfn-e2e";

    static DynamoDbLocalServer dynamoDb;
    static S3Proxy s3proxy;
    static URI s3Endpoint;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("aws.accessKeyId", KEY);
        System.setProperty("aws.secretAccessKey", SECRET);
        System.setProperty("aws.region", REGION);
        dynamoDb = DynamoDbLocalServer.startServer();
        // S3Proxy with DynamoDB Local's key: a task reaches both through one AWS credential chain, as on AWS
        s3proxy = S3Proxy.builder().blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET)
                .ignoreUnknownHeaders(true).build();
        s3proxy.start();
        while (!"STARTED".equals(s3proxy.getState())) {
            LockSupport.parkNanos(1_000_000); // S3Proxy offers no start callback, only this state
        }
        s3Endpoint = URI.create("http://127.0.0.1:" + s3proxy.getPort());
        try (S3Client s3 = S3Client.builder().endpointOverride(s3Endpoint).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
        ForeachCoordinators.createDynamoDbTable(DynamoDbConfig.of(TABLE).withEndpoint(dynamoDb.endpoint()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3proxy != null) {
            s3proxy.stop();
        }
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.region");
    }

    static Stream<Arguments> flows() {
        return Stream.of(
                Arguments.of(HelloFlow.class, Map.of("name", "sfn"), 3),                  // linear, a parameter
                Arguments.of(BranchFlow.class, Map.of(), 5),                              // static branch + join
                Arguments.of(NestedForeachFlow.class, Map.of(), 1 + 2 + 4 + 2 + 1 + 1),   // nested foreach
                Arguments.of(SwitchFlow.class, Map.of("bound", "2"), 1 + 2 + 2 + 1));     // switch looping back
    }

    @ParameterizedTest
    @MethodSource("flows")
    void finalArtifactsEqualTheLocalRuntimes(Class<? extends FlowSpec> flow, Map<String, String> params, int tasks)
            throws Exception {
        FlowGraph graph = FlowGraph.of(flow);
        String root = "s3://" + BUCKET + "/" + flow.getSimpleName();
        DeploymentSettings settings = DeploymentSettings.of(graph.name(), flow.getName(), "local-queue",
                "baton:local", root, TABLE).withRunTags(List.of("production:e2etoken"));
        CompiledFlow compiled = StepFunctionsCompiler.compile(graph, settings);
        Path definition = work.resolve(flow.getSimpleName() + ".asl.json");
        Files.writeString(definition, compiled.definitionJson());

        Map<String, String> platform = Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                "AWS_REGION", REGION, "BATON_S3_ENDPOINT_URL", s3Endpoint.toString(),
                "BATON_DYNAMODB_ENDPOINT_URL", dynamoDb.endpoint().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
        String runId = "sfn-e2e-" + flow.getSimpleName();
        StringBuilder input = new StringBuilder("{\"parameters\":{");
        params.forEach((k, v) -> input.append(input.charAt(input.length() - 1) == '{' ? "" : ",")
                .append('"').append(k).append("\":\"").append(v).append('"'));
        input.append("}}");

        LocalStepFunctions.Outcome outcome;
        List<String> attempts;
        try (LocalStepFunctions sfn = new LocalStepFunctions(compiled, platform, dynamoDb.client(),
                Files.createDirectories(work.resolve(flow.getSimpleName())))) {
            outcome = sfn.run(definition, runId, input.toString());
            attempts = new ArrayList<>(sfn.attempts);
        }
        assertEquals("SUCCEEDED", outcome.status(), outcome.json() + " attempts " + attempts);
        assertEquals(tasks, attempts.size(), "one Batch attempt per task: " + attempts);
        assertTrue(attempts.stream().allMatch(a -> a.endsWith(":0")), attempts.toString());

        // the same flow by the local runtime
        Path local = work.resolve("local-" + flow.getSimpleName());
        List<String> args = new ArrayList<>(List.of("--flow", flow.getName(), "--datastore-root", local.toString(), "run"));
        params.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.execute(null, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));

        Map<String, Object> onSfn;
        Map<String, Object> onLocal;
        List<String> tags;
        try (Client s3 = Baton.client(new DatastoreConfig("s3", root, Map.of("s3.endpoint", s3Endpoint.toString(),
                "s3.region", REGION, "s3.accessKeyId", KEY, "s3.secretAccessKey", SECRET))).namespace(null);
             Client fs = Baton.client(new DatastoreConfig("local", local.toString(), Map.of())).namespace(null)) {
            var run = s3.flow(graph.name()).run(runId);
            // the run record's status is the local runtime's to finish; on Step Functions the end task tells
            assertTrue(run.endTask().orElseThrow().successful(), run.toString());
            tags = run.tags();
            onSfn = new java.util.TreeMap<>(run.data());
            onLocal = new java.util.TreeMap<>(fs.flow(graph.name()).latestRun().data());
        }
        assertFalse(onSfn.isEmpty());
        assertEquals(onLocal, onSfn);
        assertTrue(tags.contains("production:e2etoken"), tags.toString());
    }
}
