package dev.baton.cli.sfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cli.Main;
import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.examples.BranchFlow;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.CompiledFlow;
import dev.baton.stepfunctions.DeploymentSettings;
import dev.baton.stepfunctions.StateMachineObjects;
import dev.baton.stepfunctions.StepFunctionsCompiler;
import dev.baton.testsupport.DynamoDbLocalServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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
 * foreach coordinator on DynamoDB Local, and the getItem and S3 states read and write those real stores. The run's
 * final artifacts equal those of the same flow run by the local runtime; a failing run is recorded FAILED.
 *
 * <p>Every machine is started in {@link #start()}, all at once: each is mostly a chain of task JVMs one after
 * another, so running them side by side (at most three task JVMs at a time, see {@link LocalStepFunctions})
 * keeps both cores busy where running them in turn left one idle. Each test then waits for its own machine.
 */
class StepFunctionsLocalRunTest {
    static final String KEY = DynamoDbLocalServer.ACCESS_KEY;
    static final String SECRET = DynamoDbLocalServer.SECRET_KEY;
    static final String REGION = DynamoDbLocalServer.REGION;
    static final String TABLE = "baton-sfn-e2e";
    static final String BUCKET = "baton-sfn-e2e";

    /**
     * One machine to run.
     *
     * @param id names the run, its datastore prefix and its work directory
     * @param tasks Batch attempts expected, one per task
     * @param distributed compiled with {@code --use-distributed-map} (run through run-local.mjs's substitute)
     */
    record Case(String id, Class<? extends FlowSpec> flow, Map<String, String> params, int tasks,
            boolean distributed) {
        String root() {
            return "s3://" + BUCKET + "/" + id;
        }

        String runId() {
            return "sfn-e2e-" + id;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** What a machine run left behind. */
    record Ran(LocalStepFunctions.Outcome outcome, List<String> attempts) {}

    static final List<Case> SUCCEEDING = List.of(
            new Case("hello", HelloFlow.class, Map.of("name", "sfn"), 3, false),                 // linear, a parameter
            new Case("branch", BranchFlow.class, Map.of(), 5, false),                            // static branch + join
            new Case("nested", NestedForeachFlow.class, Map.of(), 1 + 2 + 4 + 2 + 1 + 1, false), // nested foreach
            new Case("switch", SwitchFlow.class, Map.of("bound", "2"), 1 + 2 + 2 + 1, false),    // switch looping back
            new Case("nested-distributed", NestedForeachFlow.class, Map.of(), 11, true),        // S3 ItemReaders
            new Case("gang", GangFlow.class, Map.of(), 1 + 3 + 1 + 1, false));                  // multi-node job
    static final Case FAILING = new Case("failing", FailingFlow.class, Map.of(), 2, false);

    static DynamoDbLocalServer dynamoDb;
    static S3Proxy s3proxy;
    static URI s3Endpoint;
    static S3Client s3;
    static ExecutorService runner;
    static TaskJvmClassSharing classSharing;
    static final Map<String, CompletableFuture<Ran>> RUNS = new LinkedHashMap<>();

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
        s3 = S3Client.builder().endpointOverride(s3Endpoint).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
        s3.createBucket(b -> b.bucket(BUCKET));
        ForeachCoordinators.createDynamoDbTable(DynamoDbConfig.of(TABLE).withEndpoint(dynamoDb.endpoint()));
        classSharing = "false".equals(System.getenv("BATON_TEST_CDS")) ? TaskJvmClassSharing.withoutArchive()
                : TaskJvmClassSharing.prepare(work.resolve("cds"));
        List<Case> all = new ArrayList<>(SUCCEEDING);
        all.add(FAILING);
        runner = Executors.newFixedThreadPool(all.size());
        for (Case c : all) {
            RUNS.put(c.id(), CompletableFuture.supplyAsync(() -> run(c), runner));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        RUNS.values().forEach(f -> f.cancel(true));
        if (runner != null) {
            runner.shutdownNow();
        }
        if (s3 != null) {
            s3.close();
        }
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

    /** Compiles the case's flow and runs the machine to its end. */
    static Ran run(Case c) {
        try {
            FlowGraph graph = FlowGraph.of(c.flow());
            DeploymentSettings settings = DeploymentSettings.of(graph.name(), c.flow().getName(), "local-queue",
                    "baton:local", c.root(), TABLE).withRunTags(List.of("production:e2etoken"))
                    .withDistributedMap(c.distributed());
            CompiledFlow compiled = StepFunctionsCompiler.compile(graph, settings);
            Path definition = work.resolve(c.id() + ".asl.json");
            Files.writeString(definition, compiled.definitionJson());
            Map<String, String> platform = Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
                    "AWS_REGION", REGION, "BATON_S3_ENDPOINT_URL", s3Endpoint.toString(),
                    "BATON_DYNAMODB_ENDPOINT_URL", dynamoDb.endpoint().toString(),
                    "AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
            String input = new ObjectMapper().writeValueAsString(Map.of("parameters", c.params()));
            try (LocalStepFunctions sfn = new LocalStepFunctions(compiled, platform, dynamoDb.client(), s3,
                    classSharing, Files.createDirectories(work.resolve(c.id())))) {
                LocalStepFunctions.Outcome outcome = sfn.run(definition, c.runId(), input);
                return new Ran(outcome, new ArrayList<>(sfn.attempts));
            }
        } catch (Exception e) {
            throw new IllegalStateException("machine " + c.id() + " could not run", e);
        }
    }

    static Stream<Case> succeeding() {
        return SUCCEEDING.stream();
    }

    static Client s3Client(Case c) {
        return Baton.client(new DatastoreConfig("s3", c.root(), Map.of("s3.endpoint", s3Endpoint.toString(),
                "s3.region", REGION, "s3.accessKeyId", KEY, "s3.secretAccessKey", SECRET))).namespace(null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("succeeding")
    void finalArtifactsEqualTheLocalRuntimes(Case c) throws Exception {
        Ran ran = RUNS.get(c.id()).join();
        assertEquals("SUCCEEDED", ran.outcome().status(), ran.outcome().json() + " attempts " + ran.attempts());
        assertEquals(c.tasks(), ran.attempts().size(), "one Batch attempt per task: " + ran.attempts());
        assertTrue(ran.attempts().stream().allMatch(a -> a.endsWith(":0")), ran.attempts().toString());

        // the same flow by the local runtime
        FlowGraph graph = FlowGraph.of(c.flow());
        Path local = work.resolve("local-" + c.id());
        List<String> args = new ArrayList<>(List.of("--flow", c.flow().getName(), "--datastore-root", local.toString(),
                "run"));
        c.params().forEach((k, v) -> args.addAll(List.of("--" + k, v)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.execute(null, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));

        Map<String, Object> onSfn;
        Map<String, Object> onLocal;
        try (Client onS3 = s3Client(c);
             Client fs = Baton.client(new DatastoreConfig("local", local.toString(), Map.of())).namespace(null)) {
            Run run = onS3.flow(graph.name()).run(c.runId());
            // no runtime outlives the tasks on Step Functions: the end task marks the run SUCCEEDED
            assertEquals(RunRecord.RunStatus.SUCCEEDED, run.status(), run.toString());
            assertTrue(run.endTask().orElseThrow().successful(), run.toString());
            assertTrue(run.tags().contains("production:e2etoken"), run.tags().toString());
            onSfn = new TreeMap<>(run.data());
            onLocal = new TreeMap<>(fs.flow(graph.name()).latestRun().data());
            if (c.distributed()) {
                assertItemsObjects(run);
            }
        }
        assertFalse(onSfn.isEmpty());
        assertEquals(onLocal, onSfn);
    }

    /** Each split task wrote its indices where the Distributed Map's ItemReader read them; no other task did. */
    private static void assertItemsObjects(Run run) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix("nested-distributed/")).contents()
                .forEach(o -> keys.add(o.key()));
        List<String> items = keys.stream().filter(k -> k.endsWith("/" + StateMachineObjects.FOREACH_ITEMS_FILE))
                .toList();
        // start splits over 2 rows, each of the 2 outer tasks over 2 columns
        assertEquals(3, items.size(), keys.toString());
        String startTask = run.step("start").tasks().get(0).id();
        String startItems = "nested-distributed/" + StateMachineObjects.foreachItemsPath(run.flowName(), run.id(),
                "start", startTask);
        assertTrue(items.contains(startItems), items.toString());
        for (String key : items) {
            assertEquals("[\"0\",\"1\"]", s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String(), key);
        }
        assertEquals(2, items.stream().filter(k -> k.contains("/outer/")).count(), items.toString());
    }

    @Test
    void aFailedRunIsRecordedFailedWithTheStepsError() throws Exception {
        Ran ran = RUNS.get(FAILING.id()).join();
        assertEquals("FAILED", ran.outcome().status(), ran.outcome().json().toString());
        // the execution fails with the step's own error, after the run-failed path
        assertEquals("States.TaskFailed", ran.outcome().json().path("error").asText(), ran.outcome().json().toString());
        assertEquals(List.of("start:0", "train:1"), ran.attempts());
        try (Client onS3 = s3Client(FAILING)) {
            Run run = onS3.flow("FailingFlow").run(FAILING.runId());
            assertEquals(RunRecord.RunStatus.FAILED, run.status(), run.toString());
            assertTrue(run.finishedAt().isPresent(), run.toString());
            RunRecord record = run.record();
            assertEquals("States.TaskFailed", record.attributes().get("Error"), record.toString());
            assertTrue(record.attributes().get("Cause").contains(FailingFlow.MESSAGE), record.toString());
            // what start recorded survives the rewrite
            assertTrue(run.tags().contains("production:e2etoken"), run.tags().toString());
            assertFalse(run.step("train").tasks().get(0).successful());
        }
    }
}
