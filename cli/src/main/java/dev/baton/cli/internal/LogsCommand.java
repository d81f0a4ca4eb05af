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

/** {@code baton logs RUN/STEP[/TASK] [--stderr] [--attempt N]}: what a task printed. */
@Command(name = "logs", description = {
        "Print what a task's latest attempt (or --attempt N) wrote to stdout (or --stderr).",
        "The task may be omitted when the step has exactly one."})
public final class LogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN/STEP[/TASK]", description = "The task.")
    String pathspec;

    @Option(names = "--stderr", description = "The standard error instead of the standard output.")
    boolean stderr;

    @Option(names = "--attempt", paramLabel = "N", description = "Attempt N (0 is the first); default: the latest.")
    Integer attempt;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        InspectSupport.Target target = InspectSupport.target(global);
        PrintWriter out = spec.commandLine().getOut();
        try (Client client = InspectSupport.client(global, target)) {
            new Inspector(client.namespace(null), target.flowName(), out).logs(pathspec, stderr, attempt);
        }
        out.flush();
        return 0;
    }
}
