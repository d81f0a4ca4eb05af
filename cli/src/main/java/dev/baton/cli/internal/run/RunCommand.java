package dev.baton.cli.internal.run;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.executor.LocalRuntime;
import dev.baton.executor.RunOptions;
import dev.baton.executor.RunResult;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code baton run}: runs the whole flow on this machine. */
@Command(name = "run", description = {"Runs the flow locally: every task, in parallel up to --max-workers"
        + " (with --with batch, steps as AWS Batch jobs).",
        "Flow parameters are options: a field learningRate is --learning-rate VALUE."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LocalRunOptions local;

    @Mixin
    BatchOptions batch;

    @Unmatched
    List<String> parameters;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        try (FlowSession session = new FlowSession(global);
                BatchOptions.Launching launching = batch.enabled() ? batch.open(session) : null) {
            session.checkCoordinator(); // a missing DynamoDB table: exit 2 before the run starts
            RunOptions options = local.applyTo(RunOptions.defaults(), launching != null)
                    .withParameters(FlowParameters.parse(parameters))
                    .withChildCommand(session.childCommand())
                    .withLauncher(launching == null ? null : launching.launcher()) // --with batch
                    .withConsole(null, System.console() != null); // progress on the real console
            RunResult result = new LocalRuntime(session.binding).run(options);
            return result.exitCode();
        }
    }
}
