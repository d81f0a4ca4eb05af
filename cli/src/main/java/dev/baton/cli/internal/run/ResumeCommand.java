package dev.baton.cli.internal.run;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.executor.RunOptions;
import dev.baton.executor.internal.resume.Resumer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code baton resume [STEP] [--origin-run-id R]}: a new run that reuses what succeeded in an earlier one. */
@Command(name = "resume", description = {
        "Start a new run that reuses every task of an earlier run (default: the latest run of the flow) that",
        "succeeded before STEP, or before the first failure when STEP is omitted, and runs the rest.",
        "Reused tasks are cloned by position without copying any artifact; parameters are the origin run's."})
public final class ResumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STEP",
            description = "Run this step and everything after it again (default: what failed, and what follows).")
    String step;

    @Option(names = "--origin-run-id", paramLabel = "R", description = "The run to resume (default: the latest run).")
    String originRunId;

    @Mixin
    LocalRunOptions local;

    /** Flow parameters: refused (with the reason) by the resume itself. */
    @Unmatched
    List<String> parameters;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        try (FlowSession session = new FlowSession(global)) {
            RunOptions options = local.applyTo(RunOptions.defaults(), false)
                    .withParameters(FlowParameters.parse(parameters))
                    .withChildCommand(session.childCommand())
                    .withConsole(ConsoleStream.of(spec.commandLine().getOut()), System.console() != null);
            Resumer.Outcome outcome = new Resumer(session.binding).resume(originRunId, step, options);
            return outcome.run().exitCode();
        }
    }
}
