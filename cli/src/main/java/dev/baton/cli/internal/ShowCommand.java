package dev.baton.cli.internal;

import dev.baton.cli.internal.inspect.Inspector;
import dev.baton.client.Client;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton show [RUN[/STEP[/TASK]]]}: past runs, their steps, tasks and attempts. */
@Command(name = "show", description = {
        "Show the flow's runs (newest first), or one run's steps, one step's tasks, or one task's attempts,",
        "artifacts, error and origin. Without --flow: the flows under the datastore root."})
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
        PrintWriter out = spec.commandLine().getOut();
        boolean noFlow = !global.hasPreselectedFlow() && (global.flowName() == null || global.flowName().isBlank());
        if (pathspec == null && noFlow) {
            // no flow named: say which flows the datastore holds, so the user can pick one
            try (Client client = dev.baton.client.Baton.client(global.datastoreConfig())) {
                List<String> flows = client.flows();
                out.println(flows.isEmpty() ? "no flow has run under " + global.datastoreRoot()
                        : "flows under " + global.datastoreRoot() + ": " + String.join(", ", flows)
                                + "\nshow one with: baton --flow NAME show (NAME or its class)");
            }
            out.flush();
            return 0;
        }
        InspectSupport.Target target = InspectSupport.target(global);
        try (Client client = InspectSupport.client(global, target)) {
            new Inspector(client.namespace(namespace), target.flowName(), out).show(pathspec);
        }
        out.flush();
        return 0;
    }
}
