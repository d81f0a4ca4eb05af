package dev.baton.executor.internal.batch;

import dev.baton.flow.ConfigurationException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link BatchLauncher} submits jobs.
 *
 * @param queue the default job queue (a step's {@code @Batch(queue)} wins), name or ARN
 * @param image the default container image (a step's {@code @Batch(image)} wins)
 * @param jobRoleArn the default job IAM role (a step's {@code @Batch(iamRole)} wins), or empty
 * @param allSteps true: every step runs on Batch; false: only steps with {@code @Batch}
 * @param jobEnvironment what every job's container gets: the flow, the S3 datastore, the code package, the
 *     coordinator ({@code BATON_*}); the step's {@code @Environment} is added to the job definition
 * @param definitionPrefix job definition names are {@code <prefix>-<Flow>-<step>}
 * @param firstPoll the first DescribeJobs interval; it doubles up to {@code maxPoll}
 * @param maxPoll the longest DescribeJobs interval
 * @param runnableWarning how long a job may stay RUNNABLE before the likely reasons are shown
 * @param console where status transitions and fetched logs go
 */
public record BatchSettings(String queue, String image, String jobRoleArn, boolean allSteps,
        Map<String, String> jobEnvironment, String definitionPrefix, Duration firstPoll, Duration maxPoll,
        Duration runnableWarning, PrintStream console) {

    public BatchSettings {
        queue = queue == null ? "" : queue.trim();
        image = image == null ? "" : image.trim();
        jobRoleArn = jobRoleArn == null ? "" : jobRoleArn.trim();
        jobEnvironment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jobEnvironment));
        definitionPrefix = definitionPrefix == null || definitionPrefix.isBlank() ? "baton" : definitionPrefix;
        Objects.requireNonNull(firstPoll, "firstPoll");
        Objects.requireNonNull(maxPoll, "maxPoll");
        Objects.requireNonNull(runnableWarning, "runnableWarning");
        Objects.requireNonNull(console, "console");
        if (firstPoll.isNegative() || firstPoll.isZero() || maxPoll.compareTo(firstPoll) < 0) {
            throw new ConfigurationException("batch polling: the first interval (" + firstPoll + ") must be positive"
                    + " and not above the longest (" + maxPoll + ")");
        }
    }

    /** Production defaults: polls from 1 s up to 30 s; RUNNABLE for 5 minutes is worth a warning. */
    public static BatchSettings of(String queue, String image, String jobRoleArn, boolean allSteps,
            Map<String, String> jobEnvironment, PrintStream console) {
        return new BatchSettings(queue, image, jobRoleArn, allSteps, jobEnvironment, "baton", Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofMinutes(5), console);
    }

    /** The same with other polling intervals and RUNNABLE threshold. */
    public BatchSettings withPolling(Duration first, Duration max, Duration runnable) {
        return new BatchSettings(queue, image, jobRoleArn, allSteps, jobEnvironment, definitionPrefix, first, max,
                runnable, console);
    }
}
