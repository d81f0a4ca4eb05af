package dev.baton.executor.internal.resume;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.LocalRuntime;
import dev.baton.executor.RunOptions;
import dev.baton.executor.RunResult;
import dev.baton.executor.internal.enhance.FlowClassLoading;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A flow bound to a real local datastore and coordinator under a test directory, loaded as the CLI loads it. */
final class Fixture implements AutoCloseable {
    final Path root;
    final FlowBinding binding;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    Fixture(Path root, Class<? extends FlowSpec> flowClass) {
        this(root, FlowClassLoading.enhance(flowClass), true);
    }

    Fixture(Path root, Class<? extends FlowSpec> loaded, boolean alreadyLoaded) {
        this.root = root;
        FlowGraph graph = FlowGraph.of(loaded);
        FlowDatastore datastore = Datastores.open(DatastoreConfig.local(root.toString()), graph.name(),
                loaded.getClassLoader());
        ForeachCoordinator coordinator = ForeachCoordinators.local(root.resolve("_coordinator"));
        this.binding = new FlowBinding(loaded, graph, datastore, coordinator);
    }

    RunOptions options() {
        return RunOptions.defaults().withMaxWorkers(4)
                .withConsole(new PrintStream(console, true, StandardCharsets.UTF_8), false);
    }

    RunResult run(Map<String, String> parameters) {
        return new LocalRuntime(binding).run(options().withParameters(parameters));
    }

    Resumer.Outcome resume(String origin, String step) {
        return new Resumer(binding).resume(origin, step, options());
    }

    String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }

    /** Blob files under the flow's data directory. */
    long blobCount() {
        Path data = root.resolve(binding.datastore().flowName()).resolve("data");
        if (!Files.isDirectory(data)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times each marker line was written by the flow's steps. */
    static Map<String, Long> executions(Path markers) {
        try {
            List<String> lines = Files.readAllLines(markers.resolve("executions"));
            return lines.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many executions of a step (lines starting with its name). */
    static long executions(Path markers, String step) {
        return executions(markers).entrySet().stream()
                .filter(e -> e.getKey().equals(step) || e.getKey().startsWith(step + " "))
                .mapToLong(Map.Entry::getValue).sum();
    }

    @Override
    public void close() {
        binding.coordinator().close();
        binding.datastore().close();
    }
}
