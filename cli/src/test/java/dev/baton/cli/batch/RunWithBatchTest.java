package dev.baton.cli.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.cli.Main;
import dev.baton.client.Attempt;
import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.client.Run;
import dev.baton.client.TaskHandle;
import dev.baton.client.TaskStatus;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.flow.FlowSpec;
import dev.baton.testsupport.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton run --with batch} end to end: the real command line, the real SDK Batch client against
 * {@link LocalBatchStub} (which runs each submitted job through {@code container/entrypoint.sh} as a local process
 * with a Batch container's environment), an S3 datastore on S3Proxy, and a flow compiled at test time that reaches
 * the jobs only through the code package the run uploads.
 */
class RunWithBatchTest {
    static final Path ENTRYPOINT = Path.of("").toAbsolutePath().getParent().resolve("container/entrypoint.sh");

    private static S3ProxyServer s3;
    private static String bucket;
    private static Path work;
    private static Path classes;

    @TempDir
    Path tmp;

    private static final String FLOW = """
            package com.acme;
            import dev.baton.flow.*;
            public class Remote extends FlowSpec {
                int base;
                int result;
                @Step(next = "train") public void start() { base = 40; }
                @Batch(queue = "gpu-queue", memoryMb = 2048) @Retry(times = 1)
                @Step(next = "end") public void train() {
                    System.out.println("training on " + System.getenv("AWS_BATCH_JQ_NAME"));
                    if (current().retryCount() == 0) { throw new IllegalStateException("flaky first attempt"); }
                    result = base + 2;
                }
                @Step public void end() { }
            }
            """;

    private static final String HELLO = """
            package com.acme;
            import dev.baton.flow.*;
            public class Hello extends FlowSpec {
                String message;
                @Step(next = "end") public void start() { message = "hello"; }
                @Step public void end() { message = message + " from " + System.getenv("AWS_BATCH_JOB_ID"); }
            }
            """;

    private static final String FANOUT = """
            package com.acme;
            import dev.baton.flow.*;
            public class Fanout extends FlowSpec {
                java.util.List<Integer> items;
                @Step(next = "each", foreach = "items") public void start() { items = java.util.List.of(1, 2); }
                @Step(next = "join") public void each() { }
                @Step(next = "end") public void join(Inputs<Fanout> in) { }
                @Step public void end() { }
            }
            """;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("baton-run-batch-");
        s3 = S3ProxyServer.startInMemory();
        bucket = s3.createBucket();
        Map<String, String> sources = Map.of("com/acme/Remote.java", FLOW, "com/acme/Hello.java", HELLO,
                "com/acme/Fanout.java", FANOUT);
        classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-cp",
                Path.of(FlowSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(), "-d",
                classes.toString()));
        for (var e : sources.entrySet()) {
            Path src = work.resolve("src").resolve(e.getKey());
            Files.createDirectories(src.getParent());
            Files.writeString(src, e.getValue());
            args.add(src.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
        // this JVM's AWS chains (S3 datastore and the Batch client) reach the local servers
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        System.setProperty("aws.region", S3ProxyServer.REGION);
    }

    @AfterAll
    static void tearDown() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.region");
        s3.close();
        try (var walk = Files.walk(work)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    record Result(int code, String out, String err) {}

    private LocalBatchStub stub() throws Exception {
        Map<String, String> host = new HashMap<>(s3.environment()); // what the job role and image would give
        host.put("BATON_LAUNCH_CLASSPATH", System.getProperty("java.class.path")); // the image's jar: no flows
        host.put("BATON_CODE_PACKAGE_CACHE", tmp.resolve("container-cache").toString());
        return new LocalBatchStub(ENTRYPOINT, host, Files.createDirectories(tmp.resolve("jobs")));
    }

    private Result baton(String flow, String root, LocalBatchStub stub, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("BATON_FLOW", flow);
        env.put("BATON_CLASSPATH", classes.toString());
        env.put("BATON_DATASTORE", root.startsWith("s3://") ? "s3" : "local");
        env.put("BATON_DATASTORE_ROOT", root);
        env.put("BATON_S3_ENDPOINT_URL", s3.endpoint().toString());
        if (stub != null) {
            env.put("BATON_BATCH_ENDPOINT_URL", stub.endpoint().toString());
        }
        env.put("BATON_BATCH_IMAGE", "acme/baton:1");
        env.put("BATON_BATCH_QUEUE", "default-queue");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Client client(String prefix) {
        return Baton.client(new DatastoreConfig("s3", "s3://" + bucket + "/" + prefix, s3.datastoreSettings()))
                .namespace(null);
    }

    @Test
    void batchDecoratedStepsRunAsJobsWithRetriesAndTheRestLocally() throws Exception {
        try (LocalBatchStub stub = stub()) {
            Result r = baton("com.acme.Remote", "s3://" + bucket + "/decorated", stub, "run", "--with", "batch",
                    "--batch-steps", "decorated", "--batch-max-poll", "0.1");
            assertEquals(0, r.code(), r.err() + r.out());

            try (Client client = client("decorated")) {
                Run run = client.flow("Remote").latestRun();
                assertTrue(run.successful());
                TaskHandle train = run.step("train").task();
                List<Attempt> attempts = train.attempts();
                assertEquals(2, attempts.size());
                assertEquals(TaskStatus.FAILED, attempts.get(0).status());
                assertEquals(TaskStatus.SUCCEEDED, attempts.get(1).status());
                assertEquals("job-1", attempts.get(0).environment().get("AWS_BATCH_JOB_ID"));
                assertEquals("job-2", attempts.get(1).environment().get("AWS_BATCH_JOB_ID"));
                assertEquals("gpu-queue", attempts.get(1).environment().get("AWS_BATCH_JQ_NAME"));
                assertTrue(attempts.get(1).environment().get("BATON_CODE_PACKAGE").matches("[0-9a-f]{64}"));
                assertEquals("training on gpu-queue\n", train.stdout());
                assertEquals(42, train.artifact("result", Integer.class));
                // start and end ran here, not as jobs
                assertFalse(run.step("start").task().attempts().get(0).environment().containsKey("AWS_BATCH_JOB_ID"));
                assertEquals(42, run.step("end").task().artifact("result", Integer.class));
            }
            assertEquals(Map.of("job-1", 1, "job-2", 0), stub.exitCodes());
            List<JsonNode> defs = stub.requests("registerjobdefinition");
            assertEquals(1, defs.size(), "one definition for the one remote step, registered once");
            assertEquals("baton-Remote-train", defs.get(0).get("jobDefinitionName").asText());
            assertEquals("2048", defs.get(0).at("/containerProperties/resourceRequirements/1/value").asText());
            List<JsonNode> submits = stub.requests("submitjob");
            assertEquals(List.of("0", "1"), submits.stream().map(s -> {
                JsonNode cmd = s.at("/containerOverrides/command");
                for (int i = 0; i < cmd.size(); i++) {
                    if (cmd.get(i).asText().equals("--retry-count")) {
                        return cmd.get(i + 1).asText();
                    }
                }
                return "?";
            }).toList());
            assertEquals("gpu-queue", submits.get(0).get("jobQueue").asText());
        }
    }

    @Test
    void withBatchEveryStepIsAJob() throws Exception {
        try (LocalBatchStub stub = stub()) {
            Result r = baton("com.acme.Hello", "s3://" + bucket + "/all", stub, "run", "--with", "batch",
                    "--batch-max-poll", "0.1");
            assertEquals(0, r.code(), r.err() + r.out());
            try (Client client = client("all")) {
                Run run = client.flow("Hello").latestRun();
                assertTrue(run.successful());
                assertEquals("hello from job-2", run.step("end").task().artifact("message", String.class));
                assertEquals("default-queue",
                        run.step("start").task().attempts().get(0).environment().get("AWS_BATCH_JQ_NAME"));
            }
            assertEquals(2, stub.requests("registerjobdefinition").size());
            assertEquals(Map.of("job-1", 0, "job-2", 0), stub.exitCodes());
            // the launcher probed S3Proxy's conditional writes once and told every job the answer
            for (var submit : stub.requests("submitjob")) {
                List<String> env = new java.util.ArrayList<>();
                submit.path("containerOverrides").path("environment")
                        .forEach(e -> env.add(e.get("name").asText() + "=" + e.get("value").asText()));
                assertTrue(env.contains("BATON_S3_CONDITIONAL_WRITES=true"), env::toString);
            }
        }
    }

    @Test
    void theSettingsAreCheckedBeforeAnythingRuns() throws Exception {
        try (LocalBatchStub stub = stub()) {
            Result local = baton("com.acme.Hello", tmp.resolve("ds").toString(), stub, "run", "--with", "batch");
            assertEquals(2, local.code());
            assertTrue(local.err().contains("--with batch needs an S3 datastore"), local.err());

            Result fanout = baton("com.acme.Fanout", "s3://" + bucket + "/fanout", stub, "run", "--with", "batch");
            assertEquals(2, fanout.code());
            assertTrue(fanout.err().contains("--foreach-coordinator dynamodb"), fanout.err());

            Result other = baton("com.acme.Hello", "s3://" + bucket + "/x", stub, "run", "--with", "kubernetes");
            assertEquals(2, other.code());
            assertTrue(other.err().contains("--with kubernetes is not known"), other.err());
            assertEquals(List.of(), stub.requests("submitjob"));
        }
    }
}
