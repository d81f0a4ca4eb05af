package dev.baton.cli.internal.inspect;

import dev.baton.client.Attempt;
import dev.baton.client.Client;
import dev.baton.client.FlowHandle;
import dev.baton.client.NotFoundException;
import dev.baton.client.Run;
import dev.baton.client.StepHandle;
import dev.baton.client.TaskHandle;
import dev.baton.client.TaskStatus;
import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.FlowDatastore.LogStream;
import dev.baton.flow.CaughtException;
import dev.baton.flow.ForeachFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@code show}, {@code dump} and {@code logs} print, over the client API: one instance per command, for
 * one flow. Missing things are {@link NotFoundException}s naming what is missing and listing what exists.
 */
public final class Inspector {
    private final Client client;
    private final String flowName;
    private final PrintWriter out;

    public Inspector(Client client, String flowName, PrintWriter out) {
        this.client = client;
        this.flowName = flowName;
        this.out = out;
    }

    /** {@code show [RUN[/STEP[/TASK]]]}. */
    public void show(String pathspec) {
        FlowHandle flow = client.flow(flowName);
        if (pathspec == null) {
            showRuns(flow);
            return;
        }
        Pathspec spec = Pathspec.parse(pathspec, flowName);
        Run run = flow.run(spec.run());
        if (spec.step() == null) {
            showRun(run);
        } else if (spec.task() == null) {
            showStep(run.step(spec.step()));
        } else {
            showTask(run.step(spec.step()).task(spec.task()));
        }
    }

    private void showRuns(FlowHandle flow) {
        List<Run> runs = flow.runs();
        out.println(flowName + ": " + runs.size() + " run" + (runs.size() == 1 ? "" : "s") + " in " + client.root()
                + (client.namespace() == null ? "" : " (namespace " + client.namespace() + ")") + ", newest first");
        Text.Table table = new Text.Table("RUN", "STATUS", "CREATED (UTC)", "DURATION", "USER", "ORIGIN", "TAGS");
        for (Run run : runs) {
            table.row(run.id(), run.status(), Text.time(run.createdAt()), Text.duration(run.duration()), run.user(),
                    run.originRunId().orElse("-"), run.tags().isEmpty() ? "-" : String.join(",", run.tags()));
        }
        if (!table.isEmpty()) {
            out.print(table.render(""));
        }
    }

    private void showRun(Run run) {
        out.println("Run " + run.pathspec() + "  " + run.status());
        out.println("  created   " + Text.time(run.createdAt()) + " UTC by " + run.user());
        out.println("  finished  " + Text.time(run.finishedAt()) + (run.finishedAt().isPresent() ? " UTC" : "")
                + "  (" + Text.duration(run.duration()) + ")");
        run.originRunId().ifPresent(origin -> out.println("  resumed   from run " + origin));
        if (!run.tags().isEmpty()) {
            out.println("  tags      " + String.join(", ", run.tags()));
        }
        if (!run.parameterRefs().isEmpty()) {
            ValueFormatter values = new ValueFormatter(200);
            out.println("  parameters");
            Map<String, Object> parameters = run.parameters();
            for (String name : new TreeMap<>(run.parameterRefs()).keySet()) {
                out.println("    " + name + " = " + Text.oneLine(values.format(parameters.get(name)), 200));
            }
        }
        out.println();
        Text.Table table = new Text.Table("STEP", "TASKS", "STATUS", "DURATION", "REUSED");
        for (StepHandle step : run.steps()) {
            List<TaskHandle> tasks = step.tasks();
            long reused = tasks.stream().filter(t -> t.origin().isPresent()).count();
            table.row(step.name(), tasks.size(), statusCounts(tasks), Text.duration(stepDuration(tasks)),
                    reused == 0 ? "-" : reused);
        }
        if (table.isEmpty()) {
            out.println("  no step has started");
        } else {
            out.print(table.render("  "));
        }
    }

    /** {@code 3 SUCCEEDED}, or {@code 1 FAILED, 99 SUCCEEDED}: failures first. */
    private static String statusCounts(List<TaskHandle> tasks) {
        Map<TaskStatus, Long> counts = tasks.stream()
                .collect(Collectors.groupingBy(TaskHandle::status, () -> new TreeMap<>(
                        (a, b) -> a == b ? 0 : a == TaskStatus.SUCCEEDED ? 1 : b == TaskStatus.SUCCEEDED ? -1
                                : a.compareTo(b)), Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    /** From the first task's start to the last task's end: the step's wall time. */
    private static java.time.Duration stepDuration(List<TaskHandle> tasks) {
        Optional<java.time.Instant> start = tasks.stream().map(TaskHandle::startedAt).flatMap(Optional::stream)
                .min(java.time.Instant::compareTo);
        Optional<java.time.Instant> end = tasks.stream().map(TaskHandle::finishedAt).flatMap(Optional::stream)
                .max(java.time.Instant::compareTo);
        return start.isPresent() && end.isPresent() && tasks.stream().allMatch(TaskHandle::finished)
                ? java.time.Duration.between(start.get(), end.get()) : null;
    }

    private void showStep(StepHandle step) {
        List<TaskHandle> tasks = step.tasks();
        out.println("Step " + step.pathspec() + ": " + tasks.size() + " task" + (tasks.size() == 1 ? "" : "s")
                + " (" + statusCounts(tasks) + ")");
        Text.Table table = new Text.Table("TASK", "FOREACH", "STATUS", "ATTEMPTS", "STARTED (UTC)", "DURATION",
                "ORIGIN", "ERROR");
        for (TaskHandle task : tasks) {
            table.row(task.id(), foreach(task), task.status(), task.attempts().size(), Text.time(task.startedAt()),
                    Text.duration(task.duration()), task.origin().orElse("-"), errorLine(task));
        }
        out.print(table.render("  "));
    }

    private static String foreach(TaskHandle task) {
        List<ForeachFrame> stack = task.foreachStack();
        if (stack.isEmpty()) {
            return task.splitIndex().map(i -> "[" + i + "]").orElse("-");
        }
        return stack.stream().map(f -> f.index() + "/" + f.count()).collect(Collectors.joining(",", "[", "]"));
    }

    private static String errorLine(TaskHandle task) {
        if (task.status() == TaskStatus.KILLED) {
            return "attempt " + task.currentAttempt() + " started and never finished (killed?)";
        }
        if (task.status() == TaskStatus.RUNNING_OR_KILLED) {
            return "attempt " + task.currentAttempt() + " running, or killed without a trace";
        }
        return task.exception().map(e -> Text.oneLine(e.type() + (e.message() == null ? "" : ": " + e.message()), 100))
                .map(e -> task.successful() ? "caught " + e : e)
                .orElse("-");
    }

    private void showTask(TaskHandle task) {
        out.println("Task " + task.pathspec() + "  " + task.status());
        List<ForeachFrame> stack = task.foreachStack();
        if (!stack.isEmpty()) {
            out.println("  foreach   " + stack.stream()
                    .map(f -> f.stepName() + "[" + f.index() + " of " + f.count() + "]")
                    .collect(Collectors.joining(" > ")));
        } else {
            task.splitIndex().ifPresent(i -> out.println("  index     " + i));
        }
        if (!task.inputPaths().isEmpty()) {
            out.println("  inputs    " + abbreviate(task.inputPaths()));
        }
        task.origin().ifPresent(origin -> out.println("  cloned    from " + origin + " (resume: no step code ran)"));
        out.println();
        out.println("  attempts");
        Text.Table attempts = new Text.Table("#", "STATUS", "STARTED (UTC)", "DURATION", "HOST", "BATCH JOB");
        for (Attempt attempt : task.attempts()) {
            attempts.row(attempt.number(), attempt.status(), Text.time(attempt.startedAt()),
                    Text.duration(attempt.duration()), attempt.host(),
                    attempt.environment().getOrDefault("AWS_BATCH_JOB_ID", "-"));
        }
        out.print(attempts.render("    "));
        out.println();
        Map<String, ArtifactRef> artifacts = task.artifacts();
        if (artifacts.isEmpty()) {
            out.println("  artifacts: none");
        } else {
            out.println("  artifacts");
            Text.Table table = new Text.Table("NAME", "TYPE", "SIZE", "KEY");
            artifacts.forEach((name, ref) ->
                    table.row(name, ref.type(), Text.size(ref.size()), ref.key().substring(0, 12)));
            out.print(table.render("    "));
        }
        Optional<CaughtException> error = task.exception();
        if (error.isPresent()) {
            out.println();
            out.println(task.successful() ? "  caught by @Catch" : "  error");
            CaughtException e = error.get();
            out.println("    " + e.type() + (e.message() == null ? "" : ": " + e.message()));
            for (String line : e.stackTraceLines()) {
                out.println("    " + line);
            }
        } else if (!task.finished() || task.status() == TaskStatus.KILLED) {
            out.println();
            out.println("  attempt " + task.currentAttempt() + " started and never recorded an end: "
                    + (task.status() == TaskStatus.KILLED ? "it was killed (kill -9, out of memory, lost host)"
                            : "it is still running, or was killed without a trace"));
        }
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 5 ? String.join(", ", items)
                : String.join(", ", items.subList(0, 5)) + ", ... (" + items.size() + " in all)";
    }

    /** {@code dump RUN/STEP[/TASK] [ARTIFACT]}. */
    public void dump(String pathspec, String artifact, int maxChars) {
        TaskHandle task = task(Pathspec.parseStep(pathspec, flowName, "dump"));
        ValueFormatter values = new ValueFormatter(maxChars);
        if (artifact != null) {
            out.println(values.format(task.artifact(artifact)));
            return;
        }
        Map<String, ArtifactRef> artifacts = task.artifacts();
        if (artifacts.isEmpty()) {
            out.println("task " + task.pathspec() + " holds no artifacts (" + task.status() + ")");
            return;
        }
        for (Map.Entry<String, ArtifactRef> entry : artifacts.entrySet()) {
            String text = values.format(task.artifact(entry.getKey()));
            ArtifactRef ref = entry.getValue();
            String head = entry.getKey() + " (" + ref.type() + ", " + Text.size(ref.size()) + ")";
            if (text.contains("\n")) {
                out.println(head + ":");
                text.lines().forEach(line -> out.println("  " + line));
            } else {
                out.println(head + ": " + text);
            }
        }
    }

    /** {@code logs RUN/STEP[/TASK] [--stderr] [--attempt N]}: the log as stored (UTF-8 text), streamed. */
    public void logs(String pathspec, boolean stderr, Integer attempt) {
        TaskHandle task = task(Pathspec.parseStep(pathspec, flowName, "logs"));
        int number = attempt == null ? task.currentAttempt() : attempt;
        LogStream stream = stderr ? LogStream.STDERR : LogStream.STDOUT;
        Optional<InputStream> log = task.openLog(number, stream);
        if (log.isEmpty()) {
            return;
        }
        try (Reader in = new InputStreamReader(log.get(), StandardCharsets.UTF_8)) {
            in.transferTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + stream.suffix() + " of " + task.pathspec()
                    + " attempt " + number, e);
        }
    }

    private TaskHandle task(Pathspec spec) {
        StepHandle step = client.flow(flowName).run(spec.run()).step(spec.step());
        return spec.task() == null ? step.task() : step.task(spec.task());
    }
}
