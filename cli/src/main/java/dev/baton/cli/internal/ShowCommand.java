package dev.baton.cli.internal;

import dev.baton.cli.internal.inspect.Inspector;
import dev.baton.client.Client;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton show [RUN[/STEP[/TASK]]]}: past runs, their steps, tasks and attempts. */
@Command(name = "show", description = {
        "Show the flow's runs (newest first), or one run's steps, one step's tasks, or one task's attempts,",
        "artifacts, error and origin."})
public final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN[/STEP[/TASK]]",
            description = "What to show; nothing for the list of runs.")
    String pathspec;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "Only runs of this namespace: user:<name> or a run tag such as production:<token>"
                    + " (default: every run).")
    String namespace;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        InspectSupport.Target target = InspectSupport.target(global);
        PrintWriter out = spec.commandLine().getOut();
        try (Client client = InspectSupport.client(global, target)) {
            new Inspector(client.namespace(namespace), target.flowName(), out).show(pathspec);
        }
        out.flush();
        return 0;
    }
}
