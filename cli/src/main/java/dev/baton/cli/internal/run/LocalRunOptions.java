package dev.baton.cli.internal.run;

import dev.baton.executor.Isolation;
import dev.baton.executor.RunOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of a new local run, shared by {@code baton run} and {@code baton resume} (a picocli mixin). */
public final class LocalRunOptions {
    /**
     * The default {@code --max-workers} when tasks run on AWS Batch: there a worker mostly waits for its job, so
     * this machine's cores are no limit (16 is Metaflow's default too).
     */
    static final int REMOTE_DEFAULT_WORKERS = 16;

    @Option(names = "--max-workers", paramLabel = "N",
            description = "Tasks running at once (default: cores; " + REMOTE_DEFAULT_WORKERS + " with --with batch).")
    Integer maxWorkers;

    @Option(names = "--isolation", paramLabel = "thread|process", defaultValue = "thread",
            description = "thread: tasks in this JVM (fast); process: each task a child 'baton step' process, as"
                    + " in a Batch container (default: ${DEFAULT-VALUE}).")
    Isolation isolation;

    @Option(names = "--run-id-file", paramLabel = "FILE", description = "Write the new run's id here once it is known.")
    Path runIdFile;

    @Option(names = "--tag", paramLabel = "K:V", description = "Tag the new run (repeatable).")
    List<String> tags;

    /**
     * {@code options} with these applied.
     *
     * @param remote whether tasks run elsewhere ({@code --with batch}), which sets the default worker count
     */
    RunOptions applyTo(RunOptions options, boolean remote) {
        int workers = maxWorkers != null ? maxWorkers
                : remote ? REMOTE_DEFAULT_WORKERS : Runtime.getRuntime().availableProcessors();
        return options.withMaxWorkers(workers)
                .withIsolation(isolation)
                .withRunIdFile(runIdFile)
                .withTags(tags);
    }
}
