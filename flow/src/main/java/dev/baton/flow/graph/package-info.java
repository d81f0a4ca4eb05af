/**
 * The static graph of a flow: {@link dev.baton.flow.graph.FlowGraph#of(Class)} reads a flow class's annotations
 * (without running its steps) and either returns an immutable, validated {@link dev.baton.flow.graph.FlowGraph} or
 * throws {@link dev.baton.flow.graph.InvalidFlowException} listing every problem, each naming its step.
 *
 * <h2>What a valid graph is</h2>
 * <ul>
 *   <li>There is one {@code start} (no incoming transitions, not a join) and one {@code end} (no outgoing ones);
 *       every step is reachable from {@code start}.</li>
 *   <li>A branch ({@code next = {"a", "b"}}), a foreach and a gang ({@code numParallel}) are <em>splits</em>:
 *       each is closed by exactly one join (a step taking one {@code Inputs} parameter), which every one of its
 *       branches reaches, and splits nest: a join closes the innermost open split. Different branches of a split
 *       meet only at its join. A split never goes straight to its join, and a gang's step goes straight to it.</li>
 *   <li>A switch ({@code condition} + {@code cases}) is not a split: exactly one case runs, and cases may meet
 *       again at an ordinary step. A case may point back to an earlier step (or to the switch itself): that is
 *       the only way to make a loop, a loop must have a way out, and it must stay inside the splits it started
 *       in.</li>
 * </ul>
 * {@link dev.baton.flow.graph.StepNode} records for each step the splits that enclose it
 * ({@code splitParents}), the join that closes a split ({@code matchingJoin}), the split that a join closes
 * ({@code closesSplit}) and its foreach depth. {@link dev.baton.flow.graph.GraphFormat} renders a graph as text,
 * Mermaid or Graphviz DOT.
 */
package dev.baton.flow.graph;
