package dev.baton.stepfunctions;

import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.internal.Compiler;
import java.util.Map;

/**
 * Compiles a flow graph into a Step Functions state machine (JSONPath) whose steps are AWS Batch jobs.
 *
 * <ul>
 *   <li>each step: a {@code batch:submitJob.sync} Task running {@code baton step} (container overrides under
 *       {@link #MAX_CONTAINER_OVERRIDE_BYTES} whatever the flow);</li>
 *   <li>static branch: a Parallel state, then the join; foreach: the split task, a {@code dynamodb:getItem} of the
 *       split's items, an inline (or Distributed) Map, then the join naming its split task;</li>
 *   <li>with {@code --use-distributed-map}, foreach is a Distributed Map whose ItemReader reads the indices the
 *       split task wrote to S3 ({@link StateMachineObjects}): no fan-out passes through the 256 KiB state payload
 *       or a DynamoDB item; child executions get the run id in their data ({@code $.runId});</li>
 *   <li>switch: the switch task, a {@code dynamodb:getItem} of the chosen step, a Choice state (loops allowed);</li>
 *   <li>failure: every top-level Task, Map and Parallel state catches {@code States.ALL} into a path that rewrites
 *       the run record {@code _run.json} FAILED (with the error and cause among its attributes) through the
 *       {@code aws-sdk:s3} integration, then fails with the step's own error. The state machine's role needs
 *       {@code s3:GetObject} and {@code s3:PutObject} on the datastore. A workflow timeout or a stop runs no state,
 *       so those leave the record RUNNING: Step Functions' execution status is authoritative for them;</li>
 *   <li>{@code numParallel} (gang): one {@code batch:submitJob.sync} of a multi-node parallel job whose every node
 *       runs the gang's step (index = node index); its main node waits for the others before it exits, since
 *       Batch ends the job with it; over 1,000 nodes is a {@link dev.baton.flow.ConfigurationException}.</li>
 * </ul>
 */
public final class StepFunctionsCompiler {
    /** Baton's bound on one task's container override (command + environment); AWS's limit is 8 KiB. */
    public static final int MAX_CONTAINER_OVERRIDE_BYTES = 2048;

    /** AWS's limit on a state machine definition. */
    public static final int MAX_DEFINITION_BYTES = 1_048_576;

    private StepFunctionsCompiler() {}

    /**
     * Compiles {@code graph}, naming job definitions by name (Batch then uses their latest active revision).
     *
     * @throws dev.baton.flow.ConfigurationException when the flow cannot run on Step Functions, naming the step
     */
    public static CompiledFlow compile(FlowGraph graph, DeploymentSettings settings) {
        return compile(graph, settings, Map.of());
    }

    /**
     * Compiles {@code graph}, referring to the job definitions by the ARNs in {@code registered} (name to
     * {@code arn:...:job-definition/name:revision}) where given, so an execution keeps the revisions it started with.
     */
    public static CompiledFlow compile(FlowGraph graph, DeploymentSettings settings, Map<String, String> registered) {
        return new Compiler(graph, settings, registered).compile();
    }
}
