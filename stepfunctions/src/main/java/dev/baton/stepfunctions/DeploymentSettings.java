package dev.baton.stepfunctions;

import dev.baton.flow.ConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a deployment needs beyond the flow graph.
 *
 * @param stateMachineName the state machine's name (also the prefix of its Batch job definitions)
 * @param flowClass the flow class name the containers load ({@code BATON_FLOW})
 * @param jobQueue the default Batch job queue (a step's {@code @Batch(queue)} overrides it)
 * @param image the default container image (a step's {@code @Batch(image)} overrides it)
 * @param datastoreRoot {@code s3://bucket/prefix} of the S3 datastore the tasks use
 * @param coordinatorTable the foreach coordinator's DynamoDB table
 * @param maxWorkers a foreach Map's {@code MaxConcurrency} (0 for no limit)
 * @param workflowTimeoutSeconds the machine's {@code TimeoutSeconds}, if any
 * @param distributedMap compile foreach to a Distributed Map (child executions, results written to S3)
 * @param runTags tags every run gets ({@code k:v}; the production namespace {@code production:<token>} among them)
 * @param jobRoleArn the IAM role the containers run as, if any
 * @param codePackage where the code package is ({@code BATON_CODE_PACKAGE} in the containers), if any
 * @param environment extra environment every container gets (e.g. region settings)
 */
public record DeploymentSettings(
        String stateMachineName,
        String flowClass,
        String jobQueue,
        String image,
        String datastoreRoot,
        String coordinatorTable,
        int maxWorkers,
        Optional<Integer> workflowTimeoutSeconds,
        boolean distributedMap,
        List<String> runTags,
        Optional<String> jobRoleArn,
        Optional<String> codePackage,
        Map<String, String> environment) {

    /** AWS's limit on state machine names. */
    public static final int MAX_NAME_LENGTH = 80;

    public DeploymentSettings {
        require(stateMachineName, "--name");
        require(flowClass, "flow class");
        require(jobQueue, "--job-queue");
        require(image, "--image");
        require(datastoreRoot, "--datastore-root");
        require(coordinatorTable, "--dynamodb-table");
        if (!stateMachineName.matches("[A-Za-z0-9_-]{1," + MAX_NAME_LENGTH + "}")) {
            throw new ConfigurationException("state machine name '" + stateMachineName + "' must be 1-"
                    + MAX_NAME_LENGTH + " letters, digits, '-' or '_' (pass --name)");
        }
        if (!datastoreRoot.startsWith("s3://")) {
            throw new ConfigurationException("Step Functions tasks need the S3 datastore: --datastore-root must be"
                    + " s3://bucket/prefix, not " + datastoreRoot);
        }
        if (maxWorkers < 0) {
            throw new ConfigurationException("--max-workers must be 0 (no limit) or more, not " + maxWorkers);
        }
        workflowTimeoutSeconds.ifPresent(t -> {
            if (t < 1 || t > 31_536_000) {
                throw new ConfigurationException("--workflow-timeout must be 1..31536000 seconds (a year), not " + t);
            }
        });
        runTags = List.copyOf(runTags);
        for (String tag : runTags) {
            if (tag.isBlank() || tag.chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigurationException("--tag '" + tag + "' must be k:v without spaces");
            }
        }
        environment = Map.copyOf(environment);
    }

    /** Settings with the defaults: 16 workers, no timeout, inline Map, no tags, role, package or extra env. */
    public static DeploymentSettings of(String stateMachineName, String flowClass, String jobQueue, String image,
            String datastoreRoot, String coordinatorTable) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable,
                16, Optional.empty(), false, List.of(), Optional.empty(), Optional.empty(), Map.of());
    }

    public DeploymentSettings withMaxWorkers(int n) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable, n,
                workflowTimeoutSeconds, distributedMap, runTags, jobRoleArn, codePackage, environment);
    }

    public DeploymentSettings withWorkflowTimeout(Optional<Integer> seconds) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable,
                maxWorkers, seconds, distributedMap, runTags, jobRoleArn, codePackage, environment);
    }

    public DeploymentSettings withDistributedMap(boolean on) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable,
                maxWorkers, workflowTimeoutSeconds, on, runTags, jobRoleArn, codePackage, environment);
    }

    public DeploymentSettings withRunTags(List<String> tags) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable,
                maxWorkers, workflowTimeoutSeconds, distributedMap, tags, jobRoleArn, codePackage, environment);
    }

    public DeploymentSettings withJobRoleArn(Optional<String> arn) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable,
                maxWorkers, workflowTimeoutSeconds, distributedMap, runTags, arn, codePackage, environment);
    }

    public DeploymentSettings withCodePackage(Optional<String> location) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable,
                maxWorkers, workflowTimeoutSeconds, distributedMap, runTags, jobRoleArn, location, environment);
    }

    public DeploymentSettings withEnvironment(Map<String, String> env) {
        return new DeploymentSettings(stateMachineName, flowClass, jobQueue, image, datastoreRoot, coordinatorTable,
                maxWorkers, workflowTimeoutSeconds, distributedMap, runTags, jobRoleArn, codePackage, env);
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("a Step Functions deployment needs " + what);
        }
    }
}
