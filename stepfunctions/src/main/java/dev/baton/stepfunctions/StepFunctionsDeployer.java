package dev.baton.stepfunctions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.flow.BatonException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.stepfunctions.asl.AslJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.LinuxParameters;
import software.amazon.awssdk.services.batch.model.NodeProperties;
import software.amazon.awssdk.services.batch.model.NodeRangeProperty;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionResponse;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.LogLevel;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sfn.model.Tag;

/**
 * Deploys and operates flows on AWS Step Functions (AWS SDK v2: sfn, batch, scheduler).
 *
 * <p>Production tokens work as in Metaflow: the first deployment generates a token and tags the state machine
 * with it ({@value #TOKEN_TAG}) and with the deploying user ({@value #DEPLOYER_TAG}); every run it starts carries
 * the tag {@code production:<token>}, its namespace. Redeploying or deleting a deployment made by someone else
 * needs {@code --authorize <token>}, so nobody replaces a production flow by accident.
 *
 * <p>AWS errors become Baton exceptions naming the state machine: access, validation and not-found errors are
 * {@link ConfigurationException}s (exit 2), throttling, 5xx and I/O errors {@link TransientFailureException}s
 * (exit 3), after the SDK's own retries.
 */
public final class StepFunctionsDeployer implements AutoCloseable {
    /** The state machine tag holding the production token. */
    public static final String TOKEN_TAG = "baton:production-token";
    /** The state machine tag naming who deployed it. */
    public static final String DEPLOYER_TAG = "baton:deployer";
    /** Bound on a trigger's parameters JSON: they travel in start's container override. */
    public static final int MAX_PARAMETERS_BYTES = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(StepFunctionsDeployer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SfnClient sfn;
    private final BatchClient batch;
    private final SchedulerClient scheduler;
    private final String user;

    /** Options of {@link #create}. */
    public record CreateOptions(String roleArn, Optional<String> authorize, Optional<String> logGroupArn,
            Optional<String> schedulerRoleArn) {}

    /**
     * @param aws region and endpoint
     * @param user who deploys (recorded on the state machine; compared on redeploy)
     */
    public StepFunctionsDeployer(AwsSettings aws, String user) {
        this.sfn = configure(SfnClient.builder(), aws).build();
        this.batch = configure(BatchClient.builder(), aws).build();
        this.scheduler = configure(SchedulerClient.builder(), aws).build();
        this.user = user;
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, AwsSettings aws) {
        aws.region().ifPresent(r -> builder.region(Region.of(r)));
        aws.endpoint().ifPresent(builder::endpointOverride);
        builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(ApacheHttpClient.builder());
        }
        return builder;
    }

    /**
     * Registers the job definitions, creates or updates the state machine and the {@code @Schedule}.
     *
     * @param settings the deployment; its run tags get {@code production:<token>} added here
     */
    public Deployment create(FlowGraph graph, DeploymentSettings settings, CreateOptions options) {
        String name = settings.stateMachineName();
        Optional<StateMachineListItem> existing = find(name);
        String token;
        if (existing.isPresent()) {
            Map<String, String> tags = tags(existing.get().stateMachineArn());
            token = tags.getOrDefault(TOKEN_TAG, newToken());
            authorize(name, tags, token, options.authorize(), "redeploy");
        } else {
            token = newToken();
        }
        List<String> runTags = new ArrayList<>(settings.runTags());
        runTags.add("production:" + token);
        DeploymentSettings withToken = settings.withRunTags(runTags);
        Map<String, String> registered = new LinkedHashMap<>();
        for (JobDefinitionSpec spec : StepFunctionsCompiler.compile(graph, withToken).jobDefinitions()) {
            registered.put(spec.name(), register(spec));
        }
        CompiledFlow compiled = StepFunctionsCompiler.compile(graph, withToken, registered);
        String definition = AslJson.writeCompact(compiled.stateMachine());
        String arn;
        software.amazon.awssdk.services.sfn.model.LoggingConfiguration logging = options.logGroupArn()
                .map(g -> software.amazon.awssdk.services.sfn.model.LoggingConfiguration.builder()
                        .level(LogLevel.ALL).includeExecutionData(false)
                        .destinations(software.amazon.awssdk.services.sfn.model.LogDestination.builder()
                                .cloudWatchLogsLogGroup(l -> l.logGroupArn(g)).build())
                        .build())
                .orElse(null);
        if (existing.isPresent()) {
            arn = existing.get().stateMachineArn();
            call(name, () -> sfn.updateStateMachine(r -> r.stateMachineArn(arn).definition(definition)
                    .roleArn(options.roleArn()).loggingConfiguration(logging)));
        } else {
            arn = call(name, () -> sfn.createStateMachine(r -> r.name(name).definition(definition)
                    .roleArn(options.roleArn()).type("STANDARD").loggingConfiguration(logging)
                    .tags(Tag.builder().key(TOKEN_TAG).value(token).build(),
                            Tag.builder().key(DEPLOYER_TAG).value(user).build()))).stateMachineArn();
        }
        String schedule = null;
        if (graph.schedule().isPresent()) {
            schedule = name;
            upsertSchedule(name, graph.schedule().get(), graph.timezone(), arn,
                    options.schedulerRoleArn().orElse(options.roleArn()));
        } else {
            deleteScheduleIfAny(name);
        }
        LOG.info("deployed {} ({}) as {}", graph.name(), existing.isPresent() ? "updated" : "created", arn);
        return new Deployment(arn, existing.isEmpty(), token, schedule);
    }

    /** Starts a run; returns its run id (the execution name). Parameters are strings by parameter field name. */
    public String trigger(String name, Map<String, String> parameters) {
        ObjectNode input = JSON.createObjectNode();
        ObjectNode p = input.putObject("parameters");
        parameters.forEach(p::put);
        String json = input.toString();
        if (p.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PARAMETERS_BYTES) {
            throw new ConfigurationException("the parameters of a Step Functions run must stay under "
                    + MAX_PARAMETERS_BYTES + " bytes of JSON (they travel in the start task's container override);"
                    + " these are " + p.toString().length() + ": pass large inputs as an S3 location instead");
        }
        String arn = require(name).stateMachineArn();
        String runId = "sfn-" + UUID.randomUUID();
        call(name, () -> sfn.startExecution(r -> r.stateMachineArn(arn).name(runId).input(json)));
        return runId;
    }

    /** The runs of a deployment, newest first; {@code status} filters (null for all). */
    public List<ExecutionSummary> listRuns(String name, ExecutionStatus status) {
        String arn = require(name).stateMachineArn();
        List<ExecutionSummary> out = new ArrayList<>();
        call(name, () -> {
            for (ExecutionListItem e : sfn.listExecutionsPaginator(r -> r.stateMachineArn(arn).statusFilter(status))
                    .executions()) {
                out.add(new ExecutionSummary(e.name(), e.statusAsString(), e.startDate(), e.stopDate()));
            }
            return null;
        });
        return out;
    }

    /** Stops a running execution (its Batch jobs are terminated by Step Functions). */
    public void terminate(String name, String runId) {
        String arn = require(name).stateMachineArn();
        String execution = arn.replace(":stateMachine:", ":execution:") + ":" + runId;
        call(name + " run " + runId, () -> sfn.stopExecution(r -> r.executionArn(execution)
                .error("Baton.Terminated").cause("terminated by " + user + " with baton step-functions terminate")));
    }

    /** Deletes the state machine and its schedule. Running executions continue until they finish. */
    public void delete(String name, Optional<String> authorize) {
        StateMachineListItem machine = require(name);
        Map<String, String> tags = tags(machine.stateMachineArn());
        authorize(name, tags, tags.getOrDefault(TOKEN_TAG, ""), authorize, "delete");
        deleteScheduleIfAny(name);
        call(name, () -> sfn.deleteStateMachine(r -> r.stateMachineArn(machine.stateMachineArn())));
    }

    private void authorize(String name, Map<String, String> tags, String token, Optional<String> given, String what) {
        String deployer = tags.get(DEPLOYER_TAG);
        if (deployer != null && !deployer.equals(user) && !given.map(token::equals).orElse(false)) {
            throw new ConfigurationException("state machine " + name + " was deployed by " + deployer + ": to " + what
                    + " it, pass --authorize with its production token (ask " + deployer + ", or see its tag "
                    + TOKEN_TAG + ")" + (given.isPresent() ? "; the token given does not match" : ""));
        }
    }

    private String register(JobDefinitionSpec spec) {
        List<KeyValuePair> env = new ArrayList<>();
        spec.environment().forEach((k, v) -> env.add(KeyValuePair.builder().name(k).value(v).build()));
        ContainerProperties.Builder container = ContainerProperties.builder().image(spec.image())
                .command(spec.command()).environment(env)
                // the defaults; each task's container override sets its own resources
                .resourceRequirements(ResourceRequirement.builder().type(ResourceType.VCPU).value("1").build(),
                        ResourceRequirement.builder().type(ResourceType.MEMORY).value("4096").build());
        spec.jobRoleArn().ifPresent(container::jobRoleArn);
        if (spec.sharedMemoryMb() > 0) {
            container.linuxParameters(LinuxParameters.builder().sharedMemorySize(spec.sharedMemoryMb()).build());
        }
        RegisterJobDefinitionResponse r;
        if (spec.multiNode()) {
            // a gang: every node runs the same container; the submit's NodeOverrides set the node count per run
            NodeProperties nodes = NodeProperties.builder().numNodes(spec.numNodes()).mainNode(0)
                    .nodeRangeProperties(NodeRangeProperty.builder().targetNodes("0:").container(container.build())
                            .build())
                    .build();
            r = call("job definition " + spec.name(), () -> batch.registerJobDefinition(b -> b
                    .jobDefinitionName(spec.name()).type(JobDefinitionType.MULTINODE).nodeProperties(nodes)
                    .tags(Map.of(DEPLOYER_TAG, user))));
        } else {
            r = call("job definition " + spec.name(), () -> batch.registerJobDefinition(b -> b
                    .jobDefinitionName(spec.name()).type(JobDefinitionType.CONTAINER)
                    .containerProperties(container.build()).tags(Map.of(DEPLOYER_TAG, user))));
        }
        return r.jobDefinitionArn();
    }

    private void upsertSchedule(String name, String cron, String timezone, String machineArn, String roleArn) {
        String expression = cron.startsWith("cron(") || cron.startsWith("rate(") ? cron : "cron(" + cron + ")";
        String input = "{\"parameters\":{}}";
        boolean exists = call("schedule " + name, () -> {
            try {
                scheduler.getSchedule(r -> r.name(name));
                return true;
            } catch (software.amazon.awssdk.services.scheduler.model.SchedulerException e) {
                if (e.statusCode() == 404) {
                    return false; // ResourceNotFoundException
                }
                throw e;
            }
        });
        if (exists) {
            call("schedule " + name, () -> scheduler.updateSchedule(r -> r.name(name).scheduleExpression(expression)
                    .scheduleExpressionTimezone(timezone).flexibleTimeWindow(f -> f.mode(FlexibleTimeWindowMode.OFF))
                    .target(t -> t.arn(machineArn).roleArn(roleArn).input(input))));
        } else {
            call("schedule " + name, () -> scheduler.createSchedule(r -> r.name(name).scheduleExpression(expression)
                    .scheduleExpressionTimezone(timezone).flexibleTimeWindow(f -> f.mode(FlexibleTimeWindowMode.OFF))
                    .target(t -> t.arn(machineArn).roleArn(roleArn).input(input))));
        }
    }

    private void deleteScheduleIfAny(String name) {
        call("schedule " + name, () -> {
            try {
                scheduler.deleteSchedule(r -> r.name(name));
            } catch (software.amazon.awssdk.services.scheduler.model.SchedulerException e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                // 404, ResourceNotFoundException: nothing scheduled, fine
            }
            return null;
        });
    }

    private Optional<StateMachineListItem> find(String name) {
        return call(name, () -> {
            for (StateMachineListItem m : sfn.listStateMachinesPaginator(r -> r.maxResults(1000)).stateMachines()) {
                if (m.name().equals(name)) {
                    return Optional.of(m);
                }
            }
            return Optional.<StateMachineListItem>empty();
        });
    }

    private StateMachineListItem require(String name) {
        return find(name).orElseThrow(() -> new ConfigurationException("no state machine " + name
                + " is deployed: run 'baton step-functions create' first (or check --name, --branch and the region)"));
    }

    private Map<String, String> tags(String arn) {
        Map<String, String> out = new LinkedHashMap<>();
        call(arn, () -> sfn.listTagsForResource(r -> r.resourceArn(arn))).tags()
                .forEach(t -> out.put(t.key(), t.value()));
        return out;
    }

    private static String newToken() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Runs an AWS call, turning its failures into Baton's exceptions naming {@code what}. */
    static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (AwsServiceException e) {
            throw translate(what, e);
        } catch (SdkClientException e) {
            throw new TransientFailureException("cannot reach AWS for " + what + ": " + e.getMessage(), e);
        }
    }

    static BatonException translate(String what, AwsServiceException e) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? e.getMessage() : e.awsErrorDetails().errorMessage();
        String text = "AWS refused " + what + ": " + code + ": " + message;
        if (e.isThrottlingException() || e.statusCode() >= 500) {
            return new TransientFailureException(text + " (try again later)", e);
        }
        if (code != null && code.contains("AccessDenied")) {
            return new ConfigurationException(text + " (check the credentials' IAM permissions)", e);
        }
        return new ConfigurationException(text, e);
    }

    @Override
    public void close() {
        for (AutoCloseable c : List.<AutoCloseable>of(sfn, batch, scheduler)) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing an AWS client", e);
            }
        }
    }

}
