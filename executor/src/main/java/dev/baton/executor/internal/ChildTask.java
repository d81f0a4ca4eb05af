package dev.baton.executor.internal;

import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.ExitCodes;
import dev.baton.executor.FlowBinding;
import dev.baton.executor.TaskPosition;
import dev.baton.executor.TaskRequest;
import dev.baton.executor.TaskResult;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.StepNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One attempt run as a child {@code baton step} process, exactly as a Batch container runs it: same command line,
 * same datastore, same exit codes. The child captures and stores its own output; the parent shows it live with a
 * task prefix. What the attempt did is read back from the datastore: a child killed before {@code done.json}
 * leaves none, and the attempt counts as failed.
 */
final class ChildTask {
    /** Beyond the step's own {@code @Timeout}, how long the child may take to record it before it is killed. */
    private static final Duration TIMEOUT_GRACE = Duration.ofSeconds(30);

    private final FlowBinding binding;
    private final List<String> command;
    private final TaskRequest req;
    private final StepNode node;
    private final String prefix;
    private volatile Process process;
    private volatile boolean interrupted;

    ChildTask(FlowBinding binding, List<String> childCommand, TaskRequest req, TaskPosition position, StepNode node,
            String prefix) {
        if (childCommand.isEmpty()) {
            throw new ConfigurationException("process isolation needs the command that starts a baton child"
                    + " (RunOptions.childCommand); the baton CLI sets it");
        }
        this.binding = binding;
        this.req = req;
        this.node = node;
        this.prefix = prefix;
        List<String> cmd = new ArrayList<>(classDataSharing(childCommand));
        cmd.addAll(List.of("step", req.step(), "--run-id", req.runId(), "--task-id", req.taskId(), "--retry-count",
                Integer.toString(req.retryCount())));
        if (req.maxUserCodeRetries() != null) {
            cmd.addAll(List.of("--max-user-code-retries", Integer.toString(req.maxUserCodeRetries())));
        }
        String inputs = req.inputs().format();
        if (!inputs.isEmpty()) {
            cmd.addAll(List.of("--input-paths", inputs));
        }
        if (req.inputs().joinSplit()) {
            cmd.add("--join-split");
        }
        if (req.splitIndex() != null) {
            cmd.addAll(List.of("--split-index", Integer.toString(req.splitIndex())));
        }
        if (position != null) {
            cmd.addAll(List.of("--task-position", position.toString()));
        }
        this.command = List.copyOf(cmd);
    }

    private static final String CDS_DUMP = "-XX:ArchiveClassesAtExit=";

    /**
     * A child command may ask for a class-data-sharing archive to be dumped ({@code -XX:ArchiveClassesAtExit=F}):
     * once F exists, children map it instead ({@code -XX:SharedArchiveFile=F}); the first child to claim
     * {@code F.lock} dumps it; children started while it is being dumped go without.
     */
    static List<String> classDataSharing(List<String> command) {
        List<String> out = new ArrayList<>(command.size());
        for (String arg : command) {
            if (!arg.startsWith(CDS_DUMP)) {
                out.add(arg);
                continue;
            }
            java.nio.file.Path archive = java.nio.file.Path.of(arg.substring(CDS_DUMP.length()));
            if (java.nio.file.Files.isRegularFile(archive)) {
                out.add("-XX:SharedArchiveFile=" + archive);
                out.add("-Xlog:cds=off,cds+dynamic=off"); // a stale archive is silently ignored, not reported
            } else {
                java.nio.file.Path lock = archive.resolveSibling(archive.getFileName() + ".lock");
                try {
                    // a lock left by a dump that never finished (killed child) expires, so CDS is tried again
                    if (java.nio.file.Files.isRegularFile(lock) && java.nio.file.Files.getLastModifiedTime(lock)
                            .toInstant().isBefore(java.time.Instant.now().minus(Duration.ofMinutes(10)))) {
                        java.nio.file.Files.deleteIfExists(lock);
                    }
                    java.nio.file.Files.createFile(lock);
                    out.add(arg);
                    out.add("-Xlog:cds=off,cds+dynamic=off");
                } catch (IOException | RuntimeException e) {
                    // another child is dumping it (or the directory is unusable): start without CDS
                }
            }
        }
        return out;
    }

    List<String> command() {
        return command;
    }

    TaskResult run() {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.putAll(node.decorators().environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new TaskResult(req.path(), req.retryCount(), ExitCodes.TRANSIENT, Optional.empty(),
                    "cannot start the child process " + command.get(0) + ": " + e.getMessage());
        }
        process = p;
        if (interrupted) {
            p.destroy();
        }
        Thread out = pump(p.getInputStream(), OutputCapture.console(), "out");
        Thread err = pump(p.getErrorStream(), OutputCapture.consoleErr(), "err");
        int code;
        try {
            Optional<Duration> timeout = node.decorators().timeout();
            if (timeout.isPresent()) {
                if (!p.waitFor(timeout.get().plus(TIMEOUT_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly(); // the child did not stop itself: it cannot have recorded anything useful
                }
            }
            code = p.waitFor();
            out.join();
            err.join();
        } catch (InterruptedException e) {
            interrupt();
            Thread.currentThread().interrupt();
            code = ExitCodes.INTERRUPTED;
        }
        Optional<TaskState> state = binding.datastore().readTask(req.path());
        var done = state.filter(s -> s.finishedAttempt() != null && s.finishedAttempt() == req.retryCount())
                .map(TaskState::done);
        String message = null;
        if (code != ExitCodes.OK) {
            message = done.map(d -> d.error() != null ? d.outcome() + ": " + firstLine(d.error().message())
                    : d.outcome().toString()).orElse("the child process exited with code " + code
                            + " without recording the task's end (killed?); the task has no done.json");
        } else if (done.isEmpty()) {
            code = ExitCodes.TRANSIENT;
            message = "the child process exited 0 but recorded no done.json for attempt " + req.retryCount();
        }
        return new TaskResult(req.path(), req.retryCount(), code, done, message);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** Asks the child to stop (SIGTERM: its shutdown hook records the task INTERRUPTED). */
    void interrupt() {
        interrupted = true;
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private Thread pump(InputStream in, PrintStream to, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (to) {
                        to.print(prefix);
                        to.println(line);
                    }
                }
            } catch (IOException e) {
                // the child is gone; what it printed is stored with its attempt anyway
            }
        }, "baton-child-" + name + "-" + req.taskId());
        t.setDaemon(true);
        t.start();
        return t;
    }
}
