package dev.baton.stepfunctions;

import java.nio.charset.StandardCharsets;

/**
 * The datastore objects that a compiled state machine reads or writes itself, through its S3 service
 * integrations, rather than through a Baton task: their keys are a contract between the compiler, which computes
 * them from the state data, and the code that writes or reads them on the other side. All of them live under the
 * datastore root ({@code s3://bucket/prefix}), in the layout of DESIGN.md:
 *
 * <pre>
 * &lt;Flow&gt;/&lt;run&gt;/_run.json                                  the run record; on failure the machine marks it FAILED
 * &lt;Flow&gt;/&lt;run&gt;/&lt;step&gt;/&lt;task&gt;/_foreach_items.json          a foreach split's indices, for a Distributed Map
 * &lt;Flow&gt;/&lt;run&gt;/&lt;step&gt;/&lt;task&gt;/_map_results/...            that Distributed Map's ResultWriter output
 * </pre>
 *
 * <p>The two task-level kinds sit in the split task's directory but outside its attempts: the state machine
 * cannot know which attempt of the split succeeded, and the content depends only on the split's cardinality, so
 * every successful attempt writes the same bytes. Readers of a task directory only take
 * {@code <attempt>.<kind>.json} names, so they never mistake these for attempts.
 */
public final class StateMachineObjects {
    /** The run record's file name, in the run's directory (as the datastore names it). */
    public static final String RUN_FILE = "_run.json";

    /** The file name of a foreach split's items object, in the split task's directory. */
    public static final String FOREACH_ITEMS_FILE = "_foreach_items.json";

    /** The directory name of a Distributed Map's results, in the split task's directory. */
    public static final String MAP_RESULTS_DIR = "_map_results";

    /**
     * Set (non-empty) in a foreach split's container by a state machine compiled with {@code --use-distributed-map}:
     * the split task then writes its items object. Local runs never set it, so they write nothing extra.
     */
    public static final String FOREACH_ITEMS_ENV = "BATON_FOREACH_ITEMS";

    private StateMachineObjects() {}

    /** {@code <Flow>/<run>/<step>/<task>/_foreach_items.json}, relative to the datastore root. */
    public static String foreachItemsPath(String flow, String runId, String step, String taskId) {
        return flow + "/" + runId + "/" + step + "/" + taskId + "/" + FOREACH_ITEMS_FILE;
    }

    /**
     * The items object of a split with {@code count} elements: the JSON array {@code ["0","1",...]} of its indices,
     * as strings because each becomes a child's {@code BATON_SPLIT_INDEX} environment value, which Batch takes as
     * a string. A child loads its own element by index; the values never travel through the state machine.
     */
    public static byte[] foreachItemsJson(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative foreach cardinality " + count);
        }
        StringBuilder sb = new StringBuilder(count * 8 + 2).append('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(i).append('"');
        }
        return sb.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }
}
