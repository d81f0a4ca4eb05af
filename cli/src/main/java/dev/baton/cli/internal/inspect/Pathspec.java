package dev.baton.cli.internal.inspect;

import dev.baton.flow.ConfigurationException;

/**
 * A {@code RUN[/STEP[/TASK]]} argument of {@code show}, {@code dump}, {@code logs}, {@code rerun}. A leading
 * {@code Flow/} is accepted when it names the command's flow, so pathspecs copied from {@code show} or the
 * client ({@code Flow/run/step/task}) work too.
 *
 * @param run the run id
 * @param step the step, or null
 * @param task the task id, or null
 */
public record Pathspec(String run, String step, String task) {

    /** Parses {@code text}, dropping a leading {@code flowName/}. */
    public static Pathspec parse(String text, String flowName) {
        String spec = text;
        if (spec.startsWith(flowName + "/")) {
            spec = spec.substring(flowName.length() + 1);
        }
        String[] parts = spec.split("/", -1);
        if (parts.length > 3) {
            throw new ConfigurationException("'" + text + "' is not a pathspec: expected RUN, RUN/STEP or RUN/STEP/TASK"
                    + " (of flow " + flowName + ")");
        }
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new ConfigurationException("'" + text
                        + "' is not a pathspec: expected RUN, RUN/STEP or RUN/STEP/TASK with no empty part");
            }
        }
        return new Pathspec(parts[0], parts.length > 1 ? parts[1] : null, parts.length > 2 ? parts[2] : null);
    }

    /** Like {@link #parse} but requires at least {@code RUN/STEP}. */
    public static Pathspec parseStep(String text, String flowName, String command) {
        Pathspec spec = parse(text, flowName);
        if (spec.step == null) {
            throw new ConfigurationException(command + " needs RUN/STEP[/TASK], got '" + text
                    + "'; see the run's steps with: baton show " + spec.run);
        }
        return spec;
    }

    @Override
    public String toString() {
        return run + (step == null ? "" : "/" + step + (task == null ? "" : "/" + task));
    }
}
