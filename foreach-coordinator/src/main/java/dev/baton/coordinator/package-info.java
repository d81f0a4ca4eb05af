/**
 * Foreach coordination: a foreach split records its cardinality, each branch that reaches the join registers its
 * task, the join reads every registration in foreach-index order (or fails, worth a retry, naming the missing
 * indices), and a switch records its chosen case. On Step Functions no Batch job can hand data to the state
 * machine, so these records live in DynamoDB where a Map state and a Choice state read them
 * ({@link dev.baton.coordinator.DynamoDbSchema}); locally an embedded file-based implementation serves the same
 * {@link dev.baton.coordinator.ForeachCoordinator} contract across processes. Start at
 * {@link dev.baton.coordinator.ForeachCoordinators}.
 */
package dev.baton.coordinator;
