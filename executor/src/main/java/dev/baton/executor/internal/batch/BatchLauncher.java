package dev.baton.executor.internal.batch;

import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.DoneRecord;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.TaskLauncher;
import dev.baton.executor.TaskRequest;
import dev.baton.executor.TaskResult;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.StepNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerDetail;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

/**
 * Runs steps' tasks as AWS Batch jobs for the local runtime ({@code baton run --with batch}). See the package
 * documentation for the sequence. Thread-safe: the runtime's workers launch jobs concurrently; one job definition
 * per step and content is looked up or registered once per run.
 */
public final class BatchLauncher implements TaskLauncher {
    /** Consecutive failed DescribeJobs calls (after the SDK's own retries) before the job is given up. */
    static final int MAX_POLL_FAILURES = 5;

    private final FlowBinding binding;
    private final BatchClient batch;
    private final BatchSettings settings;
    private final Map<String, String> definitions = new ConcurrentHashMap<>();
    private final JobPoller poller;

    /**
     * @param binding the flow and its datastore (S3: the jobs write to it, this process reads it back)
     * @param batch the Batch client; the caller closes it
     */
    public BatchLauncher(FlowBinding binding, BatchClient batch, BatchSettings settings) {
        this.binding = binding;
        this.batch = batch;
        this.settings = settings;
        this.poller = new JobPoller(batch, settings.firstPoll(), settings.maxPoll());
    }

    @Override
    public boolean launches(StepNode step) {
        return settings.allSteps() || step.decorators().batch().isPresent();
    }

    /**
     * Checks, before anything runs, that every step this launcher runs has a queue and an image, and that the
     * datastore is one a Batch container can reach.
     *
     * @throws ConfigurationException naming the step and the setting to give
     */
    public void validate(FlowGraph graph) {
        if (!binding.datastore().root().startsWith("s3://")) {
            throw new ConfigurationException("steps on AWS Batch need an S3 datastore that the job containers can"
                    + " reach, not " + binding.datastore().root() + ": use --datastore s3 --datastore-root"
                    + " s3://bucket/prefix");
        }
        for (StepNode step : graph.steps().values()) {
            if (!launches(step)) {
                continue;
            }
            JobDefinition def = JobDefinition.of(settings, binding.datastore().flowName(), step);
            if (def.queue().isEmpty()) {
                throw new ConfigurationException("step " + step.name() + " runs on AWS Batch but has no job queue:"
                        + " pass --batch-queue (BATON_BATCH_QUEUE) or set @Batch(queue = ...)");
            }
            if (def.image().isEmpty()) {
                throw new ConfigurationException("step " + step.name() + " runs on AWS Batch but has no container"
                        + " image: pass --batch-image (BATON_BATCH_IMAGE) or set @Batch(image = ...)");
            }
        }
    }

    @Override
    public Launch prepare(TaskRequest request, StepNode step, List<String> stepArguments, String prefix) {
        return new Job(request, JobDefinition.of(settings, binding.datastore().flowName(), step), stepArguments,
                prefix);
    }

    /** The ARN of an ACTIVE definition with this content, registering one when there is none. */
    String definitionArn(JobDefinition def) {
        return definitions.computeIfAbsent(def.hash(), hash -> {
            Optional<String> existing = batch.describeJobDefinitions(b -> b.jobDefinitionName(def.name())
                            .status("ACTIVE")).jobDefinitions().stream()
                    .filter(d -> hash.equals(d.tags().get(JobDefinition.HASH_TAG)))
                    .max(Comparator.comparingInt(d -> d.revision() == null ? 0 : d.revision()))
                    .map(d -> d.jobDefinitionArn());
            if (existing.isPresent()) {
                return existing.get();
            }
            List<ResourceRequirement> resources = new ArrayList<>(List.of(
                    ResourceRequirement.builder().type(ResourceType.VCPU).value(def.vcpuValue()).build(),
                    ResourceRequirement.builder().type(ResourceType.MEMORY).value(Integer.toString(def.memoryMb()))
                            .build()));
            if (def.gpus() > 0) {
                resources.add(ResourceRequirement.builder().type(ResourceType.GPU).value(Integer.toString(def.gpus()))
                        .build());
            }
            String arn = batch.registerJobDefinition(b -> b.jobDefinitionName(def.name())
                    .type(JobDefinitionType.CONTAINER)
                    .containerProperties(c -> {
                        c.image(def.image()).resourceRequirements(resources).environment(pairs(def.environment()));
                        if (!def.jobRoleArn().isEmpty()) {
                            c.jobRoleArn(def.jobRoleArn());
                        }
                        if (def.sharedMemoryMb() > 0) {
                            c.linuxParameters(l -> l.sharedMemorySize(def.sharedMemoryMb()));
                        }
                    })
                    // one Batch attempt per submission: the runtime retries (@Retry) with the next attempt number
                    .retryStrategy(r -> r.attempts(1))
                    .propagateTags(true)
                    .tags(Map.of(JobDefinition.HASH_TAG, hash, "baton:flow", binding.datastore().flowName())))
                    .jobDefinitionArn();
            settings.console().println("registered AWS Batch job definition " + arn + " (image " + def.image()
                    + ", " + def.vcpuValue() + " vCPU, " + def.memoryMb() + " MiB)");
            return arn;
        });
    }

    private static List<KeyValuePair> pairs(Map<String, String> env) {
        return env.entrySet().stream().map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build())
                .toList();
    }

    /** One attempt as one Batch job. */
    private final class Job implements Launch {
        private final TaskRequest req;
        private final JobDefinition def;
        private final List<String> command;
        private final String prefix;
        private volatile String jobId;
        private JobPoller.Watch watch; // guarded by this
        private volatile boolean interrupted;
        private boolean terminated;

        Job(TaskRequest req, JobDefinition def, List<String> stepArguments, String prefix) {
            this.req = req;
            this.def = def;
            List<String> cmd = new ArrayList<>();
            cmd.add("baton"); // the image's entrypoint drops it; an image without that entrypoint has baton on PATH
            cmd.addAll(stepArguments);
            this.command = List.copyOf(cmd);
            this.prefix = prefix;
        }

        @Override
        public TaskResult run() {
            String flow = binding.datastore().flowName();
            String definitionArn;
            try {
                definitionArn = definitionArn(def);
            } catch (AwsServiceException e) {
                return failure(e, "cannot register the AWS Batch job definition " + def.name());
            } catch (SdkException e) {
                return result(ExitCodes.TRANSIENT, "cannot reach AWS Batch to register job definition " + def.name()
                        + ": " + e.getMessage());
            }
            synchronized (this) {
                if (interrupted) {
                    return result(ExitCodes.INTERRUPTED, "interrupted before its AWS Batch job was submitted");
                }
                try {
                    jobId = batch.submitJob(b -> b.jobName(JobDefinition.name(flow + "-" + req.step() + "-"
                                    + req.runId() + "-" + req.taskId() + "-" + req.retryCount()))
                            .jobQueue(def.queue())
                            .jobDefinition(definitionArn)
                            .containerOverrides(o -> o.command(command).environment(pairs(settings.jobEnvironment())))
                            .tags(Map.of("baton:flow", flow, "baton:run", req.runId(), "baton:step", req.step(),
                                    "baton:task", req.taskId())))
                            .jobId();
                    watch = poller.watch(jobId);
                } catch (AwsServiceException e) {
                    return failure(e, "AWS Batch refused to submit step " + req.step() + " to job queue " + def.queue());
                } catch (SdkException e) {
                    return result(ExitCodes.TRANSIENT, "cannot reach AWS Batch to submit step " + req.step() + ": "
                            + e.getMessage());
                }
            }
            settings.console().println(prefix + "AWS Batch job " + jobId + " submitted to " + def.queue()
                    + " (attempt " + req.retryCount() + ")");
            JobDetail job = poll();
            if (job == null) {
                return interrupted
                        ? result(ExitCodes.INTERRUPTED, "interrupted: AWS Batch job " + jobId + " terminated")
                        : result(ExitCodes.TRANSIENT, "lost track of AWS Batch job " + jobId + ": DescribeJobs kept"
                                + " failing; the job was asked to terminate");
            }
            printLogs();
            return outcome(job);
        }

        /** Polls until SUCCEEDED or FAILED (the job), or null when interrupted or polling kept failing. */
        private JobDetail poll() {
            JobPoller.Watch w;
            synchronized (this) {
                w = watch;
            }
            try (w) {
                return poll(w);
            }
        }

        private JobDetail poll(JobPoller.Watch w) {
            JobStatus last = null;
            long runnableSince = 0;
            boolean warned = false;
            int failures = 0;
            while (!interrupted) {
                JobPoller.Poll poll;
                try {
                    poll = w.next(); // the launcher's poller asks for this job with the others in flight
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    interrupt();
                    return null;
                }
                if (poll == null) {
                    return null; // closed by interrupt()
                }
                JobDetail job = null;
                if (poll instanceof JobPoller.Poll.Described d) {
                    failures = 0;
                    job = d.job();
                } else if (poll instanceof JobPoller.Poll.Failed f) {
                    failures++;
                    settings.console().println(prefix + "DescribeJobs for " + jobId + " failed (" + failures + " of "
                            + MAX_POLL_FAILURES + "): " + f.error().getMessage());
                } else {
                    // Batch forgets jobs some days after they end; a job it never knew is as lost
                    settings.console().println(prefix + "AWS Batch does not know job " + jobId);
                    failures = MAX_POLL_FAILURES;
                }
                if (failures >= MAX_POLL_FAILURES) {
                    terminate("baton lost track of the job");
                    return null;
                }
                if (job != null) {
                    JobStatus status = job.status();
                    if (status != last) {
                        settings.console().println(prefix + "AWS Batch job " + jobId + ": "
                                + (last == null ? "" : last + " -> ") + status
                                + (job.statusReason() == null ? "" : " (" + job.statusReason() + ")"));
                        last = status;
                        runnableSince = System.nanoTime();
                    }
                    if (status == JobStatus.SUCCEEDED || status == JobStatus.FAILED) {
                        return job;
                    }
                    Duration waited = Duration.ofNanos(System.nanoTime() - runnableSince);
                    if (status == JobStatus.RUNNABLE && !warned && waited.compareTo(settings.runnableWarning()) >= 0) {
                        warned = true;
                        settings.console().println(prefix + stuckRunnable(waited));
                    }
                }
            }
            return null;
        }

        private String stuckRunnable(Duration waited) {
            return "AWS Batch job " + jobId + " has been RUNNABLE for " + waited.toSeconds() + " s: nothing has"
                    + " started it yet. Likely reasons: the compute environments of job queue " + def.queue()
                    + " have no capacity free (at maxvCpus, scaling up, DISABLED or INVALID); the job asks for more"
                    + " than any instance type there offers (" + def.vcpuValue() + " vCPU, " + def.memoryMb()
                    + " MiB" + (def.gpus() > 0 ? ", " + def.gpus() + " GPU" : "") + "); or instances cannot launch"
                    + " (subnets, quotas, Spot capacity). Check: aws batch describe-compute-environments";
        }

        private TaskResult outcome(JobDetail job) {
            Optional<DoneRecord> done = binding.datastore().readTask(req.path())
                    .filter(s -> s.finishedAttempt() != null && s.finishedAttempt() == req.retryCount())
                    .map(TaskState::done);
            Integer exit = exitCode(job);
            if (job.status() == JobStatus.SUCCEEDED) {
                return done.isPresent() ? new TaskResult(req.path(), req.retryCount(), ExitCodes.OK, done, null)
                        : result(ExitCodes.TRANSIENT, "AWS Batch job " + jobId + " SUCCEEDED but recorded no"
                                + " done.json for attempt " + req.retryCount() + " (a different datastore?)");
            }
            String reason = job.statusReason() == null ? "" : job.statusReason();
            if (done.isPresent()) {
                DoneRecord d = done.get();
                String msg = d.error() != null ? d.outcome() + ": " + firstLine(d.error().message())
                        : d.outcome().toString();
                int code = exit != null && exit != 0 ? exit : ExitCodes.STEP_FAILED;
                return new TaskResult(req.path(), req.retryCount(), code, done, msg + " (AWS Batch job " + jobId + ")");
            }
            // the container never recorded an end: it did not start (image, role), was killed (memory), or the host
            // went away; worth a retry unless baton itself said the configuration is wrong
            int code = exit != null && exit != 0 ? exit : ExitCodes.TRANSIENT;
            return result(code, "AWS Batch job " + jobId + " FAILED" + (reason.isEmpty() ? "" : ": " + reason)
                    + (exit == null ? "" : " (exit code " + exit + (exit == 137 ? ", killed: out of its "
                            + def.memoryMb() + " MiB?" : "") + ")") + "; the task recorded no done.json");
        }

        private Integer exitCode(JobDetail job) {
            ContainerDetail c = job.container();
            if (c != null && c.exitCode() != null) {
                return c.exitCode();
            }
            if (job.attempts() != null && !job.attempts().isEmpty()) {
                var a = job.attempts().get(job.attempts().size() - 1);
                if (a.container() != null) {
                    return a.container().exitCode();
                }
            }
            return null;
        }

        /** The job's output, as the executor stored it with the attempt (Batch's own logs are in CloudWatch). */
        private void printLogs() {
            FlowDatastore ds = binding.datastore();
            for (FlowDatastore.LogStream stream : FlowDatastore.LogStream.values()) {
                Optional<InputStream> in;
                try {
                    in = ds.openLog(req.path(), req.retryCount(), stream);
                } catch (RuntimeException e) {
                    settings.console().println(prefix + "cannot read the job's " + stream + ": " + e.getMessage());
                    continue;
                }
                if (in.isEmpty()) {
                    continue;
                }
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in.get(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        settings.console().println(prefix + line);
                    }
                } catch (IOException e) {
                    settings.console().println(prefix + "cannot read the job's " + stream + ": " + e.getMessage());
                }
            }
        }

        @Override
        public void interrupt() {
            JobPoller.Watch w;
            synchronized (this) {
                interrupted = true;
                w = watch;
            }
            if (w != null) {
                w.close(); // wakes the polling thread
            }
            terminate("baton run was interrupted");
        }

        private void terminate(String reason) {
            String id = jobId;
            synchronized (this) {
                if (id == null || terminated) {
                    return;
                }
                terminated = true;
            }
            try {
                batch.terminateJob(b -> b.jobId(id).reason(reason));
                settings.console().println(prefix + "AWS Batch job " + id + " terminated: " + reason);
            } catch (SdkException e) {
                settings.console().println(prefix + "could not terminate AWS Batch job " + id + " (" + e.getMessage()
                        + "): stop it with aws batch terminate-job --job-id " + id);
            }
        }

        private TaskResult failure(AwsServiceException e, String what) {
            String detail = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                    ? e.awsErrorDetails().errorMessage() : e.getMessage();
            // 4xx: our request is wrong (queue, image, role, permissions): a retry would fail the same way
            int code = e.statusCode() >= 400 && e.statusCode() < 500 && !e.isThrottlingException() ? ExitCodes.USAGE
                    : ExitCodes.TRANSIENT;
            return result(code, what + ": " + detail + " (HTTP " + e.statusCode() + ")");
        }

        private TaskResult result(int code, String message) {
            return new TaskResult(req.path(), req.retryCount(), code, Optional.empty(), message);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
