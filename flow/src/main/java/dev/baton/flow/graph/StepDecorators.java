package dev.baton.flow.graph;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The decorators of one step, as values.
 *
 * @param retry {@code @Retry}, if present
 * @param timeout {@code @Timeout}, if present
 * @param catchPolicy {@code @Catch}, if present
 * @param resources {@code @Resources} (defaults when absent)
 * @param batch {@code @Batch}, if present
 * @param environment {@code @Environment} variables, in declaration order
 */
public record StepDecorators(
        Optional<RetryPolicy> retry,
        Optional<Duration> timeout,
        Optional<CatchPolicy> catchPolicy,
        ResourceSpec resources,
        Optional<BatchSpec> batch,
        Map<String, String> environment) {

    public StepDecorators {
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    }

    /** A step with no decorators. */
    public static StepDecorators none() {
        return new StepDecorators(Optional.empty(), Optional.empty(), Optional.empty(), ResourceSpec.DEFAULT,
                Optional.empty(), Map.of());
    }

    /** How many attempts the step may have in all: {@code retry.times + 1}, or 1. */
    public int maxAttempts() {
        return retry.map(r -> r.times() + 1).orElse(1);
    }

    /** {@code @Retry(times, minutesBetweenRetries)}. */
    public record RetryPolicy(int times, int minutesBetweenRetries) {}

    /** {@code @Catch(var, printException)}; {@code var} is empty when the failure is not stored. */
    public record CatchPolicy(String var, boolean printException) {}

    /** {@code @Resources(cpu, memoryMb, gpu)}. */
    public record ResourceSpec(double cpu, int memoryMb, int gpu) {
        public static final ResourceSpec DEFAULT = new ResourceSpec(1, 4096, 0);
    }

    /**
     * {@code @Batch}, with resources already resolved against {@code @Resources}; empty strings mean the
     * deployment default.
     */
    public record BatchSpec(String queue, String image, String iamRole, double cpu, int memoryMb, int gpu,
            int sharedMemoryMb) {}
}
