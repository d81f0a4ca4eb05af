package dev.baton.stepfunctions;

/**
 * The outcome of {@link StepFunctionsDeployer#create}.
 *
 * @param stateMachineArn the state machine
 * @param created true for a first deployment, false for an update
 * @param productionToken the deployment's production token: its runs are in namespace {@code production:<token>}
 * @param schedule the EventBridge Scheduler schedule's name, or null when the flow has no {@code @Schedule}
 */
public record Deployment(String stateMachineArn, boolean created, String productionToken, String schedule) {
    /** {@code production:<token>}. */
    public String namespace() {
        return "production:" + productionToken;
    }
}
