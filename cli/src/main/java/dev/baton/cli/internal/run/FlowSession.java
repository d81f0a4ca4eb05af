package dev.baton.cli.internal.run;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.executor.FlowBinding;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.StepNode;
import dev.baton.flow.graph.Transition;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flow, its graph, datastore and foreach coordinator as the global options name them: what {@code run} and
 * {@code step} need. Closing it closes the datastore and the coordinator.
 */
final class FlowSession implements AutoCloseable {
    final GlobalOptions global;
    final Class<? extends FlowSpec> flowClass;
    final FlowGraph graph;
    final FlowDatastore datastore;
    final ForeachCoordinator coordinator;
    final FlowBinding binding;

    FlowSession(GlobalOptions global) {
        this(global, null);
    }

    /**
     * @param step the one step this session runs a task of ({@code baton step}), or {@code null} (a whole run): a
     *     step that never uses the foreach coordinator gets it opened only on first use ({@link LazyCoordinator})
     */
    FlowSession(GlobalOptions global, String step) {
        this.global = global;
        // an S3 store opens on another thread meanwhile (see DatastoreOpening); a cold code package comes through it
        DatastoreOpening store = DatastoreOpening.start(global, step != null);
        try {
            this.flowClass = global.flowClass(store); // through the enhancing loader: artifact fields load lazily
            this.graph = FlowGraph.of(flowClass); // InvalidFlowException: exit 4 before anything runs
            this.datastore = Datastores.open(store.config(), store.get(), graph.name(), flowClass.getClassLoader());
        } catch (RuntimeException | Error e) {
            store.abandon();
            throw e;
        }
        ForeachCoordinator c;
        try {
            c = step != null && !LazyCoordinator.usedBy(graph, step)
                    ? new LazyCoordinator(() -> openCoordinator(global))
                    : openCoordinator(global);
        } catch (RuntimeException e) {
            datastore.close();
            throw e;
        }
        this.coordinator = c;
        this.binding = new FlowBinding(flowClass, graph, datastore, coordinator);
    }

    /**
     * Fails fast when the DynamoDB coordinator's table cannot be used (missing, access denied): one consistent
     * read, before {@code run} creates a run. The local runtime needs the table for every foreach split, switch and
     * join; without this a missing table surfaced only as the first split task's failure (exit 1) of a run already
     * started. A flow without splits or switches never touches the table, so it is not checked.
     *
     * @throws ConfigurationException naming the table and {@code baton foreach-coordinator create-table}
     */
    void checkCoordinator() {
        boolean needsCoordinator = graph.steps().values().stream().map(StepNode::transition)
                .anyMatch(t -> t instanceof Transition.Foreach || t instanceof Transition.Parallel
                        || t instanceof Transition.Switch);
        if (!needsCoordinator || !global.foreachCoordinator().equals("dynamodb")) {
            return;
        }
        try {
            coordinator.cardinality(graph.name() + "/preflight/start/0");
        } catch (ConfigurationException e) {
            throw new ConfigurationException("--foreach-coordinator dynamodb cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * The local coordinator keeps its files beside a local datastore ({@code <root>/_coordinator}, which the
     * client's listings skip), so every process of a run shares them; with an S3 datastore locally, under the
     * temporary directory.
     */
    private static ForeachCoordinator openCoordinator(GlobalOptions g) {
        if (g.foreachCoordinator().equals("dynamodb")) {
            DynamoDbConfig config = DynamoDbConfig.of(g.dynamodbTable() == null || g.dynamodbTable().isBlank()
                    ? DynamoDbConfig.DEFAULT_TABLE : g.dynamodbTable());
            if (g.dynamodbEndpointUrl() != null && !g.dynamodbEndpointUrl().isBlank()) {
                config = config.withEndpoint(URI.create(g.dynamodbEndpointUrl()));
            }
            return ForeachCoordinators.dynamoDb(config);
        }
        Path dir = g.datastore().equals("local") ? Path.of(g.datastoreRoot(), "_coordinator")
                : Path.of(System.getProperty("java.io.tmpdir"), "baton-coordinator");
        return ForeachCoordinators.local(dir);
    }

    /**
     * Tier-4 (C2) thresholds 10x the JDK's defaults, as in the {@code baton} launcher and container/entrypoint.sh:
     * default tiering spends ~0.3 CPU-s of a short task compiling start-up code with C2; with these, C2 still takes
     * the step's hot loops and the hashing of large artifacts (a 256 MiB + 256 MiB flow: 3.3 s, as with default
     * tiering, against 10.9 s with C1 alone) for ~0.1 CPU-s more than C1 alone per task.
     */
    static final List<String> TASK_JIT_OPTIONS = List.of("-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=50000", "-XX:Tier4CompileThreshold=150000",
            "-XX:Tier4BackEdgeThreshold=400000",
            // SHA-256 gets C2 (its SHA-NI stub) at 1/1000 of the thresholds: the first large artifact of a task is
            // then not hashed by interpreted and C1 code (256 MiB first load: ~0.05 s, ~0.1 CPU-s less); 'quiet'
            // keeps the commands off the task's stdout
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.001",
            "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.001");

    /**
     * The command that starts a child {@code baton} with this session's flow, datastore and coordinator: the same
     * JVM binary and class path, tuned for a short-lived process (serial GC, class data sharing), since a task's
     * JVM lives for well under a second of work in the common case. The JIT stays tiered, with C2 kept for code
     * that is really hot ({@link #TASK_JIT_OPTIONS}): C1 alone would run the step's own code and every artifact's
     * SHA-256 without C2 (SHA-256 at ~130 MiB/s instead of ~1 GiB/s), which costs seconds per large artifact.
     */
    List<String> childCommand() {
        List<String> cmd = new ArrayList<>();
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(java);
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData"));
        cmd.addAll(TASK_JIT_OPTIONS);
        ChildClassDataSharing.archive(System.getProperty("java.class.path"))
                .ifPresent(jsa -> cmd.add(ChildClassDataSharing.DUMP_FLAG + jsa));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.baton.cli.Main"));
        cmd.addAll(List.of("--flow", flowClass.getName()));
        if (global.classpath() != null && !global.classpath().isBlank()) {
            cmd.addAll(List.of("--classpath", global.classpath()));
        }
        if (global.codePackage() != null && !global.codePackage().isBlank()) {
            cmd.addAll(List.of("--code-package", global.codePackage()));
            if (global.codePackageCache() != null) {
                cmd.addAll(List.of("--code-package-cache", global.codePackageCache().toString()));
            }
        }
        cmd.addAll(List.of("--datastore", global.datastore(), "--datastore-root", global.datastoreRoot(),
                "--foreach-coordinator", global.foreachCoordinator(), "--quiet"));
        if (global.s3EndpointUrl() != null && !global.s3EndpointUrl().isBlank()) {
            cmd.addAll(List.of("--s3-endpoint-url", global.s3EndpointUrl()));
        }
        if (global.dynamodbTable() != null && !global.dynamodbTable().isBlank()) {
            cmd.addAll(List.of("--dynamodb-table", global.dynamodbTable()));
        }
        if (global.dynamodbEndpointUrl() != null && !global.dynamodbEndpointUrl().isBlank()) {
            cmd.addAll(List.of("--dynamodb-endpoint-url", global.dynamodbEndpointUrl()));
        }
        return cmd;
    }

    @Override
    public void close() {
        try {
            coordinator.close();
        } finally {
            datastore.close();
        }
    }
}
