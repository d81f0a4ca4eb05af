package dev.baton.executor;

import dev.baton.flow.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a task stands in a run, independent of its task id: the step, the indices of the enclosing foreach and
 * gang splits (outermost first), and how many earlier tasks of the same step ran at the same indices (the loop
 * iteration of a switch that points back). Two runs of the same flow that take the same path give their tasks
 * the same positions, which is how {@code resume} matches a new run's tasks to an origin run's (never by task
 * id). Recorded in each attempt's metadata under {@link #ATTEMPT_KEY}.
 *
 * @param step the step
 * @param indices foreach and gang indices, outermost first
 * @param iteration 0 for the first task of this step at these indices, 1 for the next loop iteration, ...
 */
public record TaskPosition(String step, List<Integer> indices, int iteration) {
    /** The key of {@code AttemptRecord.environment} holding {@link #toString()}. */
    public static final String ATTEMPT_KEY = "baton.position";

    public TaskPosition {
        indices = List.copyOf(indices);
    }

    /** {@code step[0,3]#1}; {@code step[]#0} for a top-level, first-iteration task. */
    @Override
    public String toString() {
        return step + indices.toString().replace(" ", "") + "#" + iteration;
    }

    /** Parses {@link #toString()}. */
    public static TaskPosition parse(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf(']');
        int hash = text.lastIndexOf('#');
        if (open <= 0 || close < open || hash != close + 1) {
            throw new ConfigurationException("'" + text + "' is not a task position step[i,j]#n");
        }
        List<Integer> idx = new ArrayList<>();
        String inner = text.substring(open + 1, close);
        if (!inner.isEmpty()) {
            for (String s : inner.split(",")) {
                idx.add(Integer.parseInt(s));
            }
        }
        return new TaskPosition(text.substring(0, open), idx, Integer.parseInt(text.substring(hash + 1)));
    }
}
