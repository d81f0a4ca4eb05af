package dev.baton.flow.graph;

import dev.baton.flow.internal.GraphRenderer;

/** The ways {@code baton graph} can print a {@link FlowGraph}. */
public enum GraphFormat {
    /** A readable listing: each step with its transition, decorators and enclosing splits. */
    TEXT,
    /** A Mermaid {@code flowchart TD}, for Markdown renderers and mermaid.live. */
    MERMAID,
    /** A Graphviz {@code digraph}, for {@code dot -Tsvg}. */
    DOT;

    /** Renders {@code graph} in this format; the text ends with a newline. */
    public String render(FlowGraph graph) {
        return GraphRenderer.render(this, graph);
    }
}
