package dev.baton.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.meta.RunRecord.RunStatus;
import dev.baton.datastore.meta.TaskState;
import dev.baton.executor.flows.ShapeFlows;
import dev.baton.flow.FlowSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every graph shape of issue 3 runs end to end on the local runtime (thread isolation) and the real datastore. */
class GraphShapesRunTest {
    @TempDir
    Path root;

    private Harness harness(Class<? extends FlowSpec> flow) {
        return new Harness(root, flow);
    }

    private static void assertSucceeded(RunResult r, Harness h) {
        assertEquals(RunStatus.SUCCEEDED, r.status(), () -> r.failedTasks() + "\n" + h.consoleText());
        assertEquals(RunStatus.SUCCEEDED, h.datastore.readRun(r.runId()).orElseThrow().status());
    }

    @Test
    void linear() {
        try (Harness h = harness(ShapeFlows.Linear.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals(20, h.artifact(r.runId(), "end", "x"));
            assertEquals("start>middle>end", h.artifact(r.runId(), "end", "trail"));
            assertEquals(3, r.tasksRun());
        }
    }

    @Test
    void twoWayBranch() {
        try (Harness h = harness(ShapeFlows.TwoWay.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals(6 + 7 + 5, h.artifact(r.runId(), "end", "sum"));
            // merged by key: base agreed on by both branches; a and b were excluded
            TaskState join = h.task(r.runId(), "join");
            assertEquals(5, h.artifact(join, "base"));
            assertTrue(!join.data().artifacts().containsKey("a") || (int) h.artifact(join, "a") == 0);
        }
    }

    @Test
    void threeLevelsOfNestedBranches() {
        try (Harness h = harness(ShapeFlows.Nested3.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals("lll,llr,lrl,lrr,rll,rlr,rrl,rrr", h.artifact(r.runId(), "end", "leaves"));
        }
    }

    @Test
    void foreachWithTwoInnerSteps() {
        try (Harness h = harness(ShapeFlows.ForeachTwo.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals(List.of(100, 401, 902, 1603), h.artifact(r.runId(), "end", "results"));
            assertEquals(4, h.tasks(r.runId(), "first").size());
            assertEquals(4, h.tasks(r.runId(), "second").size());
            // a join inherits nothing implicitly: 'value', set in the branches and not merged, is not stored as
            // the int default 0 by the join, nor passed on to end
            assertFalse(h.task(r.runId(), "join").data().artifacts().containsKey("value"));
            assertFalse(h.task(r.runId(), "end").data().artifacts().containsKey("value"));
            assertEquals(Set.of("results"), h.task(r.runId(), "end").data().artifacts().keySet());
        }
    }

    @Test
    void nestedForeachThreeDeep() {
        try (Harness h = harness(ShapeFlows.Foreach3.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            @SuppressWarnings("unchecked")
            List<String> paths = (List<String>) h.artifact(r.runId(), "end", "paths");
            assertEquals(12, paths.size());
            assertEquals("a@0/2 a1@0/2 x@0/3", paths.get(0));
            assertEquals("a@0/2 a2@1/2 y@1/3", paths.get(4));
            assertEquals("b@1/2 b2@1/2 z@2/3", paths.get(11));
        }
    }

    @Test
    void gangOfFour() {
        try (Harness h = harness(ShapeFlows.Gang.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals(List.of(0, 10, 20, 30), h.artifact(r.runId(), "end", "members"));
        }
    }

    @Test
    void switchWithThreeCases() {
        try (Harness h = harness(ShapeFlows.Switch3.class)) {
            for (var c : Map.of("fast", "start>fast>finish", "slow", "start>slow>finish", "skip", "start>finish")
                    .entrySet()) {
                RunResult r = h.run(Map.of("mode", c.getKey()));
                assertSucceeded(r, h);
                assertEquals(c.getValue(), h.artifact(r.runId(), "end", "route"));
                assertEquals(c.getKey(), h.task(r.runId(), "start").done().switchValue());
            }
        }
    }

    @Test
    void switchInsideABranch() {
        try (Harness h = harness(ShapeFlows.SwitchInBranch.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals("large,other", h.artifact(r.runId(), "end", "all"));
            assertTrue(h.tasks(r.runId(), "small").isEmpty());
        }
    }

    @Test
    void switchInsideAForeach() {
        try (Harness h = harness(ShapeFlows.SwitchInForeach.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals(List.of("A:a1", "B:b2", "A:a3"), h.artifact(r.runId(), "end", "results"));
            assertEquals(2, h.tasks(r.runId(), "handleA").size());
        }
    }

    @Test
    void switchLeadingToASwitch() {
        try (Harness h = harness(ShapeFlows.SwitchToSwitch.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals("start>again>z", h.artifact(r.runId(), "end", "route"));
        }
    }

    @Test
    void foreachInsideASwitchCase() {
        try (Harness h = harness(ShapeFlows.ForeachInSwitch.class)) {
            RunResult fan = h.run();
            assertSucceeded(fan, h);
            assertEquals(12, h.artifact(fan.runId(), "end", "total"));
            RunResult skip = h.run(Map.of("mode", "skip"));
            assertSucceeded(skip, h);
            assertEquals(-1, h.artifact(skip.runId(), "end", "total"));
            assertTrue(h.tasks(skip.runId(), "body").isEmpty());
        }
    }

    @Test
    void branchInsideASwitchCase() {
        try (Harness h = harness(ShapeFlows.BranchInSwitch.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals("p+q", h.artifact(r.runId(), "end", "sides"));
        }
    }

    @Test
    void loopEachIterationIsItsOwnTask() {
        try (Harness h = harness(ShapeFlows.Loop.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals(4, h.artifact(r.runId(), "end", "count"));
            List<TaskState> loops = h.tasks(r.runId(), "loop");
            assertEquals(4, loops.size());
            assertEquals(loops.stream().map(t -> t.path().taskId()).toList(), h.artifact(r.runId(), "end", "visits"));
            // positions distinguish the iterations
            assertEquals(List.of("loop[]#0", "loop[]#1", "loop[]#2", "loop[]#3"), loops.stream()
                    .map(t -> t.attemptRecord().environment().get(TaskPosition.ATTEMPT_KEY)).toList());
        }
    }

    @Test
    void loopInsideAForeach() {
        try (Harness h = harness(ShapeFlows.LoopInForeach.class)) {
            RunResult r = h.run();
            assertSucceeded(r, h);
            assertEquals(List.of(2, 3, 1), h.artifact(r.runId(), "end", "counts"));
            assertEquals(6, h.tasks(r.runId(), "body").size());
        }
    }
}
