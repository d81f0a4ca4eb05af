package dev.baton.flow.graph;

/**
 * One problem in a flow's graph.
 *
 * @param step the step at fault (or {@code null} for a flow-wide problem such as a missing {@code start})
 * @param message what is wrong and how to fix it
 */
public record GraphError(String step, String message) {
    @Override
    public String toString() {
        return step == null ? message : "step '" + step + "': " + message;
    }
}
