package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.ParameterSpec;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every example flow has a valid graph of the documented shape. */
class ExampleGraphsTest {

    @Test
    void helloFlow() {
        FlowGraph g = FlowGraph.of(HelloFlow.class);
        assertEquals(List.of("start", "hello", "end"), List.copyOf(g.steps().keySet()));
        assertEquals(List.of("name", "greeting"), g.artifactFields());
        assertEquals(List.of(new ParameterSpec("name", "name", String.class, "who to greet", false, "world")),
                g.parameters());
    }

    @Test
    void foreachFlow() {
        FlowGraph g = FlowGraph.of(ForeachFlow.class);
        assertEquals(new Transition.Foreach("square", "numbers"), g.start().transition());
        assertEquals(Optional.of("join"), g.start().matchingJoin());
        assertEquals(1, g.step("square").foreachDepth());
        assertEquals(Optional.of("start"), g.step("join").closesSplit());
    }

    @Test
    void branchFlow() {
        FlowGraph g = FlowGraph.of(BranchFlow.class);
        assertEquals(new Transition.Branch(List.of("twice", "squareIt")), g.start().transition());
        assertEquals(List.of("twice", "squareIt"), g.step("join").inputs());
        assertEquals(7, g.parameters().get(0).defaultValue());
    }

    @Test
    void switchFlow() {
        FlowGraph g = FlowGraph.of(SwitchFlow.class);
        assertEquals(List.of("start", "work", "check", "end"), List.copyOf(g.steps().keySet()));
        assertEquals(new Transition.Switch("state", Map.of("again", "work", "done", "end")),
                g.step("check").transition());
        assertEquals(List.of("start", "check"), g.step("work").inputs());
    }

    @Test
    void trainFlow() {
        FlowGraph g = FlowGraph.of(TrainFlow.class);
        StepNode train = g.step("train");
        assertEquals(3, train.decorators().maxAttempts());
        assertEquals(2, train.decorators().resources().cpu());
        assertEquals(List.of("start"), train.splitParents());
        assertEquals(Optional.of("pick"), g.start().matchingJoin());
        assertTrue(g.step("pick").join());
    }

    @Test
    void trainingIsDeterministicAndPrefersTheLargestStableRate() {
        assertEquals(9 * Math.pow(0.4, 10), TrainFlow.fit(0.3, 5), 1e-12);
        assertEquals(9 * Math.pow(0.8, 10), TrainFlow.fit(0.1, 5), 1e-12);
        assertTrue(TrainFlow.fit(0.3, 5) < TrainFlow.fit(0.1, 5) && TrainFlow.fit(0.1, 5) < TrainFlow.fit(0.01, 5));
    }
}
