package dev.baton.cli.internal;

import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.GraphFormat;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton graph [--format text|mermaid|dot]}: prints the flow's validated graph. */
@Command(name = "graph", description = "Print the flow's graph (validated: an invalid flow exits with 4).")
public final class GraphCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "text|mermaid|dot", defaultValue = "text",
            description = "text (a listing), mermaid (flowchart) or dot (Graphviz); default: ${DEFAULT-VALUE}.")
    GraphFormat format;

    @Override
    public Integer call() {
        FlowGraph graph = FlowGraph.of(GlobalOptions.of(spec).flowClass());
        PrintWriter out = spec.commandLine().getOut();
        out.print(format.render(graph));
        out.flush();
        return 0;
    }
}
