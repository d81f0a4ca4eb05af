package dev.baton.cli.sfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cli.Main;
import dev.baton.examples.ForeachFlow;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.DeploymentSettings;
import dev.baton.stepfunctions.StepFunctionsCompiler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code baton step-functions ...} parsing and the parts that need no AWS (the AWS calls: DeployerContractTest). */
class StepFunctionsCommandTest {
    record Result(int code, String out, String err) {}

    static Result baton(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(null, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onlyJsonPrintsTheCompiledDefinitionAndTouchesNothing() throws Exception {
        Result r = baton(Map.of(), "--flow", ForeachFlow.class.getName(), "--datastore", "s3", "--datastore-root",
                "s3://b/p", "step-functions", "create", "--only-json", "--job-queue", "q", "--image", "img",
                "--max-workers", "3", "--workflow-timeout", "900", "--dynamodb-table", "tbl");
        assertEquals(0, r.code(), r.err());
        FlowGraph g = FlowGraph.of(ForeachFlow.class);
        String expected = StepFunctionsCompiler.compile(g, DeploymentSettings.of("ForeachFlow",
                ForeachFlow.class.getName(), "q", "img", "s3://b/p", "tbl").withMaxWorkers(3)
                .withWorkflowTimeout(java.util.Optional.of(900))).definitionJson();
        assertEquals(expected, r.out());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(900, root.get("TimeoutSeconds").asInt());
    }

    @Test
    void onlyJsonWorksWithoutAnyAwsSettings() {
        Result r = baton(Map.of(), "--flow", HelloFlow.class.getName(), "step-functions", "create", "--only-json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"JobQueue\": \"JOB_QUEUE\""), r.out());
    }

    @Test
    void createWithoutTheIamRoleIsAClearUsageError() {
        Result r = baton(Map.of(), "--flow", HelloFlow.class.getName(), "--datastore", "s3", "--datastore-root",
                "s3://b/p", "step-functions", "create", "--job-queue", "q", "--image", "img");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("BATON_SFN_IAM_ROLE"), r.err());
    }

    @Test
    void triggerRejectsAnUnknownParameterNamingTheKnownOnes() {
        Result r = baton(Map.of(), "--flow", HelloFlow.class.getName(), "step-functions", "trigger", "--nope", "1");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--nope") && r.err().contains("--name"), r.err());
    }

    @Test
    void triggerChecksParametersAgainstTheirTypesBeforeCallingAws() {
        // SwitchFlow's --bound is an int: refused here, not by the run's start task on AWS
        Result r = baton(Map.of(), "--flow", SwitchFlow.class.getName(), "step-functions", "trigger", "--bound",
                "lots", "--aws-endpoint-url", "http://127.0.0.1:9");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--bound 'lots' is not a valid int"), r.err());
    }

    @Test
    void everySubcommandButTriggerTakesNameFromOneMixin() {
        picocli.CommandLine sfn = new picocli.CommandLine(new dev.baton.cli.internal.sfn.StepFunctionsCommand());
        for (String sub : List.of("create", "list-runs", "terminate", "delete")) {
            assertTrue(sfn.getSubcommands().get(sub).getCommandSpec().mixins().containsKey("nameOption"), sub);
        }
        var trigger = sfn.getSubcommands().get("trigger").getCommandSpec();
        assertTrue(trigger.findOption("--name") == null && trigger.findOption("--sfn-name") != null,
                "--name may be a flow parameter of trigger");
    }

    @Test
    void branchNeedsAProject() {
        Result r = baton(Map.of(), "--flow", HelloFlow.class.getName(), "step-functions", "list-runs", "--branch",
                "prod", "--running");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("@Project"), r.err());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        Result r = baton(Map.of(), "step-functions");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing COMMAND"), r.err());
    }
}
