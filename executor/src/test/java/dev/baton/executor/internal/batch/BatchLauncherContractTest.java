package dev.baton.executor.internal.batch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.TaskExecutor;
import dev.baton.executor.TaskInputs;
import dev.baton.executor.TaskLauncher;
import dev.baton.executor.TaskRequest;
import dev.baton.executor.TaskResult;
import dev.baton.executor.internal.enhance.FlowClassLoading;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Resources;
import dev.baton.flow.Step;
import dev.baton.flow.graph.FlowGraph;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;

/**
 * Contract tests of the AWS Batch requests {@link BatchLauncher} sends (there is no Batch emulator): WireMock on
 * loopback stands in for the service through the SDK's endpoint override, pins the exact JSON of
 * DescribeJobDefinitions, RegisterJobDefinition, SubmitJob, DescribeJobs and TerminateJob, and plays back job
 * histories and AWS error responses. The datastore is real (a local directory): the launcher reads outcomes there.
 */
class BatchLauncherContractTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static final String ARN = "arn:aws:batch:us-east-1:123456789012:job-definition/baton-BatchFlow-start:3";

    /** A trivial flow; {@code start} asks for 2 vCPU and 3000 MiB. */
    public static class BatchFlow extends FlowSpec {
        public String greeting;

        @Resources(cpu = 2, memoryMb = 3000)
        @Step(next = "end")
        public void start() {
            greeting = "hi";
        }

        @Step
        public void end() {}
    }

    @TempDir
    Path tmp;

    private FlowDatastore datastore;
    private FlowBinding binding;
    private BatchClient client;
    private final CountDownLatch running = new CountDownLatch(1);
    /** The console; it also tells when the launcher has shown the job RUNNING (so a test can interrupt it). */
    private final ByteArrayOutputStream console = new ByteArrayOutputStream() {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            if (toString(StandardCharsets.UTF_8).contains("job-1: RUNNING")) {
                running.countDown();
            }
        }
    };

    @BeforeEach
    void setUp() {
        Class<? extends FlowSpec> flow = FlowClassLoading.enhance(BatchFlow.class);
        FlowGraph graph = FlowGraph.of(flow);
        datastore = Datastores.open(DatastoreConfig.local(tmp.resolve("ds").toString()), graph.name(),
                flow.getClassLoader());
        binding = new FlowBinding(flow, graph, datastore, ForeachCoordinators.local(tmp.resolve("coord")));
        client = BatchClient.builder().endpointOverride(URI.create(wm.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        binding.coordinator().close();
        datastore.close();
    }

    private BatchSettings settings(Duration runnableWarning) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_FLOW", BatchFlow.class.getName());
        env.put("BATON_DATASTORE", "s3");
        return new BatchSettings("jq-default", "acme/baton:1", "", true, env, "baton", Duration.ofMillis(5),
                Duration.ofMillis(20), runnableWarning, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    private BatchLauncher launcher() {
        return new BatchLauncher(binding, client, settings(Duration.ofMinutes(5)));
    }

    private TaskRequest start(String runId) {
        return TaskRequest.of("start", runId, "1", new TaskInputs.None(), null);
    }

    private TaskLauncher.Launch launch(BatchLauncher l, TaskRequest req) {
        return l.prepare(req, binding.graph().step("start"), List.of("step", "start", "--run-id", req.runId(),
                "--task-id", "1", "--retry-count", "0"), "[start/1] ");
    }

    private static String job(String status, String extra) {
        return "{\"jobs\":[{\"jobId\":\"job-1\",\"jobName\":\"n\",\"jobQueue\":\"jq-default\",\"jobDefinition\":\""
                + ARN + "\",\"status\":\"" + status + "\"" + extra + "}]}";
    }

    private void stubDefinitionAndSubmit() {
        wm.stubFor(post("/v1/describejobdefinitions").willReturn(okJson("{\"jobDefinitions\":[]}")));
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":"
                + "\"baton-BatchFlow-start\",\"jobDefinitionArn\":\"" + ARN + "\",\"revision\":3}")));
        wm.stubFor(post("/v1/submitjob").willReturn(okJson("{\"jobArn\":\"arn:aws:batch:us-east-1:123456789012:"
                + "job/job-1\",\"jobName\":\"n\",\"jobId\":\"job-1\"}")));
    }

    /** DescribeJobs answers with these statuses in turn, the last one from then on. */
    private void stubHistory(String... bodies) {
        String state = Scenario.STARTED;
        for (int i = 0; i < bodies.length; i++) {
            String next = i == bodies.length - 1 ? state : "s" + (i + 1);
            wm.stubFor(post("/v1/describejobs").inScenario("job").whenScenarioStateIs(state)
                    .willReturn(okJson(bodies[i])).willSetStateTo(next));
            state = next;
        }
    }

    private String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void registersTheDefinitionOnceSubmitsAndPollsToTheRecordedSuccess() {
        stubDefinitionAndSubmit();
        stubHistory(job("SUBMITTED", ""), job("RUNNABLE", ""), job("STARTING", ""), job("RUNNING", ""),
                job("SUCCEEDED", ",\"container\":{\"exitCode\":0}"));
        // what the job's container does: run the task against the shared datastore
        TaskRequest req = start("r1");
        assertEquals(ExitCodes.OK, new TaskExecutor(binding).execute(req).exitCode());

        BatchLauncher launcher = launcher();
        TaskResult result = launch(launcher, req).run();
        assertEquals(ExitCodes.OK, result.exitCode(), result.message());
        assertTrue(result.done().isPresent());
        // a second task of the same step reuses the registered definition
        assertEquals(ExitCodes.OK, launch(launcher, req).run().exitCode());

        String hash = JobDefinition.of(settings(Duration.ZERO), "BatchFlow", binding.graph().step("start")).hash();
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/describejobdefinitions"))
                .withRequestBody(equalToJson("{\"jobDefinitionName\":\"baton-BatchFlow-start\",\"status\":\"ACTIVE\"}")));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/registerjobdefinition"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDTEST/\\d{8}/us-east-1/batch/"
                        + "aws4_request.*"))
                .withRequestBody(equalToJson("{\"jobDefinitionName\":\"baton-BatchFlow-start\",\"type\":\"container\","
                        + "\"containerProperties\":{\"image\":\"acme/baton:1\",\"environment\":[],"
                        + "\"resourceRequirements\":[{\"value\":\"2\",\"type\":\"VCPU\"},"
                        + "{\"value\":\"3000\",\"type\":\"MEMORY\"}]},"
                        + "\"retryStrategy\":{\"attempts\":1},\"propagateTags\":true,"
                        + "\"tags\":{\"baton:definition-hash\":\"" + hash + "\",\"baton:flow\":\"BatchFlow\"}}")));
        wm.verify(2, postRequestedFor(urlEqualTo("/v1/submitjob"))
                .withRequestBody(equalToJson("{\"jobName\":\"BatchFlow-start-r1-1-0\",\"jobQueue\":\"jq-default\","
                        + "\"jobDefinition\":\"" + ARN + "\",\"containerOverrides\":{\"command\":[\"baton\",\"step\","
                        + "\"start\",\"--run-id\",\"r1\",\"--task-id\",\"1\",\"--retry-count\",\"0\"],"
                        + "\"environment\":[{\"name\":\"BATON_FLOW\",\"value\":\"" + BatchFlow.class.getName() + "\"},"
                        + "{\"name\":\"BATON_DATASTORE\",\"value\":\"s3\"}]},"
                        + "\"tags\":{\"baton:flow\":\"BatchFlow\",\"baton:run\":\"r1\",\"baton:step\":\"start\","
                        + "\"baton:task\":\"1\"}}")));
        wm.verify(postRequestedFor(urlEqualTo("/v1/describejobs")).withRequestBody(equalToJson("{\"jobs\":[\"job-1\"]}")));
        String text = consoleText();
        assertTrue(text.contains("[start/1] AWS Batch job job-1: SUBMITTED -> RUNNABLE"), text);
        assertTrue(text.contains("RUNNING -> SUCCEEDED"), text);
    }

    @Test
    void anActiveDefinitionWithTheSameContentHashIsReusedAndAChangedOneRegistered() {
        String hash = JobDefinition.of(settings(Duration.ZERO), "BatchFlow", binding.graph().step("start")).hash();
        String reused = "arn:aws:batch:us-east-1:123456789012:job-definition/baton-BatchFlow-start:9";
        wm.stubFor(post("/v1/describejobdefinitions").willReturn(okJson("{\"jobDefinitions\":["
                + "{\"jobDefinitionName\":\"baton-BatchFlow-start\",\"jobDefinitionArn\":\"" + ARN + "\",\"revision\":3,"
                + "\"type\":\"container\",\"status\":\"ACTIVE\",\"tags\":{\"baton:definition-hash\":\"old\"}},"
                + "{\"jobDefinitionName\":\"baton-BatchFlow-start\",\"jobDefinitionArn\":\"" + reused + "\",\"revision\":9,"
                + "\"type\":\"container\",\"status\":\"ACTIVE\",\"tags\":{\"baton:definition-hash\":\"" + hash + "\"}}]}")));
        BatchLauncher launcher = launcher();
        assertEquals(reused, launcher.definitionArn(JobDefinition.of(settings(Duration.ZERO), "BatchFlow",
                binding.graph().step("start"))));
        wm.verify(0, postRequestedFor(urlEqualTo("/v1/registerjobdefinition")));

        // another image: other content, so a new revision
        stubDefinitionAndSubmit();
        BatchSettings other = new BatchSettings("jq-default", "acme/baton:2", "", true, Map.of(), "baton",
                Duration.ofMillis(5), Duration.ofMillis(20), Duration.ZERO, new PrintStream(console, true,
                        StandardCharsets.UTF_8));
        JobDefinition changed = JobDefinition.of(other, "BatchFlow", binding.graph().step("start"));
        assertTrue(!changed.hash().equals(hash));
        assertEquals(ARN, new BatchLauncher(binding, client, other).definitionArn(changed));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/registerjobdefinition"))
                .withRequestBody(matching(".*\"image\":\"acme/baton:2\".*")));
    }

    @Test
    void aFailedJobWithoutARecordedEndIsTransientAndNamesBatchsReason() {
        stubDefinitionAndSubmit();
        stubHistory(job("RUNNABLE", ""), job("FAILED", ",\"statusReason\":\"CannotPullContainerError: pull access"
                + " denied for acme/baton\""));
        TaskResult r = launch(launcher(), start("r2")).run();
        assertEquals(ExitCodes.TRANSIENT, r.exitCode());
        assertTrue(r.message().contains("job-1 FAILED: CannotPullContainerError: pull access denied"), r.message());
        assertTrue(r.message().contains("no done.json"), r.message());
    }

    @Test
    void aJobKilledForMemoryKeepsItsExitCodeAndSaysWhy() {
        stubDefinitionAndSubmit();
        stubHistory(job("RUNNING", ""), job("FAILED", ",\"statusReason\":\"OutOfMemoryError: Container killed\","
                + "\"attempts\":[{\"container\":{\"exitCode\":137}}]"));
        TaskResult r = launch(launcher(), start("r3")).run();
        assertEquals(137, r.exitCode());
        assertTrue(r.message().contains("exit code 137, killed: out of its 3000 MiB?"), r.message());
    }

    @Test
    void aStepThatFailedInItsJobReportsTheRecordedFailure() {
        stubDefinitionAndSubmit();
        stubHistory(job("FAILED", ",\"container\":{\"exitCode\":1}"));
        TaskResult r = launch(launcher(), start("r4")).run();
        // nothing recorded here: Batch's exit code stands, and the missing done.json is named
        assertEquals(ExitCodes.STEP_FAILED, r.exitCode());
        assertTrue(r.message().contains("exit code 1"), r.message());
    }

    @Test
    void awsErrorsAreClassified() {
        wm.stubFor(post("/v1/describejobdefinitions").willReturn(okJson("{\"jobDefinitions\":[]}")));
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":"
                + "\"baton-BatchFlow-start\",\"jobDefinitionArn\":\"" + ARN + "\",\"revision\":3}")));
        wm.stubFor(post("/v1/submitjob").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", "ClientException")
                .withBody("{\"message\":\"Job queue jq-default does not exist\"}")));
        TaskResult refused = launch(launcher(), start("r5")).run();
        assertEquals(ExitCodes.USAGE, refused.exitCode(), "a wrong queue is not worth a retry");
        assertTrue(refused.message().contains("refused to submit step start to job queue jq-default: Job queue"
                + " jq-default does not exist (HTTP 400)"), refused.message());

        wm.stubFor(post("/v1/submitjob").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", "ServerException")
                .withBody("{\"message\":\"internal\"}")));
        wm.resetRequests();
        TaskResult server = launch(launcher(), start("r6")).run();
        assertEquals(ExitCodes.TRANSIENT, server.exitCode(), server.message());
        // the SDK retried a 5xx (its own retry policy) before the launcher reported it
        assertTrue(wm.findAll(postRequestedFor(urlEqualTo("/v1/submitjob"))).size() > 1);
    }

    @Test
    void aFailingDescribeJobsIsRetriedAndPollingCarriesOn() {
        stubDefinitionAndSubmit();
        String state = Scenario.STARTED;
        wm.stubFor(post("/v1/describejobs").inScenario("flaky").whenScenarioStateIs(state)
                .willReturn(aResponse().withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                        .withBody("{\"message\":\"Too Many Requests\"}")).willSetStateTo("ok"));
        wm.stubFor(post("/v1/describejobs").inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(okJson(job("FAILED", ",\"statusReason\":\"Host EC2 terminated\""))));
        TaskResult r = launch(launcher(), start("r7")).run();
        assertEquals(ExitCodes.TRANSIENT, r.exitCode());
        assertTrue(r.message().contains("Host EC2 terminated"), r.message());
        wm.verify(2, postRequestedFor(urlEqualTo("/v1/describejobs")));
    }

    @Test
    void jobsInFlightTogetherArePolledWithOneDescribeJobs() throws Exception {
        wm.stubFor(post("/v1/describejobdefinitions").willReturn(okJson("{\"jobDefinitions\":[]}")));
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":"
                + "\"baton-BatchFlow-start\",\"jobDefinitionArn\":\"" + ARN + "\",\"revision\":3}")));
        for (int i = 1; i <= 2; i++) {
            wm.stubFor(post("/v1/submitjob").inScenario("submit").whenScenarioStateIs(i == 1 ? Scenario.STARTED : "2")
                    .willReturn(okJson("{\"jobArn\":\"arn:aws:batch:us-east-1:123456789012:job/job-" + i
                            + "\",\"jobName\":\"n\",\"jobId\":\"job-" + i + "\"}")).willSetStateTo("" + (i + 1)));
        }
        wm.stubFor(post("/v1/describejobs").willReturn(okJson(jobs("RUNNING", ""))));
        // observes the SDK's requests: the moment one DescribeJobs asks for both jobs
        CountDownLatch together = new CountDownLatch(1);
        BatchClient observed = BatchClient.builder().endpointOverride(URI.create(wm.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof DescribeJobsRequest r && r.jobs().size() == 2) {
                            together.countDown();
                        }
                    }
                }))
                .build();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (observed) {
            BatchLauncher launcher = new BatchLauncher(binding, observed, settings(Duration.ofMinutes(5)));
            List<CompletableFuture<TaskResult>> results = new java.util.ArrayList<>();
            for (String task : List.of("1", "2")) {
                TaskRequest req = TaskRequest.of("start", "r11", task, new TaskInputs.None(), null);
                assertEquals(ExitCodes.OK, new TaskExecutor(binding).execute(req).exitCode()); // the job's work
                TaskLauncher.Launch launch = launcher.prepare(req, binding.graph().step("start"), List.of("step",
                        "start", "--run-id", "r11", "--task-id", task, "--retry-count", "0"), "[start/" + task + "] ");
                results.add(CompletableFuture.supplyAsync(launch::run, threads));
            }
            assertTrue(together.await(30, TimeUnit.SECONDS), "no DescribeJobs asked for both jobs in flight");
            wm.stubFor(post("/v1/describejobs").willReturn(okJson(jobs("SUCCEEDED", ",\"container\":{\"exitCode\":0}"))));
            for (CompletableFuture<TaskResult> r : results) {
                TaskResult result = r.get(30, TimeUnit.SECONDS);
                assertEquals(ExitCodes.OK, result.exitCode(), result.message());
            }
        } finally {
            threads.shutdownNow();
        }
        wm.verify(postRequestedFor(urlEqualTo("/v1/describejobs"))
                .withRequestBody(equalToJson("{\"jobs\":[\"job-1\",\"job-2\"]}", true, false)));
    }

    /** A DescribeJobs answer with job-1 and job-2 in {@code status}. */
    private static String jobs(String status, String extra) {
        StringBuilder b = new StringBuilder("{\"jobs\":[");
        for (int i = 1; i <= 2; i++) {
            b.append(i == 1 ? "" : ",").append("{\"jobId\":\"job-").append(i).append("\",\"jobName\":\"n\",")
                    .append("\"jobQueue\":\"jq-default\",\"jobDefinition\":\"").append(ARN).append("\",\"status\":\"")
                    .append(status).append("\"").append(extra).append("}");
        }
        return b.append("]}").toString();
    }

    @Test
    void aJobStuckInRunnableIsReportedWithLikelyReasons() {
        stubDefinitionAndSubmit();
        stubHistory(job("RUNNABLE", ""), job("RUNNABLE", ""), job("FAILED", ""));
        BatchLauncher l = new BatchLauncher(binding, client, settings(Duration.ZERO));
        launch(l, start("r8")).run();
        String text = consoleText();
        assertTrue(text.contains("AWS Batch job job-1 has been RUNNABLE for"), text);
        assertTrue(text.contains("job queue jq-default have no capacity free"), text);
        assertTrue(text.contains("(2 vCPU, 3000 MiB)"), text);
        assertEquals(1, text.split("has been RUNNABLE", -1).length - 1, "warned once");
    }

    @Test
    void interruptingTerminatesTheJob() throws Exception {
        stubDefinitionAndSubmit();
        stubHistory(job("RUNNING", ""));
        wm.stubFor(post("/v1/terminatejob").willReturn(okJson("{}")));
        TaskLauncher.Launch launch = launch(launcher(), start("r9"));
        CompletableFuture<TaskResult> result = CompletableFuture.supplyAsync(launch::run);
        assertTrue(running.await(30, TimeUnit.SECONDS));
        launch.interrupt();
        TaskResult r = result.get(30, TimeUnit.SECONDS);
        assertEquals(ExitCodes.INTERRUPTED, r.exitCode());
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/terminatejob"))
                .withRequestBody(equalToJson("{\"jobId\":\"job-1\",\"reason\":\"baton run was interrupted\"}")));
        launch.interrupt(); // idempotent: no second TerminateJob
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/terminatejob")));
    }

    @Test
    void aJobBatchForgotIsTerminatedAndReportedLost() {
        stubDefinitionAndSubmit();
        stubHistory("{\"jobs\":[]}");
        wm.stubFor(post("/v1/terminatejob").willReturn(okJson("{}")));
        TaskResult r = launch(launcher(), start("r10")).run();
        assertEquals(ExitCodes.TRANSIENT, r.exitCode());
        assertTrue(r.message().contains("lost track of AWS Batch job job-1"), r.message());
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/terminatejob")));
    }

    @Test
    void validationNamesTheStepAndTheMissingSetting() {
        BatchSettings noQueue = new BatchSettings("", "img", "", true, Map.of(), "baton", Duration.ofMillis(5),
                Duration.ofMillis(20), Duration.ZERO, new PrintStream(console, true, StandardCharsets.UTF_8));
        ConfigurationException local = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                () -> new BatchLauncher(binding, client, noQueue).validate(binding.graph()));
        assertTrue(local.getMessage().contains("need an S3 datastore"), local.getMessage());
    }
}
