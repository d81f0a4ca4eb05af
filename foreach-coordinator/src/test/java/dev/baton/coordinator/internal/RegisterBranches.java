package dev.baton.coordinator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.coordinator.DynamoDbConfig;
import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM that records a split and registers a range of branches, as a foreach task running in its own
 * process would: {@code local DIR SPLIT FROM TO TASK0} or {@code dynamodb TABLE SPLIT FROM TO TASK0}, where the
 * task pathspec of index {@code i} is TASK0 with its last segment replaced by {@code 1000 + i}. The DynamoDB
 * variant builds its client from the environment only, as {@code baton step} in a container does.
 */
public final class RegisterBranches {
    public static void main(String[] args) {
        String split = args[2];
        int from = Integer.parseInt(args[3]);
        int to = Integer.parseInt(args[4]);
        String taskPrefix = args[5].substring(0, args[5].lastIndexOf('/') + 1);
        try (ForeachCoordinator coordinator = "local".equals(args[0]) ? ForeachCoordinators.local(Path.of(args[1]))
                : ForeachCoordinators.dynamoDb(DynamoDbConfig.of(args[1]))) {
            for (int i = from; i < to; i++) {
                coordinator.registerBranch(split, i, taskPrefix + (1000 + i));
            }
        }
    }

    static Process start(List<String> args) throws Exception {
        return start(args, Map.of());
    }

    static Process start(List<String> args, Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                RegisterBranches.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder.start();
    }

    static void awaitSuccess(Process process) throws Exception {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), output);
    }
}
