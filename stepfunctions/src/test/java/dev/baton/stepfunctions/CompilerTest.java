package dev.baton.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.examples.TrainFlow;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Step;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.asl.AslJson;
import dev.baton.stepfunctions.flows.NestedForeachFlow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the compiler emits, beyond the golden files: limits, options and refusals. */
class CompilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A flow with a gang step. */
    public static class GangFlow extends FlowSpec {
        @Step(next = "worker", numParallel = 4)
        public void start() {}

        @Step(next = "gather")
        public void worker() {}

        @Step(next = "end")
        public void gather(dev.baton.flow.Inputs<GangFlow> in) {}

        @Step
        public void end() {}
    }

    @Test
    void numParallelIsAClearCompileErrorNamingTheStep() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> TestSettings.compile(GangFlow.class));
        assertTrue(e.getMessage().contains("step 'start' has numParallel = 4"), e.getMessage());
    }

    @Test
    void twoHundredStepFlowStaysUnderTheDefinitionLimitAndEveryOverrideUnder2KiB() throws Exception {
        FlowGraph g = SyntheticGraphs.wide(200);
        CompiledFlow c = StepFunctionsCompiler.compile(g, TestSettings.of(g));
        assertTrue(c.definitionBytes() < StepFunctionsCompiler.MAX_DEFINITION_BYTES, "bytes " + c.definitionBytes());
        List<JsonNode> tasks = batchTasks(JSON.readTree(c.definitionJson()));
        assertEquals(200, tasks.size());
        for (JsonNode task : tasks) {
            int worst = worstCaseOverrideBytes(task.get("Parameters").get("ContainerOverrides"));
            assertTrue(worst < StepFunctionsCompiler.MAX_CONTAINER_OVERRIDE_BYTES,
                    task.get("Parameters").get("JobName") + ": " + worst + " bytes");
        }
    }

    @Test
    void aJoinOfTooManyLongNamedBranchesIsACompileErrorNotAnAwsFailure() {
        FlowGraph g = SyntheticGraphs.wide(60, 30);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> StepFunctionsCompiler.compile(g, TestSettings.of(g)));
        assertTrue(e.getMessage().startsWith("step 'join0_") && e.getMessage().contains("2048"), e.getMessage());
    }

    @Test
    void compiledOutputIsDeterministic() {
        FlowGraph g = SyntheticGraphs.wide(50);
        assertEquals(StepFunctionsCompiler.compile(g, TestSettings.of(g)).definitionJson(),
                StepFunctionsCompiler.compile(g, TestSettings.of(g)).definitionJson());
    }

    @Test
    void decoratorsBecomeBatchRetryTimeoutResourcesAndJobDefinitions() throws Exception {
        CompiledFlow train = TestSettings.compile(TrainFlow.class);
        JsonNode t = task(JSON.readTree(train.definitionJson()), "train");
        JsonNode p = t.get("Parameters");
        assertEquals(2 + 1 + 2, p.get("RetryStrategy").get("Attempts").asInt(), "@Retry(times = 2) + 1 + transient");
        assertEquals("2", p.get("ContainerOverrides").get("ResourceRequirements").get(0).get("Value").asText());
        assertEquals("2048", p.get("ContainerOverrides").get("ResourceRequirements").get(1).get("Value").asText());
        assertEquals("Batch.AWSBatchException", t.get("Retry").get(0).get("ErrorEquals").get(0).asText());
        assertEquals("FULL", t.get("Retry").get(0).get("JitterStrategy").asText());

        CompiledFlow nested = TestSettings.compile(NestedForeachFlow.class);
        JsonNode inner = task(JSON.readTree(nested.definitionJson()), "inner");
        assertEquals(360, inner.get("Parameters").get("Timeout").get("AttemptDurationSeconds").asInt());
        assertEquals("NestedForeachFlow-inner", nested.stepJobDefinitions().get("inner"));
        JobDefinitionSpec def = nested.jobDefinitions().stream()
                .filter(j -> j.name().equals("NestedForeachFlow-inner")).findFirst().orElseThrow();
        assertEquals("hi", def.environment().get("GREETING"));
        assertEquals("s3", def.environment().get("BATON_DATASTORE"));
        assertEquals("dynamodb", def.environment().get("BATON_FOREACH_COORDINATOR"));
        assertEquals(2, nested.jobDefinitions().size());
    }

    @Test
    void optionsBecomeMaxConcurrencyTimeoutAndDistributedMap() throws Exception {
        FlowGraph g = FlowGraph.of(NestedForeachFlow.class);
        CompiledFlow c = StepFunctionsCompiler.compile(g, TestSettings.of(g).withMaxWorkers(7)
                .withWorkflowTimeout(Optional.of(600)).withDistributedMap(true));
        JsonNode root = JSON.readTree(c.definitionJson());
        assertEquals(600, root.get("TimeoutSeconds").asInt());
        JsonNode map = root.get("States").get("start.foreach");
        assertEquals(7, map.get("MaxConcurrency").asInt());
        assertEquals("DISTRIBUTED", map.get("ItemProcessor").get("ProcessorConfig").get("Mode").asText());
        assertEquals("baton-bucket", map.get("ResultWriter").get("Parameters").get("Bucket").asText());
        assertEquals("flows/NestedForeachFlow/_sfn_map_results/start",
                map.get("ResultWriter").get("Parameters").get("Prefix").asText());
        assertTrue(map.get("ResultPath").isNull(), "Map results are discarded");

        JsonNode inline = JSON.readTree(TestSettings.compile(NestedForeachFlow.class).definitionJson())
                .get("States").get("start.foreach");
        assertEquals("INLINE", inline.get("ItemProcessor").get("ProcessorConfig").get("Mode").asText());
        assertFalse(inline.has("ResultWriter"));
    }

    @Test
    void registeredJobDefinitionArnsAreUsedWhenGiven() throws Exception {
        FlowGraph g = FlowGraph.of(TrainFlow.class);
        String arn = "arn:aws:batch:us-east-1:123456789012:job-definition/TrainFlow:7";
        CompiledFlow c = StepFunctionsCompiler.compile(g, TestSettings.of(g), Map.of("TrainFlow", arn));
        assertEquals(arn, task(JSON.readTree(c.definitionJson()), "start").get("Parameters").get("JobDefinition").asText());
    }

    @Test
    void settingsAreCheckedNamingTheOption() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> DeploymentSettings.of("F", "c.F",
                "q", "i", "/tmp/local", "t"));
        assertTrue(e.getMessage().contains("--datastore-root"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> DeploymentSettings.of("bad name", "c.F", "q", "i",
                "s3://b/p", "t"));
        assertTrue(e.getMessage().contains("--name"), e.getMessage());
    }

    @Test
    void prettyJsonIsStable() {
        String json = TestSettings.compile(dev.baton.examples.HelloFlow.class).definitionJson();
        assertTrue(json.endsWith("}\n"));
        assertFalse(json.contains("\r"));
        assertTrue(json.startsWith("{\n  \"Comment\": "), json.substring(0, 40));
        assertEquals(json, AslJson.write(TestSettings.compile(dev.baton.examples.HelloFlow.class).stateMachine()));
    }

    /** The override's size at run time, with each dynamic value at its longest (run id 80, job ids 36). */
    static int worstCaseOverrideBytes(JsonNode overrides) {
        int bytes = 0;
        assertFalse(overrides.has("Command"), "the command lives in the job definition");
        for (JsonNode e : overrides.get("Environment")) {
            bytes += e.get("Name").asText().length();
            if (e.has("Value")) {
                bytes += e.get("Value").asText().getBytes(StandardCharsets.UTF_8).length;
            } else {
                String expr = e.get("Value.$").asText();
                // every {} of a Format is a step name (at most 60 here) or a Batch job id (36): bound each by 60;
                // a plain path is the run id (execution names: at most 80)
                long holes = expr.chars().filter(ch -> ch == '{').count();
                bytes += holes == 0 ? 80 : (int) holes * (60 + 1);
            }
        }
        return bytes;
    }

    static List<JsonNode> batchTasks(JsonNode root) {
        List<JsonNode> out = new ArrayList<>();
        collect(root.get("States"), out);
        return out;
    }

    private static void collect(JsonNode states, List<JsonNode> out) {
        states.fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            if (s.get("Type").asText().equals("Task") && s.get("Resource").asText().contains("batch:")) {
                out.add(s);
            } else if (s.get("Type").asText().equals("Map")) {
                collect(s.get("ItemProcessor").get("States"), out);
            } else if (s.get("Type").asText().equals("Parallel")) {
                s.get("Branches").forEach(b -> collect(b.get("States"), out));
            }
        });
    }

    static JsonNode task(JsonNode root, String step) {
        return batchTasks(root).stream().filter(t -> t.get("Parameters").get("JobName").asText().equals(step))
                .findFirst().orElseThrow();
    }
}
