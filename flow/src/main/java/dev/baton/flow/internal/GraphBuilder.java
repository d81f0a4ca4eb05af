package dev.baton.flow.internal;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;

/** Builds a {@link FlowGraph} from a flow class's annotations and validates it. */
public final class GraphBuilder {
    private GraphBuilder() {}

    public static FlowGraph build(Class<? extends FlowSpec> flowClass) {
        throw new UnsupportedOperationException("TODO: graph builder");
    }
}
