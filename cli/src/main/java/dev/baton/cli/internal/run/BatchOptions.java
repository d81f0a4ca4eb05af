package dev.baton.cli.internal.run;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.PackageCommand;
import dev.baton.executor.internal.batch.BatchLauncher;
import dev.baton.executor.internal.batch.BatchSettings;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.batch.BatchClient;

/**
 * {@code baton run --with batch}: the options, and the {@link BatchLauncher} they make. Every option has an
 * environment variable default (see {@link GlobalOptions#ENVIRONMENT}).
 */
public final class BatchOptions {
    @Option(names = "--with", paramLabel = "batch",
            description = "Run steps elsewhere: 'batch' submits them as AWS Batch jobs (see --batch-steps); the"
                    + " datastore must be S3.")
    List<String> with;

    @Option(names = "--batch-steps", paramLabel = "all|decorated", defaultValue = "all",
            description = "With --with batch: every step (all), or only steps with @Batch (decorated); the rest run"
                    + " locally (default: ${DEFAULT-VALUE}).")
    String steps;

    @Option(names = "--batch-queue", paramLabel = "QUEUE",
            description = "Job queue for steps without @Batch(queue) (env: BATON_BATCH_QUEUE).")
    String queue;

    @Option(names = "--batch-image", paramLabel = "IMAGE",
            description = "Container image (built from container/Dockerfile) for steps without @Batch(image)"
                    + " (env: BATON_BATCH_IMAGE).")
    String image;

    @Option(names = "--batch-job-role", paramLabel = "ARN",
            description = "IAM role of the jobs, for steps without @Batch(iamRole) (env: BATON_BATCH_JOB_ROLE).")
    String jobRole;

    @Option(names = "--batch-endpoint-url", paramLabel = "URL",
            description = "A Batch-compatible endpoint instead of AWS (env: BATON_BATCH_ENDPOINT_URL).")
    String endpoint;

    @Option(names = "--batch-max-poll", paramLabel = "SECONDS", defaultValue = "30",
            description = "Longest wait between two DescribeJobs calls for a job; polling starts at 1 s and backs"
                    + " off to this (default: ${DEFAULT-VALUE}).")
    double maxPollSeconds;

    @Option(names = "--batch-runnable-warning", paramLabel = "SECONDS", defaultValue = "300",
            description = "Explain the likely reasons when a job stays RUNNABLE this long (default: ${DEFAULT-VALUE}).")
    double runnableWarningSeconds;

    /** Whether {@code --with batch} was given. */
    boolean enabled() {
        if (with == null || with.isEmpty()) {
            return false;
        }
        for (String w : with) {
            if (!w.trim().equalsIgnoreCase("batch")) {
                throw new ConfigurationException("--with " + w + " is not known: use --with batch");
            }
        }
        return true;
    }

    /** A launcher and the client it uses; closing it closes the client. */
    record Launching(BatchLauncher launcher, BatchClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * The launcher for this run: checks the settings against the flow, uploads the code package when the flow
     * comes from {@code --classpath} (the containers fetch it), and opens the Batch client.
     *
     * @throws ConfigurationException for a local datastore, a missing queue or image, or a flow that needs a
     *     shared foreach coordinator
     */
    Launching open(FlowSession session) {
        GlobalOptions g = session.global;
        String kind = steps.trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("all") && !kind.equals("decorated")) {
            throw new ConfigurationException("--batch-steps " + steps + " is not one of all, decorated");
        }
        if (!g.datastore().equals("s3")) {
            throw new ConfigurationException("--with batch needs an S3 datastore that the job containers can reach:"
                    + " add --datastore s3 --datastore-root s3://bucket/prefix (the local datastore "
                    + g.datastoreRoot() + " is on this machine only)");
        }
        boolean splits = session.graph.steps().values().stream().map(StepNode::transition)
                .anyMatch(t -> t instanceof Transition.Foreach || t instanceof Transition.Parallel
                        || t instanceof Transition.Switch);
        if (splits && g.foreachCoordinator().equals("local")) {
            throw new ConfigurationException("flow " + session.graph.name() + " has foreach, gang or switch steps:"
                    + " with --with batch they need a foreach coordinator the job containers share; add"
                    + " --foreach-coordinator dynamodb (see 'baton foreach-coordinator create-table')");
        }
        if (maxPollSeconds <= 0 || runnableWarningSeconds < 0) {
            throw new ConfigurationException("--batch-max-poll must be positive and --batch-runnable-warning not"
                    + " negative");
        }
        String codePackage = PackageCommand.resolveOrUpload(g, session.graph.name(), System.out::println);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_FLOW", session.flowClass.getName());
        env.put("BATON_DATASTORE", "s3");
        env.put("BATON_DATASTORE_ROOT", g.datastoreRoot());
        putIfSet(env, "BATON_S3_ENDPOINT_URL", g.s3EndpointUrl());
        env.put("BATON_FOREACH_COORDINATOR", g.foreachCoordinator());
        putIfSet(env, "BATON_DYNAMODB_TABLE", g.dynamodbTable());
        putIfSet(env, "BATON_DYNAMODB_ENDPOINT_URL", g.dynamodbEndpointUrl());
        putIfSet(env, "BATON_CODE_PACKAGE", codePackage);
        // what the session's store found out about the S3 endpoint, so that no job probes it again
        env.putAll(session.binding.datastore().taskEnvironment());
        Duration max = Duration.ofMillis(Math.round(maxPollSeconds * 1000));
        Duration first = max.compareTo(Duration.ofSeconds(1)) < 0 ? max : Duration.ofSeconds(1);
        BatchSettings settings = BatchSettings.of(queue, image, jobRole, kind.equals("all"), env, System.out)
                .withPolling(first, max, Duration.ofMillis(Math.round(runnableWarningSeconds * 1000)));
        BatchClient client = client();
        try {
            BatchLauncher launcher = new BatchLauncher(session.binding, client, settings);
            launcher.validate(session.graph);
            return new Launching(launcher, client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private BatchClient client() {
        var b = BatchClient.builder();
        if (endpoint != null && !endpoint.isBlank()) {
            try {
                b.endpointOverride(new URI(endpoint.trim()));
            } catch (URISyntaxException e) {
                throw new ConfigurationException("--batch-endpoint-url " + endpoint + " is not a URL", e);
            }
        }
        try {
            return b.build(); // region and credentials from the default AWS chains (AWS_REGION, profiles, roles)
        } catch (RuntimeException e) {
            throw new ConfigurationException("cannot create the AWS Batch client: " + e.getMessage()
                    + " (set AWS_REGION and credentials as for the AWS CLI)", e);
        }
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }
}
