package dev.baton.cli.internal.sfn;

import dev.baton.datastore.FlowDatastore;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.TaskResult;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.Transition;
import dev.baton.stepfunctions.StateMachineObjects;
import java.io.PrintWriter;

/**
 * {@code baton step --foreach-items-object}: after a foreach split succeeds, writes its items object
 * ({@link StateMachineObjects#foreachItemsPath}) for the Distributed Map that a state machine compiled with
 * {@code --use-distributed-map} runs next: the Map's ItemReader reads it straight from S3, so no fan-out passes
 * through the state data (256 KiB) or a DynamoDB item (400 KB).
 *
 * <p>Written after the task's {@code done.json}: the state machine goes on only when the Batch job succeeds, and
 * a failure to write ends the job with exit 3 (transient), which Batch retries as a new attempt that writes it
 * again; the same bytes, as they depend only on the split's cardinality.
 */
public final class ForeachItemsObjects {
    private ForeachItemsObjects() {}

    /**
     * Writes the items object when {@code result} is a successful foreach split; any other task is left alone.
     *
     * @return the exit code to end with: the task's own; else, when the write failed, {@link ExitCodes#USAGE} for a
     *     configuration error (e.g. access denied) and {@link ExitCodes#TRANSIENT} (retried by Batch) for the rest
     */
    public static int writeIfSplit(FlowBinding binding, TaskResult result, PrintWriter err) {
        if (result.exitCode() != ExitCodes.OK || result.done().isEmpty()
                || !(binding.graph().step(result.path().step()).transition() instanceof Transition.Foreach)) {
            return result.exitCode();
        }
        Integer count = result.done().get().foreachCardinality();
        FlowDatastore ds = binding.datastore();
        String path = StateMachineObjects.foreachItemsPath(ds.flowName(), result.path().runId(), result.path().step(),
                result.path().taskId());
        byte[] json = StateMachineObjects.foreachItemsJson(count == null ? 0 : count);
        try {
            ds.writeTaskFile(result.path(), StateMachineObjects.FOREACH_ITEMS_FILE, json);
            return ExitCodes.OK;
        } catch (RuntimeException e) {
            // denied access will not heal by retrying; anything else (S3 errors, I/O) may
            int code = e instanceof ConfigurationException ? ExitCodes.USAGE : ExitCodes.TRANSIENT;
            err.println("baton: task " + result.path() + " succeeded, but its foreach items object " + path
                    + " could not be written to " + ds.root() + ": " + e.getMessage() + " (exit " + code + ")");
            err.flush();
            return code;
        }
    }
}
