package dev.baton.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every compiled machine (examples, test flows, options, a gang, a 200-step flow) passes asl-validator 4.0.0. */
class AslValidatorTest {
    @TempDir
    Path dir;

    @Test
    void everyCompiledMachineIsValidAsl() throws Exception {
        List<String> files = new ArrayList<>();
        for (Class<? extends FlowSpec> flow : GoldenAslTest.flows()) {
            FlowGraph g = FlowGraph.of(flow);
            files.add(write(flow.getSimpleName(), StepFunctionsCompiler.compile(g, TestSettings.of(g))));
            files.add(write(flow.getSimpleName() + "-distributed", StepFunctionsCompiler.compile(g,
                    TestSettings.of(g).withDistributedMap(true).withMaxWorkers(0)
                            .withWorkflowTimeout(java.util.Optional.of(3600)))));
        }
        FlowGraph gang = FlowGraph.of(CompilerTest.GangFlow.class);
        files.add(write("Gang", StepFunctionsCompiler.compile(gang, TestSettings.of(gang))));
        FlowGraph big = SyntheticGraphs.wide(200);
        files.add(write("Wide200", StepFunctionsCompiler.compile(big, TestSettings.of(big))));
        Node.Result r = Node.run("validate.cjs", files);
        assertEquals(0, r.exitCode(), r.stdout());
        assertEquals(files.size(), r.stdout().lines().filter(l -> l.startsWith("valid: ")).count(), r.stdout());
    }

    @Test
    void theValidatorRejectsABrokenMachine() throws Exception {
        // proves the check can fail: a Next to a state that does not exist
        String json = TestSettings.compile(dev.baton.examples.HelloFlow.class).definitionJson()
                .replace("\"Next\": \"hello\"", "\"Next\": \"nowhere\"");
        Path f = dir.resolve("broken.json");
        Files.writeString(f, json);
        Node.Result r = Node.run("validate.cjs", List.of(f.toString()));
        assertEquals(1, r.exitCode(), r.stdout());
        assertTrue(r.stdout().startsWith("INVALID"), r.stdout());
    }

    private String write(String name, CompiledFlow compiled) throws Exception {
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, compiled.definitionJson());
        return f.toString();
    }
}
