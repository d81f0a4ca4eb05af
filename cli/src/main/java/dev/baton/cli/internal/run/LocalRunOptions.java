package dev.baton.cli.internal.run;

import dev.baton.executor.Isolation;
import dev.baton.executor.RunOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of a new local run, shared by {@code baton run} and {@code baton resume} (a picocli mixin). */
public final class LocalRunOptions {
    @Option(names = "--max-workers", paramLabel = "N", description = "Tasks running at once (default: cores).")
    Integer maxWorkers;

    @Option(names = "--isolation", paramLabel = "thread|process", defaultValue = "thread",
            description = "thread: tasks in this JVM (fast); process: each task a child 'baton step' process, as"
                    + " in a Batch container (default: ${DEFAULT-VALUE}).")
    Isolation isolation;

    @Option(names = "--run-id-file", paramLabel = "FILE", description = "Write the new run's id here once it is known.")
    Path runIdFile;

    @Option(names = "--tag", paramLabel = "K:V", description = "Tag the new run (repeatable).")
    List<String> tags;

    /** {@code options} with these applied. */
    RunOptions applyTo(RunOptions options) {
        return options.withMaxWorkers(maxWorkers != null ? maxWorkers : Runtime.getRuntime().availableProcessors())
                .withIsolation(isolation)
                .withRunIdFile(runIdFile)
                .withTags(tags);
    }
}
