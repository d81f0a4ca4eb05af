package dev.baton.cli.sfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.cli.Main;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.examples.ForeachFlow;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.DeploymentSettings;
import dev.baton.stepfunctions.StepFunctionsCompiler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void gangWaitSucceedsWhenEveryMemberDidAndFailsNamingTheOneThatDidNot(@TempDir Path root) {
        DatastoreConfig config = new DatastoreConfig("local", root.toString(), Map.of());
        Instant t = Instant.parse("2026-11-22T10:00:00Z");
        try (FlowDatastore ds = Datastores.open(config, "GangFlow", getClass().getClassLoader())) {
            for (int i = 0; i < 3; i++) {
                // the job's attempt 0: member 2 fails; attempt 1 (the whole gang again): all succeed
                TaskPath member = new TaskPath("sfn-g", "member", "job1-" + i);
                DoneRecord.Outcome outcome = i == 2 ? DoneRecord.Outcome.FAILED : DoneRecord.Outcome.SUCCEEDED;
                ds.writeDone(member, 0, new DoneRecord(0, outcome, t, t, List.of("join"), null, null,
                        outcome == DoneRecord.Outcome.FAILED
                                ? new DoneRecord.ErrorRecord("java.lang.IllegalStateException", "diverged", "") : null,
                        null));
                ds.writeDone(member, 1, new DoneRecord(1, DoneRecord.Outcome.SUCCEEDED, t, t, List.of("join"), null,
                        null, null, null));
            }
        }
        String[] wait = {"--flow", GangFlow.class.getName(), "--datastore-root", root.toString(), "step-functions",
                "gang-wait", "--run-id", "sfn-g", "--step", "member", "--job", "job1", "--nodes", "3", "--attempt"};
        Result failed = baton(Map.of(), concat(wait, "0"));
        assertEquals(1, failed.code(), failed.out() + failed.err());
        assertTrue(failed.err().contains("gang member 2 of step 'member'") && failed.err().contains("diverged"),
                failed.err());
        Result succeeded = baton(Map.of(), concat(wait, "1"));
        assertEquals(0, succeeded.code(), succeeded.out() + succeeded.err());
        assertTrue(succeeded.out().contains("all 3 members succeeded"), succeeded.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
