package dev.baton.cli.internal.run;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The foreach coordinator of a task whose step never uses it, opened only if it is used after all.
 *
 * <p>Why: every Step Functions task runs with the DynamoDB coordinator, and opening it builds a DynamoDB client (SDK
 * set-up, endpoint rules, an HTTP client of its own): a sizeable share of a container task's start-up CPU. Only
 * splits (foreach, gang), switches, joins and the steps that arrive at a foreach or gang join use it
 * ({@link #usedBy}); the other steps of a flow, often most of them, never do.
 */
final class LazyCoordinator implements ForeachCoordinator {
    private final Supplier<ForeachCoordinator> opener;
    private ForeachCoordinator opened;

    LazyCoordinator(Supplier<ForeachCoordinator> opener) {
        this.opener = opener;
    }

    /**
     * Whether a task of {@code step} uses the coordinator (what the executor's TaskRun and CoordinatorRecords call):
     * a foreach or gang split records its cardinality, a switch its choice, a join lists its inputs, and a step
     * whose next step is a foreach or gang join registers its arrival. Unknown steps count as users: the executor
     * reports them, with the coordinator opened as it always was.
     */
    static boolean usedBy(FlowGraph graph, String step) {
        StepNode node = graph.steps().get(step);
        if (node == null || node.join()) {
            return true;
        }
        Transition t = node.transition();
        if (t instanceof Transition.Foreach || t instanceof Transition.Parallel || t instanceof Transition.Switch) {
            return true;
        }
        for (String target : t.targets()) {
            StepNode next = graph.steps().get(target);
            if (next == null || next.join()) {
                return true;
            }
        }
        return false;
    }

    private synchronized ForeachCoordinator coordinator() {
        if (opened == null) {
            opened = opener.get();
        }
        return opened;
    }

    @Override
    public void recordSplit(String splitPathspec, int cardinality) {
        coordinator().recordSplit(splitPathspec, cardinality);
    }

    @Override
    public OptionalInt cardinality(String splitPathspec) {
        return coordinator().cardinality(splitPathspec);
    }

    @Override
    public void registerBranch(String splitPathspec, int index, String taskPathspec) {
        coordinator().registerBranch(splitPathspec, index, taskPathspec);
    }

    @Override
    public List<String> joinInputs(String splitPathspec) {
        return coordinator().joinInputs(splitPathspec);
    }

    @Override
    public void recordSwitch(String switchPathspec, String chosenStep) {
        coordinator().recordSwitch(switchPathspec, chosenStep);
    }

    @Override
    public Optional<String> switchChoice(String switchPathspec) {
        return coordinator().switchChoice(switchPathspec);
    }

    @Override
    public synchronized void close() {
        if (opened != null) {
            opened.close();
        }
    }
}
