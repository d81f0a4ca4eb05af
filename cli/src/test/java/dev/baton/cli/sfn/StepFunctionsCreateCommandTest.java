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
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.baton.examples.ForeachFlow;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton step-functions create} and {@code delete} through the command line, against WireMock. */
class StepFunctionsCreateCommandTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:ForeachFlow";

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

    static com.github.tomakehurst.wiremock.client.MappingBuilder sfn(String op) {
        return post("/").withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + op));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sfnJson(String body) {
        return okJson(body).withHeader("Content-Type", "application/x-amz-json-1.0");
    }

    @Test
    void createDeploysWithTheGivenSettingsAndPrintsTheNamespace() throws Exception {
        wm.stubFor(sfn("ListStateMachines").willReturn(sfnJson("{\"stateMachines\":[]}")));
        wm.stubFor(post("/v1/registerjobdefinition").willReturn(okJson("{\"jobDefinitionName\":\"ForeachFlow\","
                + "\"jobDefinitionArn\":\"arn:aws:batch:us-east-1:123456789012:job-definition/ForeachFlow:1\","
                + "\"revision\":1}")));
        wm.stubFor(sfn("CreateStateMachine").willReturn(sfnJson("{\"stateMachineArn\":\"" + MACHINE
                + "\",\"creationDate\":1.7E9}")));
        // no @Schedule: any old schedule of that name is deleted (here there is none: 404)
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathEqualTo("/schedules/ForeachFlow"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"Message\":\"not found\"}")));

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
