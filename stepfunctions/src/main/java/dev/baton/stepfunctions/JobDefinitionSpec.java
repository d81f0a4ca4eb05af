package dev.baton.stepfunctions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Batch job definition a deployment registers. Steps share the flow's default definition unless they need
 * their own image, role, shared memory or {@code @Environment}: what varies per run (command, run id, parents)
 * travels in the submit's container overrides, what is static lives here, so that the overrides stay small.
 *
 * @param name the job definition name
 * @param image the container image
 * @param command the container command
 * @param environment the containers' static environment, sorted by name
 * @param jobRoleArn the job role, if any
 * @param sharedMemoryMb {@code /dev/shm} size, 0 for Batch's default
 * @param numNodes for a multi-node parallel job definition (a gang), its default number of nodes; 0 for a
 *     single-container one
 */
public record JobDefinitionSpec(String name, String image, java.util.List<String> command, Map<String, String> environment,
        Optional<String> jobRoleArn, int sharedMemoryMb, int numNodes) {
    public JobDefinitionSpec {
        command = java.util.List.copyOf(command);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        if (numNodes < 0) {
            throw new IllegalArgumentException("numNodes " + numNodes + " of job definition " + name);
        }
    }

    /** A single-container job definition. */
    public JobDefinitionSpec(String name, String image, java.util.List<String> command, Map<String, String> environment,
            Optional<String> jobRoleArn, int sharedMemoryMb) {
        this(name, image, command, environment, jobRoleArn, sharedMemoryMb, 0);
    }

    /** Whether this is a multi-node parallel job definition (a {@code numParallel} gang's). */
    public boolean multiNode() {
        return numNodes > 0;
    }
}
