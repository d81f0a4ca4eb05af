/**
 * Baton on AWS Step Functions: {@link dev.baton.stepfunctions.StepFunctionsCompiler} turns a validated
 * {@link dev.baton.flow.graph.FlowGraph} into a state machine ({@link dev.baton.stepfunctions.asl}) whose steps are
 * AWS Batch jobs running {@code baton step}, and {@link dev.baton.stepfunctions.StepFunctionsDeployer} deploys and
 * operates it (state machine, Batch job definitions, EventBridge Scheduler schedule, executions).
 *
 * <p>Task ids on Step Functions are Batch job ids: each step's container runs {@code baton step} with
 * {@code --task-id $AWS_BATCH_JOB_ID}, and the state machine keeps the {@code JobId} that
 * {@code batch:submitJob.sync} returns as the task id of the step that ran last ({@code $.last}), so the next step
 * names its parent exactly. Foreach joins name their split task ({@code --join-split}); the foreach coordinator's
 * DynamoDB table holds the split's items (read by a {@code dynamodb:getItem} state for an inline Map) and a
 * switch's chosen step (read for the Choice state); a Distributed Map reads the split's items object from the S3
 * datastore instead ({@link dev.baton.stepfunctions.StateMachineObjects}).
 */
package dev.baton.stepfunctions;
