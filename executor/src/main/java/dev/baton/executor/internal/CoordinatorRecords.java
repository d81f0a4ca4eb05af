package dev.baton.executor.internal;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.TaskData;
import dev.baton.datastore.meta.TaskState;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.util.List;

/** The foreach coordinator records a finished task implies: what a task writes, and what a reused task replays. */
public final class CoordinatorRecords {
    private CoordinatorRecords() {}

    /** Whether a target of {@code next} is the join of a foreach or gang split: {@link #registerJoinArrival} writes. */
    static boolean arrivesAtJoin(FlowGraph graph, List<String> next) {
        for (String target : next) {
            if (closedSplit(graph, target) != null) {
                return true;
            }
        }
        return false;
    }

    /** The foreach or gang split that {@code step} joins, or null when it is no such join. */
    private static String closedSplit(FlowGraph graph, String step) {
        StepNode t = graph.step(step);
        if (!t.join() || t.closesSplit().isEmpty()) {
            return null;
        }
        String split = t.closesSplit().get();
        Transition st = graph.step(split).transition();
        return st instanceof Transition.Foreach || st instanceof Transition.Parallel ? split : null;
    }

    /**
     * When a target of {@code next} is the join of a foreach or gang split, registers {@code task} as the branch of
     * its frame's index, so the join (named by its split task) finds it.
     */
    static void registerJoinArrival(FlowGraph graph, ForeachCoordinator coordinator, String flow, TaskPath task,
            List<TaskData.Frame> frames, List<String> next) {
        for (String target : next) {
            String split = closedSplit(graph, target);
            if (split == null) {
                continue;
            }
            for (int i = frames.size() - 1; i >= 0; i--) {
                TaskData.Frame f = frames.get(i);
                if (f.step().equals(split)) {
                    coordinator.registerBranch(flow + "/" + task.runId() + "/" + split + "/" + f.splitTask(), f.index(),
                            flow + "/" + task);
                    break;
                }
            }
        }
    }

    /** Replays every record a finished, successful task implies (for a task cloned by resume). */
    public static void replay(FlowGraph graph, ForeachCoordinator coordinator, String flow, TaskState task) {
        String self = flow + "/" + task.path();
        if (task.done().foreachCardinality() != null) {
            coordinator.recordSplit(self, task.done().foreachCardinality());
        }
        if (task.done().switchValue() != null && !task.done().next().isEmpty()) {
            coordinator.recordSwitch(self, task.done().next().get(0));
        }
        registerJoinArrival(graph, coordinator, flow, task.path(), task.data().foreachStack(), task.done().next());
    }
}
