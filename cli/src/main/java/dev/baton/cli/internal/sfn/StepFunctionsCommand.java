package dev.baton.cli.internal.sfn;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.PackageCommand;
import dev.baton.datastore.Datastores;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.RunRecord;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.internal.ParameterBinder;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.ParameterSpec;
import dev.baton.stepfunctions.AwsSettings;
import dev.baton.stepfunctions.CompiledFlow;
import dev.baton.stepfunctions.Deployment;
import dev.baton.stepfunctions.DeploymentSettings;
import dev.baton.stepfunctions.ExecutionSummary;
import dev.baton.stepfunctions.StepFunctionsCompiler;
import dev.baton.stepfunctions.StepFunctionsDeployer;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code baton step-functions create|trigger|list-runs|terminate|delete}: deploys the flow to AWS Step Functions
 * (steps as AWS Batch jobs) and operates the deployment.
 */
@Command(name = "step-functions", synopsisSubcommandLabel = "COMMAND",
        description = "Deploy the flow to AWS Step Functions + AWS Batch, and operate the deployment.",
        subcommands = {StepFunctionsCommand.Create.class, StepFunctionsCommand.Trigger.class,
                StepFunctionsCommand.ListRuns.class, StepFunctionsCommand.Terminate.class,
                StepFunctionsCommand.Delete.class, GangWait.class})
public final class StepFunctionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: the usage, exit 2. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("baton step-functions: missing COMMAND");
        spec.commandLine().usage(err);
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * {@code --name}: the state machine, on every subcommand but {@code trigger} (there {@code --name} may be a flow
     * parameter, so it takes {@code --sfn-name}).
     */
    public static final class NameOption {
        @Option(names = "--name", paramLabel = "N", description = "The state machine name (default: the flow's"
                + " name, or PROJECT-BRANCH-FLOW with @Project).")
        String name;
    }

    /** Options every step-functions command shares: which deployment, and how AWS is reached. */
    public static final class Target {
        @Option(names = "--branch", paramLabel = "B", description = "With @Project: the deployment branch"
                + " (default: user-<user>).")
        String branch;

        @Option(names = "--region", paramLabel = "R", defaultValue = "${env:AWS_REGION}",
                description = "The AWS region (default: AWS_REGION, else the SDK's chain).")
        String region;

        @Option(names = "--aws-endpoint-url", paramLabel = "URL", defaultValue = "${env:BATON_AWS_ENDPOINT_URL}",
                description = "One endpoint for Step Functions, Batch and Scheduler instead of AWS's (env:"
                        + " BATON_AWS_ENDPOINT_URL).")
        String endpoint;

        String user() {
            String u = System.getenv("BATON_USER");
            return u != null && !u.isBlank() ? u : System.getProperty("user.name", "unknown");
        }

        /** {@code name} when given, else the flow's (with {@code @Project}: PROJECT-BRANCH-FLOW). */
        String stateMachineName(FlowGraph graph, String name) {
            if (name != null && !name.isBlank()) {
                return name.strip();
            }
            if (graph.project().isPresent()) {
                String b = branch != null && !branch.isBlank() ? branch : "user-" + user();
                return sanitize(graph.project().get() + "-" + b + "-" + graph.name());
            }
            if (branch != null) {
                throw new ConfigurationException("--branch needs @Project on the flow class " + graph.name());
            }
            return graph.name();
        }

        AwsSettings aws() {
            Optional<URI> uri = Optional.empty();
            if (endpoint != null && !endpoint.isBlank()) {
                try {
                    uri = Optional.of(URI.create(endpoint.strip()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("--aws-endpoint-url " + endpoint + " is not a URL", e);
                }
            }
            return new AwsSettings(Optional.ofNullable(region).filter(r -> !r.isBlank()), uri);
        }

        StepFunctionsDeployer deployer() {
            try {
                return new StepFunctionsDeployer(aws(), user());
            } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
                throw new ConfigurationException("cannot set up the AWS clients: " + e.getMessage()
                        + " (set AWS_REGION or pass --region)", e);
            }
        }

        private static String sanitize(String s) {
            String out = s.replaceAll("[^A-Za-z0-9_-]", "-");
            return out.length() > DeploymentSettings.MAX_NAME_LENGTH
                    ? out.substring(0, DeploymentSettings.MAX_NAME_LENGTH) : out;
        }
    }

    /** {@code create}: compile, and deploy unless {@code --only-json}. */
    @Command(name = "create", description = {"Compile the flow to a Step Functions state machine and deploy it:"
            + " Batch job definitions, the state machine (role from --iam-role / BATON_SFN_IAM_ROLE), and the"
            + " @Schedule (EventBridge Scheduler, UTC cron).",
            "The flow's code: --code-package KEY as given (see 'baton package'); else, with --classpath, that class"
                    + " path is packaged and uploaded to the datastore (once per content); else the image must hold"
                    + " the flow.",
            "The first deployment prints its production token; redeploying someone else's needs --authorize TOKEN."})
    public static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Mixin
        NameOption nameOption;

        @Option(names = "--only-json", description = "Print the state machine definition; touch nothing.")
        boolean onlyJson;

        @Option(names = "--max-workers", paramLabel = "N", defaultValue = "16",
                description = "A foreach's concurrency (Map MaxConcurrency; default: ${DEFAULT-VALUE}; 0 = no limit).")
        int maxWorkers;

        @Option(names = "--workflow-timeout", paramLabel = "S", description = "The execution's timeout in seconds.")
        Integer workflowTimeout;

        @Option(names = "--use-distributed-map", description = "Foreach as a Distributed Map (wide fan-outs).")
        boolean distributedMap;

        @Option(names = "--log-execution-history", description = "Log execution history to CloudWatch Logs"
                + " (log group ARN from BATON_SFN_LOG_GROUP_ARN).")
        boolean logHistory;

        @Option(names = "--tag", paramLabel = "K:V", description = "A tag for every run (repeatable).")
        List<String> tags = new ArrayList<>();

        @Option(names = "--authorize", paramLabel = "TOKEN", description = "The production token of a deployment"
                + " someone else made.")
        String authorize;

        @Option(names = "--job-queue", paramLabel = "ARN", defaultValue = "${env:BATON_BATCH_JOB_QUEUE}",
                description = "The default Batch job queue (env: BATON_BATCH_JOB_QUEUE).")
        String jobQueue;

        @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "${env:BATON_BATCH_IMAGE}",
                description = "The default container image (env: BATON_BATCH_IMAGE).")
        String image;

        @Option(names = "--iam-role", paramLabel = "ARN", defaultValue = "${env:BATON_SFN_IAM_ROLE}",
                description = "The role Step Functions runs as (env: BATON_SFN_IAM_ROLE).")
        String iamRole;

        @Option(names = "--job-role", paramLabel = "ARN", defaultValue = "${env:BATON_BATCH_JOB_ROLE}",
                description = "The role the containers run as (env: BATON_BATCH_JOB_ROLE).")
        String jobRole;

        @Override
        public Integer call() {
            GlobalOptions global = GlobalOptions.of(spec);
            FlowGraph graph = FlowGraph.of(global.flowClass());
            String name = target.stateMachineName(graph, nameOption.name);
            String root = global.datastoreRoot();
            String table = global.dynamodbTable() != null && !global.dynamodbTable().isBlank()
                    ? global.dynamodbTable() : "baton-foreach-coordinator";
            PrintWriter out = spec.commandLine().getOut();
            String codePackage;
            if (onlyJson) {
                // only the definition is wanted: placeholders keep it printable without any AWS settings, and
                // nothing is uploaded
                root = root != null && root.startsWith("s3://") ? root : "s3://BUCKET/PREFIX";
                codePackage = global.codePackage();
            } else {
                if (iamRole == null || iamRole.isBlank()) {
                    throw new ConfigurationException("no IAM role for the state machine: set BATON_SFN_IAM_ROLE (or"
                            + " pass --iam-role ARN) to a role Step Functions can assume to submit Batch jobs and"
                            + " read and write the datastore's bucket");
                }
                if (!global.datastore().equals("s3")) {
                    throw new ConfigurationException("step-functions create needs the S3 datastore the containers"
                            + " share: add --datastore s3 --datastore-root s3://bucket/prefix (or BATON_DATASTORE,"
                            + " BATON_DATASTORE_ROOT)");
                }
                // --code-package as given, else the --classpath flow packaged and uploaded once (by content key),
                // else none: the image holds the flow
                codePackage = PackageCommand.resolveOrUpload(global, graph.name(), out::println);
            }
            DeploymentSettings settings = new DeploymentSettings(name, graph.flowClass().getName(),
                    orPlaceholder(jobQueue, "--job-queue", "JOB_QUEUE"), orPlaceholder(image, "--image", "IMAGE"),
                    root, table, maxWorkers, Optional.ofNullable(workflowTimeout), distributedMap, tags,
                    Optional.ofNullable(jobRole).filter(r -> !r.isBlank()),
                    Optional.ofNullable(codePackage).filter(c -> !c.isBlank()).map(String::strip), Map.of());
            if (onlyJson) {
                CompiledFlow compiled = StepFunctionsCompiler.compile(graph, settings);
                out.print(compiled.definitionJson());
                out.flush();
                return ExitCodes.OK;
            }
            Optional<String> logGroup = Optional.empty();
            if (logHistory) {
                String arn = System.getenv("BATON_SFN_LOG_GROUP_ARN");
                if (arn == null || arn.isBlank()) {
                    throw new ConfigurationException("--log-execution-history needs BATON_SFN_LOG_GROUP_ARN, the"
                            + " CloudWatch Logs log group ARN to write the history to");
                }
                logGroup = Optional.of(arn);
            }
            try (StepFunctionsDeployer deployer = target.deployer()) {
                Deployment d = deployer.create(graph, settings, new StepFunctionsDeployer.CreateOptions(iamRole,
                        Optional.ofNullable(authorize), logGroup, Optional.empty()));
                out.println((d.created() ? "Created" : "Updated") + " state machine " + name + " (" + d.stateMachineArn()
                        + ")");
                if (d.schedule() != null) {
                    out.println("Scheduled with EventBridge Scheduler: " + graph.schedule().get() + " ("
                            + graph.timezone() + ")");
                }
                out.println("Its runs are in namespace " + d.namespace());
                if (d.created()) {
                    out.println("Production token: " + d.productionToken() + " (others redeploy with --authorize "
                            + d.productionToken() + ")");
                }
                if (settings.codePackage().isEmpty()) {
                    out.println("Note: no --classpath and no --code-package (BATON_CODE_PACKAGE): the image must"
                            + " hold the flow's classes");
                }
            }
            out.flush();
            return ExitCodes.OK;
        }

        private String orPlaceholder(String value, String option, String placeholder) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
            if (onlyJson) {
                return placeholder;
            }
            throw new ConfigurationException("a deployment needs " + option + " (or its environment variable)");
        }
    }

    /** {@code trigger [--<param> v]...}. */
    @Command(name = "trigger", description = "Start a run of the deployed flow; flow parameters as --<param> value,"
            + " checked against their types here.")
    public static final class Trigger implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Option(names = "--sfn-name", paramLabel = "N", description = "The state machine name, when create had"
                + " --name (here --name may be a flow parameter).")
        String sfnName;

        @Unmatched
        List<String> parameters = new ArrayList<>();

        @Override
        public Integer call() {
            GlobalOptions global = GlobalOptions.of(spec);
            FlowGraph graph = FlowGraph.of(global.flowClass());
            Map<String, String> values = parameters(graph, parameters);
            String name = target.stateMachineName(graph, sfnName);
            try (StepFunctionsDeployer deployer = target.deployer()) {
                String run = deployer.trigger(name, values);
                spec.commandLine().getOut().println("Triggered run " + run + " of " + name);
            }
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }

        static Map<String, String> parameters(FlowGraph graph, List<String> args) {
            Map<String, String> byOption = new LinkedHashMap<>();
            for (ParameterSpec p : graph.parameters()) {
                String option = p.optionName().startsWith("--") ? p.optionName() : "--" + p.optionName();
                byOption.put(option, p.field());
            }
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, String> byOptionName = new LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String option = a;
                String value;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    option = a.substring(0, eq);
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new ConfigurationException("parameter " + a + " needs a value");
                }
                String field = byOption.get(option);
                if (field == null) {
                    throw new ConfigurationException("flow " + graph.name() + " has no parameter " + option
                            + "; its parameters are " + byOption.keySet());
                }
                if (value.isEmpty()) {
                    throw new ConfigurationException("parameter " + option + " is empty: on Step Functions an empty"
                            + " value means 'use the default'; omit it instead");
                }
                values.put(field, value);
                byOptionName.put(option.substring(2), value);
            }
            // typed by the flow's parameters now, so that a bad value or a missing required parameter is refused
            // here rather than by the run's start task; the run gets the texts, which start binds the same way
            ParameterBinder.bind(graph, byOptionName);
            return values;
        }
    }

    /** {@code list-runs [--running|--succeeded|--failed]}. */
    @Command(name = "list-runs", description = "List the deployment's runs, newest first.")
    public static final class ListRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Mixin
        NameOption nameOption;

        @ArgGroup(exclusive = true)
        StatusFilter filter;

        /** One status at most. */
        static final class StatusFilter {
            @Option(names = "--running", description = "Only running runs.")
            boolean running;

            @Option(names = "--succeeded", description = "Only succeeded runs.")
            boolean succeeded;

            @Option(names = "--failed", description = "Only failed runs.")
            boolean failed;
        }

        @Override
        public Integer call() {
            GlobalOptions global = GlobalOptions.of(spec);
            FlowGraph graph = FlowGraph.of(global.flowClass());
            ExecutionStatus status = filter == null ? null : filter.running ? ExecutionStatus.RUNNING
                    : filter.succeeded ? ExecutionStatus.SUCCEEDED : filter.failed ? ExecutionStatus.FAILED : null;
            PrintWriter out = spec.commandLine().getOut();
            String name = target.stateMachineName(graph, nameOption.name);
            try (StepFunctionsDeployer deployer = target.deployer()) {
                List<ExecutionSummary> runs = deployer.listRuns(name, status);
                if (runs.isEmpty()) {
                    out.println("no runs");
                }
                for (ExecutionSummary r : runs) {
                    out.println(r.runId() + "  " + r.status() + "  started " + r.started()
                            + (r.stopped() == null ? "" : "  stopped " + r.stopped()));
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code terminate RUN}. */
    @Command(name = "terminate", description = {"Stop a running run (Step Functions stops its Batch jobs).",
            "With the S3 datastore given (--datastore s3 --datastore-root ...), its run record is marked INTERRUPTED:"
                    + " a stopped execution runs no state that could."})
    public static final class Terminate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Mixin
        NameOption nameOption;

        @Parameters(index = "0", paramLabel = "RUN", description = "The run id (execution name).")
        String run;

        @Override
        public Integer call() {
            GlobalOptions global = GlobalOptions.of(spec);
            FlowGraph graph = FlowGraph.of(global.flowClass());
            String name = target.stateMachineName(graph, nameOption.name);
            try (StepFunctionsDeployer deployer = target.deployer()) {
                deployer.terminate(name, run);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Terminated run " + run);
            if (global.datastore().equals("s3")) {
                markInterrupted(global, graph, out);
            } else {
                out.println("Its run record stays RUNNING for the client and 'baton show': pass --datastore s3"
                        + " --datastore-root s3://... (or BATON_DATASTORE*) to mark it INTERRUPTED");
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** Rewrites a RUNNING {@code _run.json} INTERRUPTED, keeping what start recorded. */
        private void markInterrupted(GlobalOptions global, FlowGraph graph, PrintWriter out) {
            try (FlowDatastore ds = Datastores.open(global.datastoreConfig(), graph.name(),
                    graph.flowClass().getClassLoader())) {
                Optional<RunRecord> record = ds.readRun(run);
                if (record.isEmpty() || record.get().status() != RunRecord.RunStatus.RUNNING) {
                    out.println("Run record of " + run + ": " + record.map(r -> r.status().toString())
                            .orElse("none in " + ds.root()) + ", left as it is");
                    return;
                }
                RunRecord r = record.get();
                Map<String, String> attributes = new LinkedHashMap<>(r.attributes());
                attributes.put("terminatedBy", target.user());
                ds.writeRun(new RunRecord(r.flow(), r.runId(), r.user(), r.tags(), r.parameters(), r.originRunId(),
                        RunRecord.RunStatus.INTERRUPTED, r.createdAt(), Instant.now(), attributes));
                out.println("Marked its run record INTERRUPTED");
            }
        }
    }

    /** {@code delete [--authorize TOKEN]}. */
    @Command(name = "delete", description = "Delete the state machine and its schedule; running runs continue.")
    public static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Mixin
        NameOption nameOption;

        @Option(names = "--authorize", paramLabel = "TOKEN", description = "The production token of a deployment"
                + " someone else made.")
        String authorize;

        @Override
        public Integer call() {
            FlowGraph graph = FlowGraph.of(GlobalOptions.of(spec).flowClass());
            String name = target.stateMachineName(graph, nameOption.name);
            try (StepFunctionsDeployer deployer = target.deployer()) {
                deployer.delete(name, Optional.ofNullable(authorize));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Deleted state machine " + name + " and its schedule. Runs still in progress continue until"
                    + " they finish; stop them with 'baton step-functions terminate RUN'.");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
