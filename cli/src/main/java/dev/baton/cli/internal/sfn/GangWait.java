package dev.baton.cli.internal.sfn;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.TaskPath;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.ExitCodes;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton step-functions gang-wait} (hidden; run by the container script on a gang's main node): waits until
 * every member of a {@code numParallel} gang has finished its attempt, and fails when one of them failed.
 *
 * <p>Why: a gang runs as one AWS Batch multi-node parallel job, and Batch ends such a job, stopping every node, as
 * soon as its main node exits, taking the job's outcome from the main node alone (a child node's failure changes
 * nothing). So the main node, once its own member task has succeeded, polls the datastore for the other members'
 * {@code done.json} (task ids {@code <job>-<node>}, this attempt) and exits 0 only when all succeeded; a failed
 * member makes it exit 1, which fails the job (or retries it as a whole while the step's {@code @Retry} budget
 * lasts). A member that dies without recording anything keeps it waiting until the job's attempt duration
 * ({@code @Timeout}) ends it: give gang steps a {@code @Timeout}.
 */
@Command(name = "gang-wait", hidden = true, description = "Wait for a gang's members (on its main node).")
public final class GangWait implements Callable<Integer> {
    private static final Duration FIRST_POLL = Duration.ofMillis(500);
    private static final Duration MAX_POLL = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--run-id", required = true, paramLabel = "R")
    String runId;

    @Option(names = "--step", required = true, paramLabel = "STEP", description = "The gang's member step.")
    String step;

    @Option(names = "--job", required = true, paramLabel = "JOB", description = "The multi-node job's id.")
    String job;

    @Option(names = "--nodes", required = true, paramLabel = "N", description = "The number of members.")
    int nodes;

    @Option(names = "--attempt", paramLabel = "A",
            description = "The attempt to wait for (default: AWS_BATCH_JOB_ATTEMPT - 1, else 0).")
    Integer attempt;

    @Override
    public Integer call() throws InterruptedException {
        if (nodes < 1) {
            throw new ConfigurationException("gang-wait --nodes must be at least 1, not " + nodes);
        }
        GlobalOptions global = GlobalOptions.of(spec);
        FlowGraph graph = FlowGraph.of(global.flowClass());
        int a = attempt != null ? attempt : batchAttempt();
        PrintWriter err = spec.commandLine().getErr();
        TreeSet<Integer> pending = new TreeSet<>();
        for (int i = 0; i < nodes; i++) {
            pending.add(i);
        }
        Duration poll = FIRST_POLL;
        try (FlowDatastore ds = Datastores.open(global.datastoreConfig(), graph.name(),
                graph.flowClass().getClassLoader())) {
            while (true) {
                for (Integer i : new TreeSet<>(pending)) {
                    TaskPath member = new TaskPath(runId, step, job + "-" + i);
                    Optional<TaskState> state = ds.readAttempt(member, a);
                    if (state.isEmpty() || state.get().done() == null) {
                        continue;
                    }
                    DoneRecord done = state.get().done();
                    if (done.outcome() != DoneRecord.Outcome.SUCCEEDED) {
                        err.println("baton: gang member " + i + " of step '" + step + "' (" + graph.name() + "/"
                                + member + ", attempt " + a + ") " + done.outcome()
                                + (done.error() == null ? "" : ": " + done.error().message())
                                + "; the gang fails");
                        err.flush();
                        return ExitCodes.STEP_FAILED;
                    }
                    pending.remove(i);
                }
                if (pending.isEmpty()) {
                    spec.commandLine().getOut().println("gang of step '" + step + "': all " + nodes
                            + " members succeeded");
                    spec.commandLine().getOut().flush();
                    return ExitCodes.OK;
                }
                TimeUnit.MILLISECONDS.sleep(poll.toMillis()); // polling the datastore: nothing notifies
                poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
            }
        }
    }

    /** Batch counts attempts from 1; Baton from 0. */
    private static int batchAttempt() {
        String v = System.getenv("AWS_BATCH_JOB_ATTEMPT");
        try {
            return v == null || v.isBlank() ? 0 : Math.max(0, Integer.parseInt(v.trim()) - 1);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
