package dev.baton.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.examples.BranchFlow;
import dev.baton.examples.ForeachFlow;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.examples.TrainFlow;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.flows.NestedForeachFlow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled definitions of the example flows equal the reviewed golden files in
 * {@code src/test/resources/golden}. After an intended compiler change, regenerate them with
 * {@code -Dbaton.golden.update=true}, review the diff by eye, and commit it.
 */
class GoldenAslTest {
    static List<Class<? extends FlowSpec>> flows() {
        return List.of(HelloFlow.class, BranchFlow.class, ForeachFlow.class, SwitchFlow.class, TrainFlow.class,
                NestedForeachFlow.class);
    }

    @ParameterizedTest
    @MethodSource("flows")
    void definitionEqualsGoldenFile(Class<? extends FlowSpec> flow) throws IOException {
        String json = TestSettings.compile(flow).definitionJson();
        Path golden = TestSettings.goldenDir().resolve(flow.getSimpleName() + ".json");
        if (Boolean.getBoolean("baton.golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, json, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), json,
                "compiled " + flow.getSimpleName() + " differs from " + golden + " (regenerate with -Dbaton.golden.update=true)");
    }

    /** Nested foreach as Distributed Maps: ItemReader keys, the run id handed down to child executions. */
    @Test
    void distributedMapDefinitionEqualsGoldenFile() throws IOException {
        FlowGraph g = FlowGraph.of(NestedForeachFlow.class);
        String json = StepFunctionsCompiler.compile(g, TestSettings.of(g).withDistributedMap(true)).definitionJson();
        Path golden = TestSettings.goldenDir().resolve("NestedForeachFlow-distributed.json");
        if (Boolean.getBoolean("baton.golden.update")) {
            Files.writeString(golden, json, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), json,
                "compiled " + golden + " differs (regenerate with -Dbaton.golden.update=true)");
    }
}
