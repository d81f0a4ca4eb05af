package dev.baton.stepfunctions;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.flows.ScheduledFlow;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Pins the exact requests the deployer sends (Step Functions awsJson1_0, Batch and EventBridge Scheduler REST) and
 * its handling of AWS error responses, against WireMock on an endpoint override.
 */
class DeployerContractTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static final String ACCOUNT = "arn:aws:states:us-east-1:123456789012";
    static final String MACHINE_ARN = ACCOUNT + ":stateMachine:ScheduledFlow";
    static final String ROLE = "arn:aws:iam::123456789012:role/baton-sfn";
    static final String LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:baton-sfn:*";
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "AKIDTEST");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    StepFunctionsDeployer deployer(String user) {
        return new StepFunctionsDeployer(new AwsSettings(Optional.of("us-east-1"), Optional.of(URI.create(wm.baseUrl()))),
                user);
    }

    static MappingBuilder sfn(String op) {
        return post("/").withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + op));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sfnJson(String body) {
        return okJson(body).withHeader("Content-Type", "application/x-amz-json-1.0");
    }

    static List<LoggedRequest> sfnCalls(String op) {
        return wm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AWSStepFunctions." + op)));
    }

    void machineExists(String deployer) {
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[{\"name\":\"ScheduledFlow\","
                + "\"stateMachineArn\":\"" + MACHINE_ARN + "\",\"type\":\"STANDARD\",\"creationDate\":1.7E9}]}")));
        wm.stubFor(sfn("ListTagsForResource").willReturn(sfnJson("{\"tags\":[{\"key\":\"baton:production-token\","
                + "\"value\":\"0123456789abcdef\"},{\"key\":\"baton:deployer\",\"value\":\"" + deployer + "\"}]}")));
    }

    DeploymentSettings settings(FlowGraph g) {
        return DeploymentSettings.of("ScheduledFlow", g.flowClass().getName(), TestSettings.QUEUE, TestSettings.IMAGE,
                TestSettings.ROOT, TestSettings.TABLE);
    }

    @Test
    void firstCreateRegistersJobDefinitionCreatesMachineAndSchedule() throws Exception {
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[]}")));
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":\"ScheduledFlow\","
                + "\"jobDefinitionArn\":\"arn:aws:batch:us-east-1:123456789012:job-definition/ScheduledFlow:4\","
                + "\"revision\":4}")));
        wm.stubFor(sfn("CreateStateMachine").willReturn(sfnJson("{\"stateMachineArn\":\"" + MACHINE_ARN
                + "\",\"creationDate\":1.7E9}")));
        wm.stubFor(get("/schedules/ScheduledFlow").willReturn(aResponse().withStatus(404)
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Schedule not found\"}")));
        wm.stubFor(post("/schedules/ScheduledFlow").willReturn(okJson("{\"ScheduleArn\":"
                + "\"arn:aws:scheduler:us-east-1:123456789012:schedule/default/ScheduledFlow\"}")));

        FlowGraph g = FlowGraph.of(ScheduledFlow.class);
        Deployment d;
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            d = deployer.create(g, settings(g), new StepFunctionsDeployer.CreateOptions(ROLE, Optional.empty(),
                    Optional.empty(), Optional.empty()));
        }
        assertTrue(d.created());
        assertEquals(MACHINE_ARN, d.stateMachineArn());
        assertTrue(d.productionToken().matches("[0-9a-f]{16}"), d.productionToken());
        assertEquals("production:" + d.productionToken(), d.namespace());

        // RegisterJobDefinition: image, the wrapper command, static environment (the run tag carries the token)
        JsonNode reg = JSON.readTree(wm.findAll(postRequestedFor(urlEqualTo("/v1/registerjobdefinition")))
                .get(0).getBodyAsString());
        assertEquals("ScheduledFlow", reg.get("jobDefinitionName").asText());
        assertEquals("container", reg.get("type").asText());
        assertEquals(TestSettings.IMAGE, reg.get("containerProperties").get("image").asText());
        assertEquals(List.of("sh", "-c", dev.baton.stepfunctions.internal.ContainerCommand.SCRIPT, "baton"),
                JSON.convertValue(reg.get("containerProperties").get("command"), List.class));
        Map<String, String> env = new java.util.TreeMap<>();
        reg.get("containerProperties").get("environment").forEach(e -> env.put(e.get("name").asText(),
                e.get("value").asText()));
        assertEquals(Map.of("BATON_DATASTORE", "s3", "BATON_DATASTORE_ROOT", TestSettings.ROOT,
                "BATON_DYNAMODB_TABLE", TestSettings.TABLE, "BATON_FLOW", ScheduledFlow.class.getName(),
                "BATON_FOREACH_COORDINATOR", "dynamodb", "BATON_RUN_TAGS", "production:" + d.productionToken()), env);

        // CreateStateMachine: the exact body; the definition refers to the registered revision
        LoggedRequest create = sfnCalls("CreateStateMachine").get(0);
        assertEquals("application/x-amz-json-1.0", create.getHeader("Content-Type"));
        JsonNode body = JSON.readTree(create.getBodyAsString());
        String definition = body.get("definition").asText();
        assertEquals(dev.baton.stepfunctions.asl.AslJson.writeCompact(StepFunctionsCompiler.compile(g,
                settings(g).withRunTags(List.of("production:" + d.productionToken())), Map.of("ScheduledFlow",
                        "arn:aws:batch:us-east-1:123456789012:job-definition/ScheduledFlow:4")).stateMachine()),
                definition);
        assertTrue(definition.contains("job-definition/ScheduledFlow:4"), definition);
        wm.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(equalToJson("{\"name\":\"ScheduledFlow\","
                + "\"definition\":\"${json-unit.any-string}\",\"roleArn\":\"" + ROLE + "\",\"type\":\"STANDARD\","
                + "\"tags\":[{\"key\":\"baton:production-token\",\"value\":\"" + d.productionToken() + "\"},"
                + "{\"key\":\"baton:deployer\",\"value\":\"alice\"}]}")));

        // CreateSchedule: UTC cron, the machine as target, default parameters
        wm.verify(postRequestedFor(urlEqualTo("/schedules/ScheduledFlow")).withRequestBody(equalToJson(
                "{\"ScheduleExpression\":\"cron(0 6 * * ? *)\",\"ScheduleExpressionTimezone\":\"UTC\","
                        + "\"FlexibleTimeWindow\":{\"Mode\":\"OFF\"},\"Target\":{\"Arn\":\"" + MACHINE_ARN + "\","
                        + "\"RoleArn\":\"" + ROLE + "\",\"Input\":\"{\\\"parameters\\\":{}}\"},"
                        + "\"ClientToken\":\"${json-unit.any-string}\"}")));
    }

    @Test
    void aGangRegistersAMultiNodeJobDefinition() throws Exception {
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[]}")));
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":\"G\","
                + "\"jobDefinitionArn\":\"arn:aws:batch:us-east-1:123456789012:job-definition/G:1\","
                + "\"revision\":1}")));
        wm.stubFor(sfn("CreateStateMachine").willReturn(sfnJson("{\"stateMachineArn\":\"" + MACHINE_ARN
                + "\",\"creationDate\":1.7E9}")));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlEqualTo("/schedules/ScheduledFlow"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"Message\":\"not found\"}")));
        FlowGraph g = FlowGraph.of(CompilerTest.GangFlow.class);
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            deployer.create(g, settings(g), new StepFunctionsDeployer.CreateOptions(ROLE, Optional.empty(),
                    Optional.empty(), Optional.empty()));
        }
        List<LoggedRequest> regs = wm.findAll(postRequestedFor(urlEqualTo("/v1/registerjobdefinition")));
        assertEquals(2, regs.size(), "the default definition and the gang's");
        JsonNode gang = JSON.readTree(regs.get(1).getBodyAsString());
        assertEquals("ScheduledFlow-worker-gang", gang.get("jobDefinitionName").asText());
        assertEquals("multinode", gang.get("type").asText());
        assertFalse(gang.has("containerProperties"));
        JsonNode nodes = gang.get("nodeProperties");
        assertEquals(4, nodes.get("numNodes").asInt());
        assertEquals(0, nodes.get("mainNode").asInt());
        JsonNode range = nodes.get("nodeRangeProperties").get(0);
        assertEquals("0:", range.get("targetNodes").asText());
        assertEquals(TestSettings.IMAGE, range.get("container").get("image").asText());
        assertEquals(List.of("sh", "-c", dev.baton.stepfunctions.internal.ContainerCommand.SCRIPT, "baton"),
                JSON.convertValue(range.get("container").get("command"), List.class));
    }

    @Test
    void redeployingSomeoneElsesDeploymentNeedsItsToken() {
        machineExists("bob");
        FlowGraph g = FlowGraph.of(ScheduledFlow.class);
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> deployer.create(g, settings(g),
                    new StepFunctionsDeployer.CreateOptions(ROLE, Optional.of("wrong"), Optional.empty(),
                            Optional.empty())));
            assertTrue(e.getMessage().contains("deployed by bob") && e.getMessage().contains("--authorize"),
                    e.getMessage());
        }
        assertTrue(wm.findAll(postRequestedFor(urlEqualTo("/v1/registerjobdefinition"))).isEmpty());
    }

    @Test
    void redeployWithTheTokenUpdatesTheMachineAndKeepsTheToken() throws Exception {
        machineExists("bob");
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":\"ScheduledFlow\","
                + "\"jobDefinitionArn\":\"arn:aws:batch:us-east-1:123456789012:job-definition/ScheduledFlow:5\","
                + "\"revision\":5}")));
        wm.stubFor(sfn("UpdateStateMachine").willReturn(sfnJson("{\"updateDate\":1.7E9}")));
        wm.stubFor(get("/schedules/ScheduledFlow").willReturn(okJson("{\"Name\":\"ScheduledFlow\"}")));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put("/schedules/ScheduledFlow")
                .willReturn(okJson("{\"ScheduleArn\":\"arn:aws:scheduler:us-east-1:123456789012:schedule/default/x\"}")));
        FlowGraph g = FlowGraph.of(ScheduledFlow.class);
        Deployment d;
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            d = deployer.create(g, settings(g), new StepFunctionsDeployer.CreateOptions(ROLE,
                    Optional.of("0123456789abcdef"), Optional.of(LOG_GROUP), Optional.empty()));
        }
        assertFalse(d.created());
        assertEquals("0123456789abcdef", d.productionToken());
        JsonNode body = JSON.readTree(sfnCalls("UpdateStateMachine").get(0).getBodyAsString());
        assertEquals(MACHINE_ARN, body.get("stateMachineArn").asText());
        assertEquals(ROLE, body.get("roleArn").asText());
        assertTrue(body.get("definition").asText().contains("job-definition/ScheduledFlow:5"));
        // --log-execution-history: ALL events to the log group, without execution data
        assertEquals(JSON.readTree("{\"level\":\"ALL\",\"includeExecutionData\":false,\"destinations\":"
                + "[{\"cloudWatchLogsLogGroup\":{\"logGroupArn\":\"" + LOG_GROUP + "\"}}]}"),
                body.get("loggingConfiguration"));
        assertEquals(4, body.size(), body.toString());
        assertTrue(sfnCalls("CreateStateMachine").isEmpty());
    }

    @Test
    void triggerListTerminateDelete() throws Exception {
        machineExists("alice");
        wm.stubFor(sfn("StartExecution").willReturn(sfnJson("{\"executionArn\":\"" + ACCOUNT
                + ":execution:ScheduledFlow:x\",\"startDate\":1.7E9}")));
        wm.stubFor(sfn("ListExecutions").willReturn(sfnJson("{\"executions\":[{\"executionArn\":\"" + ACCOUNT
                + ":execution:ScheduledFlow:sfn-1\",\"stateMachineArn\":\"" + MACHINE_ARN + "\",\"name\":\"sfn-1\","
                + "\"status\":\"RUNNING\",\"startDate\":1.7E9}]}")));
        wm.stubFor(sfn("StopExecution").willReturn(sfnJson("{\"stopDate\":1.7E9}")));
        wm.stubFor(sfn("DeleteStateMachine").willReturn(sfnJson("{}")));
        wm.stubFor(delete(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/schedules/ScheduledFlow")).willReturn(okJson("{}")));
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            String run = deployer.trigger("ScheduledFlow", Map.of("size", "7"));
            assertTrue(run.matches("sfn-[0-9a-f-]{36}"), run);
            wm.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(equalToJson("{\"stateMachineArn\":\""
                    + MACHINE_ARN + "\",\"name\":\"" + run + "\",\"input\":\"{\\\"parameters\\\":{\\\"size\\\":\\\"7\\\"}}\"}")));

            List<ExecutionSummary> runs = deployer.listRuns("ScheduledFlow", ExecutionStatus.RUNNING);
            assertEquals(1, runs.size());
            assertEquals("sfn-1", runs.get(0).runId());
            assertEquals("RUNNING", runs.get(0).status());
            wm.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(equalToJson("{\"stateMachineArn\":\""
                    + MACHINE_ARN + "\",\"statusFilter\":\"RUNNING\"}")));

            deployer.terminate("ScheduledFlow", "sfn-1");
            wm.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(equalToJson("{\"executionArn\":\"" + ACCOUNT
                    + ":execution:ScheduledFlow:sfn-1\",\"error\":\"Baton.Terminated\",\"cause\":\"${json-unit.any-string}\"}")));

            deployer.delete("ScheduledFlow", Optional.empty());
            wm.verify(deleteRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/schedules/ScheduledFlow"))
                    .withQueryParam("clientToken", com.github.tomakehurst.wiremock.client.WireMock.matching(".+")));
            wm.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(equalToJson("{\"stateMachineArn\":\""
                    + MACHINE_ARN + "\"}")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.DeleteStateMachine")));

            ConfigurationException big = assertThrows(ConfigurationException.class,
                    () -> deployer.trigger("ScheduledFlow", Map.of("size", "x".repeat(2000))));
            assertTrue(big.getMessage().contains("1024 bytes"), big.getMessage());
        }
    }

    @Test
    void awsErrorsBecomeBatonExceptionsNamingTheMachine() {
        wm.stubFor(sfn("ListStateMachines").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\":\"com.amazonaws.swf.base.model#AccessDeniedException\","
                        + "\"message\":\"User is not authorized to perform: states:ListStateMachines\"}")));
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> deployer.trigger("ScheduledFlow", Map.of()));
            assertTrue(e.getMessage().contains("ScheduledFlow") && e.getMessage().contains("AccessDeniedException"),
                    e.getMessage());
        }
        wm.resetAll();
        wm.stubFor(sfn("ListStateMachines").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")));
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            TransientFailureException e = assertThrows(TransientFailureException.class,
                    () -> deployer.listRuns("ScheduledFlow", null));
            assertTrue(e.getMessage().contains("Rate exceeded"), e.getMessage());
        }
        wm.resetAll();
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[]}")));
        try (StepFunctionsDeployer deployer = deployer("alice")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> deployer.terminate("ScheduledFlow", "sfn-1"));
            assertTrue(e.getMessage().contains("no state machine ScheduledFlow is deployed"), e.getMessage());
        }
    }
}
