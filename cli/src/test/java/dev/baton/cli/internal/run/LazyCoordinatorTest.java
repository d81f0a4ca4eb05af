package dev.baton.cli.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.coordinator.ForeachCoordinator;
import dev.baton.coordinator.ForeachCoordinators;
import dev.baton.examples.BranchFlow;
import dev.baton.examples.ForeachFlow;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.flow.graph.FlowGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which steps' tasks open the foreach coordinator, and a lazily opened one behaves as the coordinator itself. */
class LazyCoordinatorTest {

    @Test
    void splitsSwitchesJoinsAndArrivalsAtAJoinUseTheCoordinatorOtherStepsDoNot() {
        FlowGraph hello = FlowGraph.of(HelloFlow.class);
        for (String step : List.of("start", "hello", "end")) {
            assertFalse(LazyCoordinator.usedBy(hello, step), step);
        }
        FlowGraph foreach = FlowGraph.of(ForeachFlow.class);
        assertTrue(LazyCoordinator.usedBy(foreach, "start")); // records the cardinality
        assertTrue(LazyCoordinator.usedBy(foreach, "square")); // registers its arrival at the join
        assertTrue(LazyCoordinator.usedBy(foreach, "join")); // lists its inputs
        assertFalse(LazyCoordinator.usedBy(foreach, "end"));
        FlowGraph branch = FlowGraph.of(BranchFlow.class);
        assertTrue(LazyCoordinator.usedBy(branch, "join"));
        assertFalse(LazyCoordinator.usedBy(branch, "end"));
        FlowGraph choice = FlowGraph.of(SwitchFlow.class);
        assertTrue(LazyCoordinator.usedBy(choice, "check")); // records its choice
        assertFalse(LazyCoordinator.usedBy(choice, "work"));
        assertTrue(LazyCoordinator.usedBy(choice, "no-such-step")); // opened as always; the executor reports it
    }

    @Test
    void itOpensOnFirstUseOnlyAndThenActsAsTheCoordinator(@TempDir Path dir) {
        int[] opened = {0};
        LazyCoordinator lazy = new LazyCoordinator(() -> {
            opened[0]++;
            return ForeachCoordinators.local(dir);
        });
        lazy.close(); // never used: nothing was opened, nothing to close
        assertEquals(0, opened[0]);

        LazyCoordinator used = new LazyCoordinator(() -> {
            opened[0]++;
            return ForeachCoordinators.local(dir);
        });
        used.recordSplit("F/1/start/t1", 2);
        assertEquals(OptionalInt.of(2), used.cardinality("F/1/start/t1"));
        used.close();
        assertEquals(1, opened[0]);
        try (ForeachCoordinator direct = ForeachCoordinators.local(dir)) {
            assertEquals(OptionalInt.of(2), direct.cardinality("F/1/start/t1")); // written through to the store
        }
    }
}
