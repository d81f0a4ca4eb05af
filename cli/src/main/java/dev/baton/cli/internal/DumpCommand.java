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

/** {@code baton dump RUN/STEP[/TASK] [ARTIFACT]}: artifact values, readable. */
@Command(name = "dump", description = {
        "Print a task's artifact values: simple values as text, collections, records and objects as JSON.",
        "The task may be omitted when the step has exactly one."})
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN/STEP[/TASK]", description = "The task.")
    String pathspec;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARTIFACT", description = "One artifact; all when omitted.")
    String artifact;

    @Option(names = "--max-chars", paramLabel = "N", defaultValue = "10000",
            description = "Cut each value's text after N characters, saying so; 0 for no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxChars;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        InspectSupport.Target target = InspectSupport.target(global);
        PrintWriter out = spec.commandLine().getOut();
        try (Client client = InspectSupport.client(global, target)) {
            new Inspector(client.namespace(null), target.flowName(), out).dump(pathspec, artifact, maxChars);
        }
        out.flush();
        return 0;
    }
}
