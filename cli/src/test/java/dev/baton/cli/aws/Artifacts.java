package dev.baton.cli.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.client.Run;
import dev.baton.client.StepHandle;
import dev.baton.client.TaskHandle;
import dev.baton.datastore.ArtifactRef;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** Comparisons of what two runs of the same flow stored, through the client API. */
final class Artifacts {
    private Artifacts() {}

    /**
     * Asserts that {@code actual} has the same steps as {@code expected}, the same number of tasks per step at the
     * same foreach positions, and for every task the same artifact names and references (content key, type,
     * size); each distinct value is loaded from both runs and compared once (arrays by content). Task ids may differ; tasks are paired in the client's foreach order.
     *
     * @return how many artifacts were compared
     */
    static int assertSameRun(Run expected, Run actual) {
        assertTrue(expected.successful(), () -> "the reference run " + expected.pathspec() + " did not succeed");
        assertTrue(actual.successful(), () -> "run " + actual.pathspec() + " did not succeed: " + actual.status());
        List<String> steps = expected.steps().stream().map(StepHandle::name).sorted().toList();
        assertEquals(steps, actual.steps().stream().map(StepHandle::name).sorted().toList(), "steps");
        int compared = 0;
        // content-addressed: equal keys name one blob; each distinct value is loaded and compared once
        Set<String> valuesCompared = new HashSet<>();
        for (String step : steps) {
            List<TaskHandle> want = expected.step(step).tasks();
            List<TaskHandle> got = actual.step(step).tasks();
            assertEquals(want.size(), got.size(), () -> "tasks of step " + step);
            for (int i = 0; i < want.size(); i++) {
                TaskHandle w = want.get(i);
                TaskHandle g = got.get(i);
                assertEquals(indices(w), indices(g), () -> "foreach position of " + g.pathspec());
                Map<String, ArtifactRef> wantRefs = new TreeMap<>(w.artifacts());
                Map<String, ArtifactRef> gotRefs = new TreeMap<>(g.artifacts());
                assertEquals(wantRefs.keySet(), gotRefs.keySet(), () -> "artifact names of " + g.pathspec());
                for (var e : wantRefs.entrySet()) {
                    String name = e.getKey();
                    assertEquals(e.getValue(), gotRefs.get(name),
                            () -> "reference (content key, type, size) of artifact '" + name + "' of " + g.pathspec()
                                    + " vs " + w.pathspec());
                    compared++;
                    if (!valuesCompared.add(e.getValue().key())) {
                        continue;
                    }
                    Object wv = w.artifact(name);
                    Object gv = g.artifact(name);
                    assertTrue(Objects.deepEquals(wv, gv), () -> "value of artifact '" + name + "' of "
                            + g.pathspec() + ": " + show(gv) + ", expected " + show(wv));
                }
            }
        }
        return compared;
    }

    private static List<Integer> indices(TaskHandle t) {
        return t.foreachStack().stream().map(f -> f.index()).toList();
    }

    private static String show(Object v) {
        return v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v);
    }
}
