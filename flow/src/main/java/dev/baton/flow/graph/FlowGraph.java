package dev.baton.flow.graph;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.internal.GraphBuilder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The static, validated graph of a flow class, built from its annotations by reflection without running user
 * code (except the no-argument constructor, for parameter defaults). Immutable.
 *
 * @param name the flow name (the class's simple name)
 * @param flowClass the flow class
 * @param steps every step by name, {@code start} first, then in a stable topological (declaration) order
 * @param parameters the run parameters
 * @param artifactFields the names of the artifact fields (non-static, non-transient, parameters included)
 * @param schedule {@code @Schedule} cron, if any
 * @param timezone {@code @Schedule} time zone (UTC when none)
 * @param project {@code @Project} name, if any
 */
public record FlowGraph(
        String name,
        Class<? extends FlowSpec> flowClass,
        Map<String, StepNode> steps,
        List<ParameterSpec> parameters,
        List<String> artifactFields,
        Optional<String> schedule,
        String timezone,
        Optional<String> project) {

    public FlowGraph {
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        parameters = List.copyOf(parameters);
        artifactFields = List.copyOf(artifactFields);
    }

    /**
     * Builds and validates the graph of {@code flowClass}.
     *
     * @throws InvalidFlowException listing every problem, each naming its step
     */
    public static FlowGraph of(Class<? extends FlowSpec> flowClass) {
        return GraphBuilder.build(flowClass);
    }

    /** The step named {@code name}. */
    public StepNode step(String name) {
        StepNode node = steps.get(name);
        if (node == null) {
            throw new IllegalArgumentException("flow " + this.name + " has no step '" + name + "'; its steps are "
                    + steps.keySet());
        }
        return node;
    }

    public StepNode start() {
        return step("start");
    }
}
