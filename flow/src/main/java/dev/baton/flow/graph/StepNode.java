package dev.baton.flow.graph;

import java.util.List;
import java.util.Optional;

/**
 * One step of a validated {@link FlowGraph}.
 *
 * @param name the step (method) name
 * @param transition how the step leaves
 * @param join true when the step takes an {@code Inputs} parameter
 * @param decorators its decorators
 * @param inputs the steps that transition into this one, in declaration order
 * @param splitParents the enclosing splits (branch, foreach or gang steps whose join has not been reached yet
 *     when this step runs), outermost first; switches are not splits
 * @param matchingJoin for a branch, foreach or gang split: the join that closes it
 * @param closesSplit for a join: the split it closes
 * @param foreachDepth how many foreach splits enclose this step
 */
public record StepNode(
        String name,
        Transition transition,
        boolean join,
        StepDecorators decorators,
        List<String> inputs,
        List<String> splitParents,
        Optional<String> matchingJoin,
        Optional<String> closesSplit,
        int foreachDepth) {

    public StepNode {
        inputs = List.copyOf(inputs);
        splitParents = List.copyOf(splitParents);
    }

    /** True for steps that fan out into tasks that a later join collects (branch, foreach, gang). */
    public boolean isSplit() {
        return transition instanceof Transition.Branch
                || transition instanceof Transition.Foreach
                || transition instanceof Transition.Parallel;
    }
}
