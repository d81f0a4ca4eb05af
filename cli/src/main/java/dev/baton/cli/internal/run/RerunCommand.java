package dev.baton.cli.internal.run;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.datastore.TaskPath;
import dev.baton.executor.internal.resume.Rerunner;
import dev.baton.flow.ConfigurationException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton rerun RUN/STEP/TASK [--as-new-run]}: one recorded task again, with its recorded inputs. */
@Command(name = "rerun", description = {
        "Run one recorded task again on this machine, with exactly its recorded inputs, split index and parameters,",
        "as a new attempt of that task (or, with --as-new-run, in a new run), with the flow classes of --classpath.",
        "Works against the datastore the task lives in, e.g. a task that failed on AWS Batch, with --datastore s3."})
public final class RerunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN/STEP/TASK", description = "The task (a leading Flow/ is accepted).")
    String pathspec;

    @Option(names = "--as-new-run", description = "Run it in a new run (its parents cloned in) instead of as a new"
            + " attempt of the recorded task.")
    boolean asNewRun;

    @Override
    public Integer call() {
        GlobalOptions global = GlobalOptions.of(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (FlowSession session = new FlowSession(global)) {
            String flow = session.graph.name();
            String relative = pathspec.startsWith(flow + "/") ? pathspec.substring(flow.length() + 1) : pathspec;
            if (relative.split("/", -1).length != 3) {
                throw new ConfigurationException("rerun needs RUN/STEP/TASK, got '" + pathspec
                        + "'; see the tasks of a run with: baton show RUN/STEP");
            }
            TaskPath task = TaskPath.parse(relative);
            long t0 = System.nanoTime();
            Rerunner.Outcome outcome = new Rerunner(session.binding).rerun(task, asNewRun);
            double seconds = (System.nanoTime() - t0) / 1e9;
            TaskPath ran = outcome.task();
            String how = outcome.result().succeeded() ? "SUCCEEDED" : "FAILED (" + outcome.result().message() + ")";
            out.printf("rerun of %s/%s: %s/%s attempt %d %s in %.2f s%n", flow, task, flow, ran, outcome.attempt(),
                    how, seconds);
            out.printf("  artifacts and logs: %s/%s/%s/%d.data.json (try: baton show %s)%n", session.datastore.root(),
                    flow, ran, outcome.attempt(), ran);
            out.flush();
            return outcome.result().exitCode();
        }
    }
}
