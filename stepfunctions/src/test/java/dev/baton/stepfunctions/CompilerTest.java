package dev.baton.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.examples.BranchFlow;
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

    /** A gang wider than Batch's node limit. */
    public static class WideGangFlow extends FlowSpec {
        @Step(next = "worker", numParallel = 1001)
        public void start() {}

        @Step(next = "gather")
        public void worker() {}

        @Step(next = "end")
        public void gather(dev.baton.flow.Inputs<WideGangFlow> in) {}

        @Step
        public void end() {}
    }

    @Test
    void aGangIsOneMultiNodeParallelJobWhoseJoinNamesTheSplit() throws Exception {
        FlowGraph g = FlowGraph.of(GangFlow.class);
        CompiledFlow c = StepFunctionsCompiler.compile(g, TestSettings.of(g));
        JsonNode states = JSON.readTree(c.definitionJson()).get("States");
        assertEquals("start.gang", states.get("start").get("Next").asText());
        JsonNode gang = states.get("start.gang");
        assertFalse(states.has("worker"), "the member runs inside the gang's job, not as a state of its own");
        JsonNode params = gang.get("Parameters");
        assertEquals("GangFlow-worker-gang", params.get("JobDefinition").asText());
        assertEquals(4, params.get("NodeOverrides").get("NumNodes").asInt());
        JsonNode node = params.get("NodeOverrides").get("NodePropertyOverrides").get(0);
        assertEquals("0:", node.get("TargetNodes").asText());
        String env = node.get("ContainerOverrides").get("Environment").toString();
        assertTrue(env.contains("{\"Name\":\"BATON_STEP\",\"Value\":\"worker\"}"), env);
        assertTrue(env.contains("{\"Name\":\"BATON_GANG\",\"Value\":\"1\"}"), env);
        assertFalse(env.contains("BATON_SPLIT_INDEX"), "the index is the node index, known in the container");
        assertFalse(params.has("ContainerOverrides"));
        // $.last stays the split: the join names it, as after a foreach
        assertTrue(gang.get("ResultPath").isNull());
        assertEquals("gather", gang.get("Next").asText());
        String joinEnv = states.get("gather").get("Parameters").get("ContainerOverrides").get("Environment").toString();
        assertTrue(joinEnv.contains("{\"Name\":\"BATON_JOIN_SPLIT\",\"Value\":\"1\"}"), joinEnv);
        assertTrue(gang.has("Catch"));

        JobDefinitionSpec def = c.jobDefinitions().stream().filter(JobDefinitionSpec::multiNode).findFirst()
                .orElseThrow();
        assertEquals("GangFlow-worker-gang", def.name());
        assertEquals(4, def.numNodes());
        assertEquals("GangFlow-worker-gang", c.stepJobDefinitions().get("worker"));
        assertEquals(1, c.jobDefinitions().stream().filter(JobDefinitionSpec::multiNode).count());
    }

    @Test
    void aGangWiderThanBatchAllowsIsAClearCompileErrorNamingTheStep() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> TestSettings.compile(WideGangFlow.class));
        assertTrue(e.getMessage().contains("step 'start' has numParallel = 1001: a Batch multi-node parallel job has"
                + " at most 1000 nodes"), e.getMessage());
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
        assertEquals("States.Format('flows/NestedForeachFlow/{}/{}/{}/_map_results', $$.Execution.Name,"
                + " $.last.step, $.last.taskId)", map.get("ResultWriter").get("Parameters").get("Prefix.$").asText());
        assertTrue(map.get("ResultPath").isNull(), "Map results are discarded");
        // the items come from the object the split task writes, not from DynamoDB through the state data
        assertFalse(map.has("ItemsPath"));
        assertFalse(root.get("States").has("start.split"), "no getItem of the items");
        assertEquals("start.foreach", root.get("States").get("start").get("Next").asText());
        JsonNode reader = map.get("ItemReader");
        assertEquals("arn:aws:states:::s3:getObject", reader.get("Resource").asText());
        assertEquals("JSON", reader.get("ReaderConfig").get("InputType").asText());
        assertEquals("baton-bucket", reader.get("Parameters").get("Bucket").asText());
        assertEquals("States.Format('flows/NestedForeachFlow/{}/{}/{}/_foreach_items.json', $$.Execution.Name,"
                + " $.last.step, $.last.taskId)", reader.get("Parameters").get("Key.$").asText());
        assertEquals("$$.Map.Item.Value", map.get("ItemSelector").get("splitIndex.$").asText());
        // a child execution has a name of its own: the run id travels in the data
        assertEquals("$$.Execution.Name", map.get("ItemSelector").get("runId.$").asText());
        JsonNode outer = map.get("ItemProcessor").get("States").get("outer");
        assertTrue(env(outer).contains("{\"Name\":\"BATON_RUN_ID\",\"Value.$\":\"$.runId\"}"), env(outer));
        assertTrue(env(outer).contains("{\"Name\":\"BATON_FOREACH_ITEMS\",\"Value\":\"1\"}"), env(outer));
        assertTrue(env(root.get("States").get("start")).contains("BATON_FOREACH_ITEMS"));
        JsonNode innerMap = map.get("ItemProcessor").get("States").get("outer.foreach");
        assertEquals("$.runId", innerMap.get("ItemSelector").get("runId.$").asText());
        assertTrue(innerMap.get("ItemReader").get("Parameters").get("Key.$").asText().contains(", $.runId,"));
        JsonNode inner = innerMap.get("ItemProcessor").get("States").get("inner");
        assertFalse(env(inner).contains("BATON_FOREACH_ITEMS"), "only splits write items");
        assertTrue(env(inner).contains("\"Value.$\":\"$.runId\""), env(inner));

        JsonNode inline = JSON.readTree(TestSettings.compile(NestedForeachFlow.class).definitionJson())
                .get("States").get("start.foreach");
        assertEquals("INLINE", inline.get("ItemProcessor").get("ProcessorConfig").get("Mode").asText());
        assertFalse(inline.has("ResultWriter"));
        assertFalse(inline.has("ItemReader"));
        assertEquals("$.split.indices", inline.get("ItemsPath").asText());
        assertFalse(inline.get("ItemSelector").has("runId.$"), "an inline Map runs in the execution itself");
    }

    private static String env(JsonNode task) {
        return task.get("Parameters").get("ContainerOverrides").get("Environment").toString();
    }

    @Test
    void everyTopLevelStateCatchesIntoTheRunFailedPath() throws Exception {
        FlowGraph g = FlowGraph.of(BranchFlow.class);
        JsonNode states = JSON.readTree(StepFunctionsCompiler.compile(g, TestSettings.of(g)).definitionJson())
                .get("States");
        int caught = 0;
        for (var it = states.fields(); it.hasNext(); ) {
            var e = it.next();
            String type = e.getValue().get("Type").asText();
            if (e.getKey().startsWith("run.failed")) {
                continue;
            }
            if (type.equals("Task") || type.equals("Parallel") || type.equals("Map")) {
                JsonNode c = e.getValue().get("Catch");
                assertEquals("[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.error\",\"Next\":"
                        + "\"run.failed.read\"}]", String.valueOf(c), e.getKey());
                caught++;
            }
        }
        assertTrue(caught >= 3, "start, the Parallel, the join, end: " + caught);
        // inside a branch nothing catches: the Parallel fails and its Catch takes over
        JsonNode branch = states.get("start.branch").get("Branches").get(0).get("States");
        branch.forEach(s -> assertFalse(s.has("Catch"), s.toString()));
        JsonNode read = states.get("run.failed.read");
        assertEquals("arn:aws:states:::aws-sdk:s3:getObject", read.get("Resource").asText());
        assertEquals("States.Format('flows/BranchFlow/{}/_run.json', $$.Execution.Name)",
                read.get("Parameters").get("Key.$").asText());
        JsonNode write = states.get("run.failed.write");
        assertEquals("arn:aws:states:::aws-sdk:s3:putObject", write.get("Resource").asText());
        assertEquals("FAILED", states.get("run.failed.patch").get("Parameters").get("status").asText());
        JsonNode fail = states.get("run.failed");
        assertEquals("Fail", fail.get("Type").asText());
        assertEquals("$.error.Error", fail.get("ErrorPath").asText());
        assertEquals("$.error.Cause", fail.get("CausePath").asText());
    }

    @Test
    void formatLiteralsEscapeWhatStatesFormatReserves() {
        assertEquals("a\\'b\\{\\}c\\\\d", dev.baton.stepfunctions.internal.Compiler.formatLiteral("a'b{}c\\d"));
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
