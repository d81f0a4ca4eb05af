package dev.baton.cli.internal;

import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.DynamoDbSchema;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.executor.ExitCodes;
import dev.baton.flow.ConfigurationException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton foreach-coordinator create-table}: operates the foreach coordinator's store. */
@Command(name = "foreach-coordinator", synopsisSubcommandLabel = "COMMAND",
        description = "Operate the foreach coordinator's store (the DynamoDB table Step Functions runs use).",
        subcommands = ForeachCoordinatorCommand.CreateTable.class)
public final class ForeachCoordinatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: the usage, exit 2. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("baton foreach-coordinator: missing COMMAND");
        spec.commandLine().usage(err);
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * {@code baton foreach-coordinator create-table [--table T] [--region R]}: creates the coordinator's DynamoDB
     * table (on-demand, hash key {@code pathspec}, TTL on {@code ttl}) and waits until it is active; a no-op for an
     * existing table of the right shape. The endpoint is {@code --dynamodb-endpoint-url}, else the SDK's own.
     */
    @Command(name = "create-table", description = {
        "Create the DynamoDB table of the dynamodb foreach coordinator: on-demand capacity, hash key '"
                + DynamoDbSchema.KEY + "' (S), TTL on '" + DynamoDbSchema.TTL + "'. Waits until it is ACTIVE.",
        "Idempotent: an existing table with that key is kept (and its TTL enabled if it was off)."})
    public static final class CreateTable implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--table", paramLabel = "TABLE", description = "The table name (default: --dynamodb-table,"
                + " BATON_DYNAMODB_TABLE, else " + DynamoDbConfig.DEFAULT_TABLE + ").")
        String table;

        @Option(names = "--region", paramLabel = "REGION",
                description = "The AWS region (default: the SDK's chain: AWS_REGION, the profile, ...).")
        String region;

        @Override
        public Integer call() {
            GlobalOptions global = GlobalOptions.of(spec);
            String name = firstNonBlank(table, global.dynamodbTable(), DynamoDbConfig.DEFAULT_TABLE);
            DynamoDbConfig config = DynamoDbConfig.of(name).withRegion(region);
            String endpoint = global.dynamodbEndpointUrl();
            if (endpoint != null && !endpoint.isBlank()) {
                try {
                    config = config.withEndpoint(URI.create(endpoint.strip()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("--dynamodb-endpoint-url " + endpoint + " is not a URL", e);
                }
            }
            boolean created = ForeachCoordinators.createDynamoDbTable(config);
            PrintWriter out = spec.commandLine().getOut();
            out.println(created
                    ? "created DynamoDB table " + name + " (on-demand, hash key " + DynamoDbSchema.KEY + ", TTL on "
                            + DynamoDbSchema.TTL + ")"
                    : "DynamoDB table " + name + " already exists with hash key " + DynamoDbSchema.KEY + "; TTL on "
                            + DynamoDbSchema.TTL + " is enabled");
            out.flush();
            return ExitCodes.OK;
        }

        private static String firstNonBlank(String... values) {
            for (String v : values) {
                if (v != null && !v.isBlank()) {
                    return v.strip();
                }
            }
            throw new IllegalStateException("the last value is a constant");
        }
    }
}
