package dev.baton.executor.internal.batch;

import dev.baton.flow.graph.StepDecorators;
import dev.baton.flow.graph.StepNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a step's Batch job definition holds, resolved from {@code @Batch}, {@code @Resources}, {@code @Environment}
 * and the launcher's defaults, with a content hash: the definition is registered again only when this changes.
 *
 * @param name the job definition name ({@code <prefix>-<Flow>-<step>}, Batch's character set, at most 128)
 * @param queue the job queue the step's jobs go to (not part of the definition)
 * @param image the container image
 * @param jobRoleArn the job's IAM role, or empty
 * @param vcpus vCPUs
 * @param memoryMb memory in MiB
 * @param gpus GPUs, 0 for none
 * @param sharedMemoryMb {@code /dev/shm} size in MiB, 0 for the default
 * @param environment the step's {@code @Environment}
 */
record JobDefinition(String name, String queue, String image, String jobRoleArn, double vcpus, int memoryMb,
        int gpus, int sharedMemoryMb, Map<String, String> environment) {

    /** The tag holding {@link #hash()} on a registered definition. */
    static final String HASH_TAG = "baton:definition-hash";

    static JobDefinition of(BatchSettings settings, String flowName, StepNode step) {
        StepDecorators d = step.decorators();
        StepDecorators.ResourceSpec r = d.resources();
        String queue = settings.queue();
        String image = settings.image();
        String role = settings.jobRoleArn();
        double cpu = r.cpu();
        int memory = r.memoryMb();
        int gpu = r.gpu();
        int shm = 0;
        if (d.batch().isPresent()) {
            StepDecorators.BatchSpec b = d.batch().get();
            queue = b.queue().isEmpty() ? queue : b.queue();
            image = b.image().isEmpty() ? image : b.image();
            role = b.iamRole().isEmpty() ? role : b.iamRole();
            cpu = b.cpu();
            memory = b.memoryMb();
            gpu = b.gpu();
            shm = b.sharedMemoryMb();
        }
        return new JobDefinition(name(settings.definitionPrefix() + "-" + flowName + "-" + step.name()), queue, image,
                role, cpu, memory, gpu, shm, new LinkedHashMap<>(d.environment()));
    }

    /** Batch names: letters, digits, hyphens and underscores, at most 128 characters. */
    static String name(String raw) {
        String n = raw.replaceAll("[^A-Za-z0-9_-]", "_");
        return n.length() <= 128 ? n : n.substring(0, 128);
    }

    /** vCPUs as Batch wants them: {@code "2"}, {@code "0.5"}. */
    String vcpuValue() {
        return BigDecimal.valueOf(vcpus).stripTrailingZeros().toPlainString();
    }

    /** SHA-256 of every field that goes into the registered definition (not the queue). */
    String hash() {
        StringBuilder canonical = new StringBuilder();
        canonical.append("name=").append(name).append('\n').append("image=").append(image).append('\n')
                .append("role=").append(jobRoleArn).append('\n').append("vcpus=").append(vcpuValue()).append('\n')
                .append("memory=").append(memoryMb).append('\n').append("gpus=").append(gpus).append('\n')
                .append("shm=").append(sharedMemoryMb).append('\n');
        new TreeMap<>(environment).forEach((k, v) -> canonical.append("env.").append(k).append('=').append(v)
                .append('\n'));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
