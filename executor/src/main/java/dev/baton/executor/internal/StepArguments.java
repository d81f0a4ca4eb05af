package dev.baton.executor.internal;

import dev.baton.executor.TaskPosition;
import dev.baton.executor.TaskRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code baton} arguments that run one attempt ({@code step STEP --run-id R --task-id T ...}), without the
 * global options: what a {@link dev.baton.executor.TaskLauncher} puts after its own way of naming the flow and
 * the datastore. The same arguments {@link ChildTask} appends to its child command.
 */
final class StepArguments {
    private StepArguments() {}

    static List<String> of(TaskRequest req, TaskPosition position) {
        List<String> cmd = new ArrayList<>(List.of("step", req.step(), "--run-id", req.runId(), "--task-id",
                req.taskId(), "--retry-count", Integer.toString(req.retryCount())));
        if (req.maxUserCodeRetries() != null) {
            cmd.addAll(List.of("--max-user-code-retries", Integer.toString(req.maxUserCodeRetries())));
        }
        String inputs = req.inputs().format();
        if (!inputs.isEmpty()) {
            cmd.addAll(List.of("--input-paths", inputs));
        }
        if (req.inputs().joinSplit()) {
            cmd.add("--join-split");
        }
        if (req.splitIndex() != null) {
            cmd.addAll(List.of("--split-index", Integer.toString(req.splitIndex())));
        }
        if (position != null) {
            cmd.addAll(List.of("--task-position", position.toString()));
        }
        return List.copyOf(cmd);
    }
}
