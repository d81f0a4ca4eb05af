package dev.baton.flow.internal;

import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.InvalidFlowException;
import dev.baton.flow.graph.StepNode;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link FlowGraph} from a flow class's annotations by reflection and validates it, reporting every
 * problem at once. Two passes: {@link FlowIntrospector} reads and checks each step and field on its own,
 * {@link GraphAnalyzer} checks the graph as a whole (reachability, loops, split/join nesting).
 */
public final class GraphBuilder {
    private GraphBuilder() {}

    /**
     * Builds and validates the graph of {@code flowClass}.
     *
     * @throws InvalidFlowException listing every problem found, each naming its step
     * @throws ConfigurationException when a class that the flow refers to cannot be loaded
     */
    public static FlowGraph build(Class<? extends FlowSpec> flowClass) {
        Objects.requireNonNull(flowClass, "flowClass");
        ErrorSink errors = new ErrorSink();
        FlowIntrospector.Introspection found;
        try {
            found = FlowIntrospector.inspect(flowClass, errors);
        } catch (NoClassDefFoundError | TypeNotPresentException e) {
            // reflection resolves the types in the flow's signatures and annotations
            throw new ConfigurationException("flow class " + flowClass.getName() + " cannot be read: a class it"
                    + " refers to is not on the class path (" + e.getMessage() + "); add it to --classpath", e);
        }
        Map<String, StepNode> nodes = GraphAnalyzer.analyze(found.flowName(), found.steps(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidFlowException(found.flowName(), errors.toList());
        }
        return new FlowGraph(found.flowName(), flowClass, nodes, found.parameters(),
                new ArrayList<>(found.artifactFields().keySet()), found.schedule(), found.timezone(), found.project());
    }
}
