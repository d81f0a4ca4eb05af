package dev.baton.executor;

import dev.baton.datastore.TaskPath;
import dev.baton.flow.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parents of a task, as named on the command line by {@code --input-paths}.
 *
 * <ul>
 *   <li>{@link None}: {@code start}, whose only input is the run's parameters;</li>
 *   <li>{@link Paths}: a comma list {@code run/step/t1,run/step/t2} or the compact common-prefix form
 *       {@code run/step/:t1,t2,...} (both may be mixed: {@code r/a/:1,2,r/b/7});</li>
 *   <li>{@link JoinSplit}: {@code --input-paths run/split/task --join-split}: a foreach (or gang) join names
 *       the split task instead of every child; the foreach coordinator lists the children, in foreach-index
 *       order, so no command line grows with the fan-out.</li>
 * </ul>
 */
public sealed interface TaskInputs {

    /** No parent: the {@code start} step. */
    record None() implements TaskInputs {}

    /** Explicit parents, in input order (a static branch join sees them in this order). */
    record Paths(List<TaskPath> paths) implements TaskInputs {
        public Paths {
            paths = List.copyOf(paths);
            if (paths.isEmpty()) {
                throw new ConfigurationException("--input-paths names no task; expected run/step/task[,...]");
            }
        }
    }

    /** A foreach or gang join naming its split task; the coordinator lists the registered children. */
    record JoinSplit(TaskPath splitTask) implements TaskInputs {}

    /**
     * Parses {@code --input-paths}.
     *
     * @param value the option value, or null/empty for none
     * @param joinSplit true with {@code --join-split}: the value is the single split task
     */
    static TaskInputs parse(String value, boolean joinSplit) {
        if (value == null || value.isBlank()) {
            if (joinSplit) {
                throw new ConfigurationException("--join-split needs --input-paths naming the split task run/step/task");
            }
            return new None();
        }
        if (joinSplit) {
            return new JoinSplit(TaskPath.parse(value.trim()));
        }
        List<TaskPath> out = new ArrayList<>();
        String prefix = null; // "run/step/" while inside a compact group
        for (String raw : value.split(",")) {
            String part = raw.trim();
            if (part.isEmpty()) {
                throw new ConfigurationException("--input-paths '" + value + "' has an empty element");
            }
            int colon = part.indexOf("/:");
            if (colon >= 0) {
                prefix = part.substring(0, colon + 1);
                out.add(TaskPath.parse(prefix + part.substring(colon + 2)));
            } else if (part.contains("/")) {
                prefix = null;
                out.add(TaskPath.parse(part));
            } else if (prefix != null) {
                out.add(TaskPath.parse(prefix + part));
            } else {
                throw new ConfigurationException("--input-paths element '" + part + "' is not run/step/task (nor part of"
                        + " a compact run/step/:t1,t2 group)");
            }
        }
        return new Paths(out);
    }

    /** The inverse of {@link #parse}: the {@code --input-paths} value, compact where tasks share run and step. */
    default String format() {
        if (this instanceof None) {
            return "";
        }
        if (this instanceof JoinSplit j) {
            return j.splitTask().toString();
        }
        StringBuilder sb = new StringBuilder();
        String group = null;
        for (TaskPath p : ((Paths) this).paths()) {
            String prefix = p.runId() + "/" + p.step() + "/";
            if (sb.length() > 0) {
                sb.append(',');
            }
            if (prefix.equals(group)) {
                sb.append(p.taskId());
            } else {
                sb.append(prefix).append(':').append(p.taskId());
                group = prefix;
            }
        }
        return sb.toString();
    }

    /** True for {@link JoinSplit}: the command line needs {@code --join-split}. */
    default boolean joinSplit() {
        return this instanceof JoinSplit;
    }
}
