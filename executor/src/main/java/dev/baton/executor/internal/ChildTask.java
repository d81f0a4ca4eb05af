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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
    private final ClassDataSharing cds;
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
        this.cds = classDataSharing(childCommand);
        List<String> cmd = new ArrayList<>(cds.command());
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
     * The class-data-sharing arguments of one child, and, when this child is the one to dump the archive, where
     * it dumps it and where the archive is published once the child has exited.
     *
     * <p>Why a temporary file: the JVM writes {@code -XX:ArchiveClassesAtExit} in place while it exits, so a child
     * (of this run or of another run sharing the jar) that saw the final name appear and mapped it could map a
     * half-written archive and crash. The dump goes to a private temporary name and is renamed into place
     * atomically after the dumping child has exited normally, as the {@code baton} launcher does.
     */
    record ClassDataSharing(List<String> command, Path dumpTo, Path archive, Path lock) {
        /**
         * Publishes the dumped archive if the child exited by itself (not killed by a signal: exit code below
         * 128); else drops it, as {@link #discard} does, so a later child tries again.
         */
        void publish(int exitCode) {
            if (dumpTo == null) {
                return;
            }
            try {
                if (exitCode < 128 && Files.isRegularFile(dumpTo) && Files.size(dumpTo) > 0) {
                    Files.move(dumpTo, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException | RuntimeException e) {
                // CDS is an optimization: children simply start without it
            } finally {
                discard();
            }
        }

        /** Drops the dump (never started, or cut short) and releases the claim, so a later child tries again. */
        void discard() {
            if (dumpTo == null) {
                return;
            }
            try {
                Files.deleteIfExists(dumpTo);
                Files.deleteIfExists(lock);
            } catch (IOException e) {
                // a leftover lock expires (see classDataSharing)
            }
        }
    }

    /**
     * A child command may ask for a class-data-sharing archive to be dumped ({@code -XX:ArchiveClassesAtExit=F}):
     * once F exists, children map it instead ({@code -XX:SharedArchiveFile=F}); the first child to claim
     * {@code F.lock} dumps it (to a temporary name, published by {@link ClassDataSharing#publish}); children started
     * while it is being dumped go without.
     */
    static ClassDataSharing classDataSharing(List<String> command) {
        List<String> out = new ArrayList<>(command.size());
        Path dumpTo = null;
        Path archive = null;
        Path lock = null;
        for (String arg : command) {
            if (!arg.startsWith(CDS_DUMP)) {
                out.add(arg);
                continue;
            }
            Path target = Path.of(arg.substring(CDS_DUMP.length()));
            if (Files.isRegularFile(target)) {
                out.add("-XX:SharedArchiveFile=" + target);
                out.add("-Xlog:cds=off,cds+dynamic=off"); // a stale archive is silently ignored, not reported
            } else {
                Path claim = target.resolveSibling(target.getFileName() + ".lock");
                try {
                    // a lock left by a dump that never finished (killed parent) expires, so CDS is tried again
                    if (Files.isRegularFile(claim) && Files.getLastModifiedTime(claim)
                            .toInstant().isBefore(Instant.now().minus(Duration.ofMinutes(10)))) {
                        Files.deleteIfExists(claim);
                        // and the half-written dump that killed parent left behind
                        try (var stale = Files.newDirectoryStream(target.getParent(), target.getFileName() + ".*.tmp")) {
                            for (Path t : stale) {
                                Files.deleteIfExists(t);
                            }
                        }
                    }
                    Files.createFile(claim);
                    lock = claim;
                    archive = target;
                    dumpTo = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + "."
                            + UUID.randomUUID() + ".tmp");
                    out.add(CDS_DUMP + dumpTo);
                    out.add("-Xlog:cds=off,cds+dynamic=off");
                } catch (IOException | RuntimeException e) {
                    // another child is dumping it (or the directory is unusable): start without CDS
                }
            }
        }
        return new ClassDataSharing(List.copyOf(out), dumpTo, archive, lock);
    }

    List<String> command() {
        return command;
    }

    TaskResult run() {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        // what the session's store found out (e.g. an S3-compatible endpoint's conditional writes): not again per task
        env.putAll(binding.datastore().taskEnvironment());
        env.putAll(node.decorators().environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            cds.discard(); // never started: release the dump claim
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
            cds.publish(code);
            out.join();
            err.join();
        } catch (InterruptedException e) {
            interrupt();
            Thread.currentThread().interrupt();
            code = ExitCodes.INTERRUPTED;
            cds.discard(); // the dump may be cut short: drop it
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
