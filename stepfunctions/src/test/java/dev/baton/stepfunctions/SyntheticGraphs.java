package dev.baton.stepfunctions;

import dev.baton.examples.HelloFlow;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Flow graphs too big to write as classes, built directly as the (validated-shape) graph records. */
final class SyntheticGraphs {
    private SyntheticGraphs() {}

    /** A long step name (60 characters) so that sizes are near their worst. */
    static String name(String prefix, int i) {
        String base = prefix + i + "_";
        return base + "x".repeat(60 - base.length());
    }

    /**
     * {@code steps} steps in all: start branches 10 ways into long-named steps, their join, then a linear chain of
     * long-named steps with retries, timeouts and resources, then end.
     */
    static FlowGraph wide(int steps) {
        return wide(steps, 10);
    }

    /** As {@link #wide(int)} with {@code branches} static branches. */
    static FlowGraph wide(int steps, int branches) {
        Map<String, StepNode> nodes = new LinkedHashMap<>();
        List<String> branchSteps = new ArrayList<>();
        for (int i = 0; i < branches; i++) {
            branchSteps.add(name("branch", i));
        }
        String join = name("join", 0);
        nodes.put("start", new StepNode("start", new Transition.Branch(branchSteps), false, StepDecorators.none(),
                List.of(), List.of(), Optional.of(join), Optional.empty(), 0));
        for (String b : branchSteps) {
            nodes.put(b, new StepNode(b, new Transition.Linear(join), false, StepDecorators.none(), List.of("start"),
                    List.of("start"), Optional.empty(), Optional.empty(), 0));
        }
        int chain = steps - branches - 3;
        String prev = join;
        List<String> chainSteps = new ArrayList<>();
        for (int i = 0; i < chain; i++) {
            chainSteps.add(name("step", i));
        }
        nodes.put(join, new StepNode(join, new Transition.Linear(chain > 0 ? chainSteps.get(0) : "end"), true,
                StepDecorators.none(), branchSteps, List.of(), Optional.empty(), Optional.of("start"), 0));
        for (int i = 0; i < chain; i++) {
            String next = i + 1 < chain ? chainSteps.get(i + 1) : "end";
            StepDecorators d = new StepDecorators(Optional.of(new StepDecorators.RetryPolicy(i % 4, 0)),
                    Optional.of(java.time.Duration.ofMinutes(10 + i)), Optional.empty(),
                    new StepDecorators.ResourceSpec(1 + i % 8, 1024 * (1 + i % 16), i % 2), Optional.empty(), Map.of());
            nodes.put(chainSteps.get(i), new StepNode(chainSteps.get(i), new Transition.Linear(next), false, d,
                    List.of(prev), List.of(), Optional.empty(), Optional.empty(), 0));
            prev = chainSteps.get(i);
        }
        nodes.put("end", new StepNode("end", new Transition.End(), false, StepDecorators.none(), List.of(prev),
                List.of(), Optional.empty(), Optional.empty(), 0));
        return new FlowGraph("Wide" + steps, HelloFlow.class, nodes, List.of(), List.of(), Optional.empty(), "UTC",
                Optional.empty());
    }
}
