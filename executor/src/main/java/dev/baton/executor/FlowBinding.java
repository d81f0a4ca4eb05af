package dev.baton.executor;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.datastore.FlowDatastore;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import java.util.Objects;

/**
 * What running tasks of one flow needs: the flow class (loaded through the enhancing class loader, so artifact
 * fields load lazily), its validated graph, its datastore and the foreach coordinator. The caller owns (and
 * closes) the datastore and the coordinator.
 *
 * @param flowClass the flow class
 * @param graph its graph ({@code FlowGraph.of(flowClass)})
 * @param datastore the flow's datastore, opened with the flow's class loader
 * @param coordinator the foreach coordinator for the same datastore
 */
public record FlowBinding(Class<? extends FlowSpec> flowClass, FlowGraph graph, FlowDatastore datastore,
        ForeachCoordinator coordinator) {
    public FlowBinding {
        Objects.requireNonNull(flowClass, "flowClass");
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(datastore, "datastore");
        Objects.requireNonNull(coordinator, "coordinator");
    }
}
