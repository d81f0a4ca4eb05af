package dev.baton.executor.internal.enhance;

import static dev.baton.executor.internal.enhance.Reflect.bound;
import static dev.baton.executor.internal.enhance.Reflect.call;
import static dev.baton.executor.internal.enhance.Reflect.inputs;
import static dev.baton.executor.internal.enhance.Reflect.newFlow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.executor.internal.enhance.FieldAccess.State;
import dev.baton.executor.internal.enhance.fixtures.LazyFlow;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.internal.FlowSpecAccess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hooks, as the enhanced bytecode calls them, for every way user code reaches an artifact field. */
class LazyFieldTest {
    private static final Class<? extends FlowSpec> FLOW = FlowClassLoading.enhance(LazyFlow.class);
    private static final FieldAccess ACCESS = FieldAccess.of(FLOW);

    private final RecordingContext context = new RecordingContext();

    @Test
    void firstReadCallsTheHookOnceAndSeesTheStoredValue() {
        context.store("count", 99);
        FlowSpec flow = bound(FLOW, context);

        assertEquals(198, call(flow, "readCountTwice"));
        assertEquals(198, call(flow, "readCountTwice"));
        assertEquals(List.of("count"), context.reads);
        assertEquals(List.of(), context.writes);
        assertEquals(State.LOADED, ACCESS.state(flow, "count"));
        assertEquals(State.UNTOUCHED, ACCESS.state(flow, "ratio"));
    }

    @Test
    void writeThenReadReturnsTheWrittenValueWithoutLoading() {
        context.store("count", 99);
        FlowSpec flow = bound(FLOW, context);

        assertEquals(42, call(flow, "writeThenRead"));
        assertEquals(List.of(), context.reads);
        assertEquals(List.of("count"), context.writes);
        assertEquals(State.WRITTEN, ACCESS.state(flow, "count"));
    }

    @Test
    void repeatedWritesCallAfterWriteOnce() {
        FlowSpec flow = bound(FLOW, context);

        call(flow, "writeCountThrice");
        call(flow, "writeCountThrice");

        assertEquals(List.of("count"), context.writes);
        assertEquals(3, ACCESS.get(flow, "count"));
    }

    @Test
    void readThenWriteLoadsOnceAndKeepsTheNewValue() {
        context.store("count", 10);
        FlowSpec flow = bound(FLOW, context);

        assertEquals(11, call(flow, "readThenWrite"));
        assertEquals(12, call(flow, "readThenWrite"));
        assertEquals(List.of("count"), context.reads);
        assertEquals(List.of("count"), context.writes);
    }

    @Test
    void primitivesObjectsAndArraysAreLoadedOnFirstRead() {
        context.store("count", 1).store("ratio", 2.5).store("big", 1L << 40).store("flag", true).store("name", "n")
                .store("numbers", new int[] {4, 5}).store("items", new ArrayList<>(List.of("a"))).store("loss", 0.25);
        FlowSpec flow = bound(FLOW, context);

        assertEquals("1/2.5/1099511627776/true/n/[4, 5]/[a]/0.25", call(flow, "describe"));
        assertEquals(List.of("count", "ratio", "big", "flag", "name", "numbers", "items", "loss"), context.reads);
    }

    @Test
    void wideAndBooleanWritesAreTracked() {
        FlowSpec flow = bound(FLOW, context);

        call(flow, "writePrimitives");

        assertEquals(Long.MAX_VALUE, ACCESS.get(flow, "big"));
        assertEquals(0.5, ACCESS.get(flow, "ratio"));
        assertEquals(true, ACCESS.get(flow, "flag"));
        assertEquals(Long.MIN_VALUE, call(flow, "bigPlusOne"));
        assertEquals(List.of("big", "ratio", "flag"), context.writes);
        assertEquals(List.of(), context.reads);
    }

    @Test
    void mutatingAnArrayOrListInPlaceIsARead() {
        int[] numbers = {1, 2};
        List<String> items = new ArrayList<>();
        context.store("numbers", numbers).store("items", items);
        FlowSpec flow = bound(FLOW, context);

        call(flow, "setFirstNumber", 9);
        call(flow, "addItem", "x");

        assertArrayEquals(new int[] {9, 2}, numbers);
        assertEquals(List.of("x"), items);
        assertEquals(List.of("numbers", "items"), context.reads);
        assertEquals(List.of(), context.writes);
        assertEquals(List.of("numbers", "items"), ACCESS.names(flow, State.LOADED));
    }

    @Test
    void lambdasAreRewritten() {
        context.store("count", 5);
        FlowSpec flow = bound(FLOW, context);

        assertEquals(5, call(flow, "viaLambda"));
        call(flow, "writeViaLambda", "from-lambda");

        assertEquals(List.of("count"), context.reads);
        assertEquals(List.of("name"), context.writes);
        assertEquals("from-lambda", call(flow, "name"));
    }

    @Test
    void anonymousClassesAreRewritten() {
        context.store("ratio", 1.5);
        FlowSpec flow = bound(FLOW, context);

        assertEquals(3.0, call(flow, "viaAnonymous"));
        assertEquals(List.of("ratio"), context.reads);
    }

    @Test
    void nestedClassesReachPrivateFieldsThroughTheAccessors() {
        context.store("count", 1).store("big", 5L);
        FlowSpec flow = bound(FLOW, context);

        call(flow, "bumpViaNested");

        assertEquals(2, ACCESS.get(flow, "count"));
        assertEquals(15L, ACCESS.get(flow, "big"));
        assertEquals(List.of("count", "big"), context.reads);
        assertEquals(List.of("count", "big"), context.writes);
    }

    @Test
    void innerClassesAreRewritten() {
        context.store("count", 3).store("name", "inner");
        FlowSpec flow = bound(FLOW, context);

        assertEquals("inner3", call(flow, "viaInner"));
        assertEquals(List.of("name", "count"), context.reads);
    }

    @Test
    void recordsAndClassesInOtherPackagesAreRewritten() {
        context.store("loss", 0.75).store("name", "snap");
        FlowSpec flow = bound(FLOW, context);

        Object snapshot = call(flow, "snapshot");
        assertEquals(0.75, call(snapshot, "loss"));
        assertEquals("snap", call(snapshot, "name"));
        assertEquals(0.75, call(flow, "viaOtherPackage"));
        call(flow, "setLossViaOtherPackage", 0.5);

        assertEquals(List.of("loss", "name"), context.reads);
        assertEquals(List.of("loss"), context.writes);
        assertEquals(0.5, ACCESS.get(flow, "loss"));
        assertSame(FLOW.getClassLoader(), snapshot.getClass().getClassLoader());
    }

    @Test
    void joinReadsEachParentsFieldThroughItsOwnContext() {
        List<RecordingContext> parentContexts = new ArrayList<>();
        List<FlowSpec> parents = new ArrayList<>();
        for (double loss : new double[] {0.3, 0.1, 0.2}) {
            RecordingContext c = new RecordingContext().store("loss", loss).store("items", List.of("big"));
            parentContexts.add(c);
            parents.add(bound(FLOW, c));
        }
        FlowSpec join = bound(FLOW, context);

        call(join, "join", inputs(parents));
        assertEquals(0.3, call(join, "maxLossViaHelper", inputs(parents)));

        assertEquals(0.1, ACCESS.get(join, "loss"));
        for (RecordingContext c : parentContexts) {
            assertEquals(List.of("loss"), c.reads, "each parent loads loss once and nothing else");
            assertEquals(List.of(), c.writes);
        }
        assertEquals(List.of(), context.reads, "the join writes its own loss without loading it");
        assertEquals(List.of("loss"), context.writes);
    }

    @Test
    void initializerAndUnboundWritesLeaveFieldsUntouched() {
        FlowSpec flow = newFlow(FLOW);
        call(flow, "setName", "before-bind");
        assertEquals("before-bind", call(flow, "name"));
        assertEquals(List.of(), ACCESS.names(flow, State.LOADED));
        assertEquals(List.of(), ACCESS.names(flow, State.WRITTEN));

        FlowSpecAccess.bind(flow, context.store("name", "stored").store("baseName", "stored-base"));

        assertEquals("stored", call(flow, "name"), "the stored value wins over initializer and unbound writes");
        assertEquals("stored-base", call(flow, "inheritedProtected"));
        assertEquals(List.of("name", "baseName"), context.reads);
    }

    @Test
    void resetTrackingMakesTheNextReadLoadAgain() {
        context.store("count", 4).store("baseCount", 8);
        FlowSpec flow = bound(FLOW, context);
        call(flow, "readCountTwice");
        call(flow, "inherited");
        call(flow, "writePrimitives");
        assertEquals(State.LOADED, ACCESS.state(flow, "count"));
        assertEquals(State.WRITTEN, ACCESS.state(flow, "baseCount"));
        assertEquals(State.WRITTEN, ACCESS.state(flow, "big"));

        ((EnhancedFlow) flow).$baton$resetTracking();

        assertEquals(ACCESS.names(), ACCESS.names(flow, State.UNTOUCHED));
        call(flow, "readCountTwice");
        assertEquals(List.of("count", "baseCount", "count"), context.reads);
    }

    @Test
    void inheritedFieldsAreTrackedInTheirDeclaringClass() {
        context.store("baseCount", 10);
        FlowSpec flow = bound(FLOW, context);

        assertEquals(11, call(flow, "inherited"));
        assertEquals(11, call(flow, "baseCountFromBase"));

        assertEquals(List.of("baseCount"), context.reads);
        assertEquals(List.of("baseCount"), context.writes);
        assertEquals(State.WRITTEN, ACCESS.state(flow, "baseCount"));
    }

    @Test
    void finalFieldsAreLoadedLazilyToo() {
        context.store("finalList", List.of("a", "b", "c"));
        FlowSpec flow = bound(FLOW, context);

        assertEquals(3, call(flow, "finalListSize"));
        assertEquals(List.of("finalList"), context.reads);
    }

    @Test
    void transientAndStaticFieldsAreNotArtifacts() {
        FlowSpec flow = bound(FLOW, context);

        assertEquals(11, call(flow, "scratchAndStatic"));

        assertEquals(List.of(), context.reads);
        assertEquals(List.of(), context.writes);
        assertEquals(List.of("baseCount", "baseName", "count", "ratio", "big", "flag", "name", "numbers", "items",
                "loss", "finalList"), ACCESS.names());
    }

    @Test
    void withoutAContextReadsCallNothingAndMarkNothing() {
        FlowSpec flow = newFlow(FLOW);

        assertEquals(14, call(flow, "readCountTwice"));
        assertEquals(42, call(flow, "writeThenRead"));

        assertEquals(ACCESS.names(), ACCESS.names(flow, State.UNTOUCHED));
    }

    @Test
    void aFailingLoadIsRetriedOnTheNextRead() {
        context.failReads = new IllegalStateException("datastore down");
        context.store("count", 30);
        FlowSpec flow = bound(FLOW, context);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> call(flow, "readCountTwice"));
        assertEquals("datastore down", e.getMessage());
        assertEquals(State.UNTOUCHED, ACCESS.state(flow, "count"));

        context.failReads = null;
        assertEquals(60, call(flow, "readCountTwice"));
        assertEquals(List.of("count", "count"), context.reads);
    }

    @Test
    void setLoadedMaterializesWithoutTheHook() {
        FlowSpec flow = bound(FLOW, context);

        ACCESS.setLoaded(flow, "count", 21);

        assertEquals(42, call(flow, "readCountTwice"));
        assertEquals(List.of(), context.reads);
        assertEquals(State.LOADED, ACCESS.state(flow, "count"));
    }

    @Test
    void rawGetAndSetNeitherCallHooksNorTrack() {
        context.store("count", 1);
        FlowSpec flow = bound(FLOW, context);

        ACCESS.set(flow, "count", 5);
        assertEquals(5, ACCESS.get(flow, "count"));
        ACCESS.set(flow, "numbers", new int[] {1});
        ACCESS.set(flow, "finalList", List.of());

        assertEquals(List.of(), context.reads);
        assertEquals(List.of(), context.writes);
        assertEquals(ACCESS.names(), ACCESS.names(flow, State.UNTOUCHED));
        assertEquals(2, call(flow, "readCountTwice"), "the next step read still loads the stored value");
    }

    @Test
    void instancesTrackIndependently() {
        RecordingContext other = new RecordingContext().store("count", 2);
        FlowSpec a = bound(FLOW, context.store("count", 1));
        FlowSpec b = bound(FLOW, other);

        assertEquals(2, call(a, "readCountTwice"));
        assertEquals(4, call(b, "readCountTwice"));
        assertEquals(4, call(b, "readCountTwice"));

        assertEquals(List.of("count"), context.reads);
        assertEquals(List.of("count"), other.reads);
        assertTrue(ACCESS.enhanced());
    }
}
