package dev.baton.executor;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.TaskState;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Opens a flow on a local datastore in a test directory, runs it, and reads results back from the datastore. */
final class Harness implements AutoCloseable {
    final Path root;
    final FlowGraph graph;
    final FlowDatastore datastore;
    final ForeachCoordinator coordinator;
    final FlowBinding binding;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    Harness(Path root, Class<? extends FlowSpec> flowClass) {
        this(root, flowClass, d -> d);
    }

    Harness(Path root, Class<? extends FlowSpec> flowClass, java.util.function.UnaryOperator<FlowDatastore> wrap) {
        this.root = root;
        Class<? extends FlowSpec> loaded = TestFlows.load(flowClass);
        this.graph = FlowGraph.of(loaded);
        this.datastore = wrap.apply(Datastores.open(DatastoreConfig.local(root.toString()), graph.name(),
                loaded.getClassLoader()));
        this.coordinator = ForeachCoordinators.local(root.resolve("_coordinator"));
        this.binding = new FlowBinding(loaded, graph, datastore, coordinator);
    }

    RunOptions options() {
        return RunOptions.defaults().withConsole(new PrintStream(console, true, StandardCharsets.UTF_8), false);
    }

    RunResult run() {
        return run(options());
    }

    RunResult run(RunOptions options) {
        return new LocalRuntime(binding).run(options);
    }

    RunResult run(Map<String, String> parameters) {
        return run(options().withParameters(parameters));
    }

    String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }

    /** The tasks of a step, in task id order. */
    List<TaskState> tasks(String runId, String step) {
        List<TaskState> out = new ArrayList<>();
        for (String id : datastore.tasks(runId, step)) {
            out.add(datastore.readTask(new TaskPath(runId, step, id)).orElseThrow());
        }
        out.sort((a, b) -> Long.compare(Long.parseLong(a.path().taskId()), Long.parseLong(b.path().taskId())));
        return out;
    }

    /** The only task of a step. */
    TaskState task(String runId, String step) {
        List<TaskState> ts = tasks(runId, step);
        if (ts.size() != 1) {
            throw new AssertionError("step " + step + " has " + ts.size() + " tasks, expected 1");
        }
        return ts.get(0);
    }

    Object artifact(TaskState task, String name) {
        var ref = task.data().artifacts().get(name);
        if (ref == null) {
            throw new AssertionError("task " + task.path() + " has no artifact " + name + "; it has "
                    + task.data().artifacts().keySet());
        }
        return datastore.blobs().get("test read of " + name, ref.key());
    }

    /** An artifact of the only task of a step. */
    Object artifact(String runId, String step, String name) {
        return artifact(task(runId, step), name);
    }

    @Override
    public void close() {
        coordinator.close();
        datastore.close();
    }
}
