package dev.baton.flow.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.Case;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Builds the graph of every supported shape and checks its structure. */
class GraphShapesTest {

    // ------------------------------------------------------------------ helpers

    private static void assertNode(FlowGraph g, String step, List<String> inputs, List<String> splitParents,
            String matchingJoin, String closesSplit, int foreachDepth) {
        StepNode n = g.step(step);
        assertEquals(inputs, n.inputs(), step + " inputs");
        assertEquals(splitParents, n.splitParents(), step + " splitParents");
        assertEquals(Optional.ofNullable(matchingJoin), n.matchingJoin(), step + " matchingJoin");
        assertEquals(Optional.ofNullable(closesSplit), n.closesSplit(), step + " closesSplit");
        assertEquals(closesSplit != null, n.join(), step + " join");
        assertEquals(foreachDepth, n.foreachDepth(), step + " foreachDepth");
    }

    private static List<String> order(FlowGraph g) {
        return List.copyOf(g.steps().keySet());
    }

    // ------------------------------------------------------------------ linear

    static class Linear extends FlowSpec {
        String greeting;

        @Step(next = "hello")
        public void start() {}

        @Step(next = "end")
        public void hello() {}

        @Step
        public void end() {}
    }

    @Test
    void linear() {
        FlowGraph g = FlowGraph.of(Linear.class);
        assertEquals("Linear", g.name());
        assertEquals(List.of("start", "hello", "end"), order(g));
        assertEquals(new Transition.Linear("hello"), g.start().transition());
        assertEquals(new Transition.Linear("end"), g.step("hello").transition());
        assertEquals(new Transition.End(), g.step("end").transition());
        assertNode(g, "start", List.of(), List.of(), null, null, 0);
        assertNode(g, "hello", List.of("start"), List.of(), null, null, 0);
        assertNode(g, "end", List.of("hello"), List.of(), null, null, 0);
        assertEquals(List.of("greeting"), g.artifactFields());
    }

    // ------------------------------------------------------------------ 2-way branch

    static class TwoWay extends FlowSpec {
        @Step(next = {"a", "b"})
        public void start() {}

        @Step(next = "join")
        public void a() {}

        @Step(next = "join")
        public void b() {}

        @Step(next = "end")
        public void join(Inputs<TwoWay> inputs) {}

        @Step
        public void end() {}
    }

    @Test
    void twoWayBranch() {
        FlowGraph g = FlowGraph.of(TwoWay.class);
        assertEquals(List.of("start", "a", "b", "join", "end"), order(g));
        assertEquals(new Transition.Branch(List.of("a", "b")), g.start().transition());
        assertTrue(g.start().isSplit());
        assertNode(g, "start", List.of(), List.of(), "join", null, 0);
        assertNode(g, "a", List.of("start"), List.of("start"), null, null, 0);
        assertNode(g, "b", List.of("start"), List.of("start"), null, null, 0);
        assertNode(g, "join", List.of("a", "b"), List.of(), null, "start", 0);
        assertNode(g, "end", List.of("join"), List.of(), null, null, 0);
    }

    // ------------------------------------------------------------------ 3 levels of nested branches

    /** 7 splits (start, l, r, ll, lr, rl, rr), 8 leaves, 7 joins. */
    static class Nested3 extends FlowSpec {
        @Step(next = {"l", "r"}) public void start() {}
        @Step(next = {"ll", "lr"}) public void l() {}
        @Step(next = {"rl", "rr"}) public void r() {}
        @Step(next = {"lll", "llr"}) public void ll() {}
        @Step(next = {"lrl", "lrr"}) public void lr() {}
        @Step(next = {"rll", "rlr"}) public void rl() {}
        @Step(next = {"rrl", "rrr"}) public void rr() {}
        @Step(next = "joinLl") public void lll() {}
        @Step(next = "joinLl") public void llr() {}
        @Step(next = "joinLr") public void lrl() {}
        @Step(next = "joinLr") public void lrr() {}
        @Step(next = "joinRl") public void rll() {}
        @Step(next = "joinRl") public void rlr() {}
        @Step(next = "joinRr") public void rrl() {}
        @Step(next = "joinRr") public void rrr() {}
        @Step(next = "joinL") public void joinLl(Inputs<Nested3> in) {}
        @Step(next = "joinL") public void joinLr(Inputs<Nested3> in) {}
        @Step(next = "joinR") public void joinRl(Inputs<Nested3> in) {}
        @Step(next = "joinR") public void joinRr(Inputs<Nested3> in) {}
        @Step(next = "join") public void joinL(Inputs<Nested3> in) {}
        @Step(next = "join") public void joinR(Inputs<Nested3> in) {}
        @Step(next = "end") public void join(Inputs<Nested3> in) {}
        @Step public void end() {}
    }

    @Test
    void threeLevelsOfNestedBranches() {
        FlowGraph g = FlowGraph.of(Nested3.class);
        assertEquals(23, g.steps().size());
        assertEquals(7, g.steps().values().stream().filter(StepNode::join).count());
        assertEquals(7, g.steps().values().stream().filter(StepNode::isSplit).count());
        assertEquals(List.of("start", "l", "r", "ll", "lr", "rl", "rr", "lll", "llr", "lrl", "lrr", "rll", "rlr",
                "rrl", "rrr", "joinLl", "joinLr", "joinRl", "joinRr", "joinL", "joinR", "join", "end"), order(g));
        assertNode(g, "start", List.of(), List.of(), "join", null, 0);
        assertNode(g, "l", List.of("start"), List.of("start"), "joinL", null, 0);
        assertNode(g, "rr", List.of("r"), List.of("start", "r"), "joinRr", null, 0);
        assertNode(g, "lrr", List.of("lr"), List.of("start", "l", "lr"), null, null, 0);
        assertNode(g, "joinLr", List.of("lrl", "lrr"), List.of("start", "l"), null, "lr", 0);
        assertNode(g, "joinR", List.of("joinRl", "joinRr"), List.of("start"), null, "r", 0);
        assertNode(g, "join", List.of("joinL", "joinR"), List.of(), null, "start", 0);
        // every step comes after all of its inputs
        List<String> order = order(g);
        for (StepNode n : g.steps().values()) {
            for (String in : n.inputs()) {
                assertTrue(order.indexOf(in) < order.indexOf(n.name()), in + " before " + n.name());
            }
        }
    }

    // ------------------------------------------------------------------ foreach with two inner steps

    static class ForeachTwo extends FlowSpec {
        List<Integer> items;

        @Step(next = "first", foreach = "items") public void start() {}
        @Step(next = "second") public void first() {}
        @Step(next = "join") public void second() {}
        @Step(next = "end") public void join(Inputs<ForeachTwo> in) {}
        @Step public void end() {}
    }

    @Test
    void foreachWithTwoInnerSteps() {
        FlowGraph g = FlowGraph.of(ForeachTwo.class);
        assertEquals(List.of("start", "first", "second", "join", "end"), order(g));
        assertEquals(new Transition.Foreach("first", "items"), g.start().transition());
        assertNode(g, "start", List.of(), List.of(), "join", null, 0);
        assertNode(g, "first", List.of("start"), List.of("start"), null, null, 1);
        assertNode(g, "second", List.of("first"), List.of("start"), null, null, 1);
        assertNode(g, "join", List.of("second"), List.of(), null, "start", 0);
    }

    // ------------------------------------------------------------------ nested foreach, 3 deep

    static class Foreach3 extends FlowSpec {
        List<Integer> xs;
        int[] ys;
        Iterable<String> zs;

        @Step(next = "outer", foreach = "xs") public void start() {}
        @Step(next = "middle", foreach = "ys") public void outer() {}
        @Step(next = "body", foreach = "zs") public void middle() {}
        @Step(next = "joinMiddle") public void body() {}
        @Step(next = "joinOuter") public void joinMiddle(Inputs<Foreach3> in) {}
        @Step(next = "joinStart") public void joinOuter(Inputs<Foreach3> in) {}
        @Step(next = "end") public void joinStart(Inputs<Foreach3> in) {}
        @Step public void end() {}
    }

    @Test
    void nestedForeachThreeDeep() {
        FlowGraph g = FlowGraph.of(Foreach3.class);
        assertEquals(List.of("start", "outer", "middle", "body", "joinMiddle", "joinOuter", "joinStart", "end"),
                order(g));
        assertNode(g, "start", List.of(), List.of(), "joinStart", null, 0);
        assertNode(g, "outer", List.of("start"), List.of("start"), "joinOuter", null, 1);
        assertNode(g, "middle", List.of("outer"), List.of("start", "outer"), "joinMiddle", null, 2);
        assertNode(g, "body", List.of("middle"), List.of("start", "outer", "middle"), null, null, 3);
        assertNode(g, "joinMiddle", List.of("body"), List.of("start", "outer"), null, "middle", 2);
        assertNode(g, "joinOuter", List.of("joinMiddle"), List.of("start"), null, "outer", 1);
        assertNode(g, "joinStart", List.of("joinOuter"), List.of(), null, "start", 0);
    }

    // ------------------------------------------------------------------ gang of 4

    static class Gang extends FlowSpec {
        @Step(next = "worker", numParallel = 4) public void start() {}
        @Step(next = "join") public void worker() {}
        @Step(next = "end") public void join(Inputs<Gang> in) {}
        @Step public void end() {}
    }

    @Test
    void parallelGangOfFour() {
        FlowGraph g = FlowGraph.of(Gang.class);
        assertEquals(new Transition.Parallel("worker", 4), g.start().transition());
        assertNode(g, "start", List.of(), List.of(), "join", null, 0);
        assertNode(g, "worker", List.of("start"), List.of("start"), null, null, 0);
        assertNode(g, "join", List.of("worker"), List.of(), null, "start", 0);
    }

    // ------------------------------------------------------------------ switch with 3 cases

    static class Switch3 extends FlowSpec {
        String mode;

        @Step(condition = "mode", cases = {
                @Case(value = "fast", step = "fast"),
                @Case(value = "slow", step = "slow"),
                @Case(value = "skip", step = "finish")})
        public void start() {}

        @Step(next = "finish") public void fast() {}
        @Step(next = "finish") public void slow() {}
        @Step(next = "end") public void finish() {}
        @Step public void end() {}
    }

    @Test
    void switchWithThreeCases() {
        FlowGraph g = FlowGraph.of(Switch3.class);
        Transition.Switch sw = (Transition.Switch) g.start().transition();
        assertEquals("mode", sw.field());
        assertEquals(Map.of("fast", "fast", "slow", "slow", "skip", "finish"), sw.cases());
        assertEquals(List.of("fast", "slow", "skip"), List.copyOf(sw.cases().keySet()));
        assertFalse(g.start().isSplit(), "a switch is not a split");
        assertEquals(List.of("start", "fast", "slow", "finish", "end"), order(g));
        assertNode(g, "start", List.of(), List.of(), null, null, 0);
        assertNode(g, "fast", List.of("start"), List.of(), null, null, 0);
        // cases converge at an ordinary step
        assertNode(g, "finish", List.of("start", "fast", "slow"), List.of(), null, null, 0);
    }

    // ------------------------------------------------------------------ switch inside a branch

    static class SwitchInBranch extends FlowSpec {
        boolean big;

        @Step(next = {"choose", "other"}) public void start() {}

        @Step(condition = "big", cases = {@Case(value = "true", step = "large"), @Case(value = "false", step = "small")})
        public void choose() {}

        @Step(next = "join") public void large() {}
        @Step(next = "join") public void small() {}
        @Step(next = "join") public void other() {}
        @Step(next = "end") public void join(Inputs<SwitchInBranch> in) {}
        @Step public void end() {}
    }

    @Test
    void switchInsideABranch() {
        FlowGraph g = FlowGraph.of(SwitchInBranch.class);
        assertNode(g, "choose", List.of("start"), List.of("start"), null, null, 0);
        assertNode(g, "large", List.of("choose"), List.of("start"), null, null, 0);
        assertNode(g, "small", List.of("choose"), List.of("start"), null, null, 0);
        // parents in branch declaration order: the switch's branch (choose) before 'other'
        assertNode(g, "join", List.of("large", "small", "other"), List.of(), null, "start", 0);
        assertNode(g, "start", List.of(), List.of(), "join", null, 0);
    }

    // ------------------------------------------------------------------ switch inside a foreach

    static class SwitchInForeach extends FlowSpec {
        List<String> items;
        String kind;

        @Step(next = "classify", foreach = "items") public void start() {}

        @Step(condition = "kind", cases = {@Case(value = "a", step = "handleA"), @Case(value = "b", step = "handleB")})
        public void classify() {}

        @Step(next = "join") public void handleA() {}
        @Step(next = "join") public void handleB() {}
        @Step(next = "end") public void join(Inputs<SwitchInForeach> in) {}
        @Step public void end() {}
    }

    @Test
    void switchInsideAForeach() {
        FlowGraph g = FlowGraph.of(SwitchInForeach.class);
        assertNode(g, "classify", List.of("start"), List.of("start"), null, null, 1);
        assertNode(g, "handleA", List.of("classify"), List.of("start"), null, null, 1);
        assertNode(g, "handleB", List.of("classify"), List.of("start"), null, null, 1);
        assertNode(g, "join", List.of("handleA", "handleB"), List.of(), null, "start", 0);
    }

    // ------------------------------------------------------------------ switch leading to a switch

    static class SwitchToSwitch extends FlowSpec {
        String first;
        String second;

        @Step(condition = "first", cases = {@Case(value = "more", step = "again"), @Case(value = "done", step = "x")})
        public void start() {}

        @Step(condition = "second", cases = {@Case(value = "y", step = "y"), @Case(value = "z", step = "z")})
        public void again() {}

        @Step(next = "end") public void x() {}
        @Step(next = "end") public void y() {}
        @Step(next = "end") public void z() {}
        @Step public void end() {}
    }

    @Test
    void switchLeadingToASwitch() {
        FlowGraph g = FlowGraph.of(SwitchToSwitch.class);
        assertEquals(List.of("start", "again", "x", "y", "z", "end"), order(g));
        assertEquals(Map.of("y", "y", "z", "z"), ((Transition.Switch) g.step("again").transition()).cases());
        assertNode(g, "again", List.of("start"), List.of(), null, null, 0);
        assertNode(g, "end", List.of("x", "y", "z"), List.of(), null, null, 0);
    }

    // ------------------------------------------------------------------ foreach inside a switch case

    static class ForeachInSwitch extends FlowSpec {
        String mode;
        List<Integer> items;

        @Step(condition = "mode", cases = {@Case(value = "fan", step = "fan"), @Case(value = "skip", step = "done")})
        public void start() {}

        @Step(next = "body", foreach = "items") public void fan() {}
        @Step(next = "join") public void body() {}
        @Step(next = "done") public void join(Inputs<ForeachInSwitch> in) {}
        @Step(next = "end") public void done() {}
        @Step public void end() {}
    }

    @Test
    void foreachInsideASwitchCase() {
        FlowGraph g = FlowGraph.of(ForeachInSwitch.class);
        assertEquals(List.of("start", "fan", "body", "join", "done", "end"), order(g));
        assertNode(g, "fan", List.of("start"), List.of(), "join", null, 0);
        assertNode(g, "body", List.of("fan"), List.of("fan"), null, null, 1);
        assertNode(g, "join", List.of("body"), List.of(), null, "fan", 0);
        assertNode(g, "done", List.of("start", "join"), List.of(), null, null, 0);
    }

    // ------------------------------------------------------------------ branch inside a switch case

    static class BranchInSwitch extends FlowSpec {
        String mode;

        @Step(condition = "mode", cases = {@Case(value = "both", step = "fork"), @Case(value = "none", step = "done")})
        public void start() {}

        @Step(next = {"p", "q"}) public void fork() {}
        @Step(next = "join") public void p() {}
        @Step(next = "join") public void q() {}
        @Step(next = "done") public void join(Inputs<BranchInSwitch> in) {}
        @Step(next = "end") public void done() {}
        @Step public void end() {}
    }

    @Test
    void branchInsideASwitchCase() {
        FlowGraph g = FlowGraph.of(BranchInSwitch.class);
        assertNode(g, "fork", List.of("start"), List.of(), "join", null, 0);
        assertNode(g, "p", List.of("fork"), List.of("fork"), null, null, 0);
        assertNode(g, "q", List.of("fork"), List.of("fork"), null, null, 0);
        assertNode(g, "join", List.of("p", "q"), List.of(), null, "fork", 0);
        assertNode(g, "done", List.of("start", "join"), List.of(), null, null, 0);
    }

    // ------------------------------------------------------------------ switch looping back to itself

    static class SelfLoop extends FlowSpec {
        int count;
        boolean again;

        @Step(next = "loop") public void start() {}

        @Step(condition = "again", cases = {@Case(value = "true", step = "loop"), @Case(value = "false", step = "end")})
        public void loop() {}

        @Step public void end() {}
    }

    @Test
    void switchLoopingBackToItself() {
        FlowGraph g = FlowGraph.of(SelfLoop.class);
        assertEquals(List.of("start", "loop", "end"), order(g));
        assertNode(g, "loop", List.of("start", "loop"), List.of(), null, null, 0);
        assertEquals(List.of("loop", "end"), g.step("loop").transition().targets());
    }

    /** A loop back to an earlier step, through a body step. */
    static class LongLoop extends FlowSpec {
        String state;

        @Step(next = "body") public void start() {}
        @Step(next = "check") public void body() {}

        @Step(condition = "state", cases = {@Case(value = "again", step = "body"), @Case(value = "done", step = "end")})
        public void check() {}

        @Step public void end() {}
    }

    @Test
    void switchLoopingBackToAnEarlierStep() {
        FlowGraph g = FlowGraph.of(LongLoop.class);
        assertEquals(List.of("start", "body", "check", "end"), order(g));
        assertNode(g, "body", List.of("start", "check"), List.of(), null, null, 0);
    }

    // ------------------------------------------------------------------ such a loop inside a foreach

    static class LoopInForeach extends FlowSpec {
        List<Integer> items;
        boolean again;

        @Step(next = "loop", foreach = "items") public void start() {}

        @Step(condition = "again", cases = {@Case(value = "true", step = "loop"), @Case(value = "false", step = "join")})
        public void loop() {}

        @Step(next = "end") public void join(Inputs<LoopInForeach> in) {}
        @Step public void end() {}
    }

    @Test
    void switchLoopInsideAForeach() {
        FlowGraph g = FlowGraph.of(LoopInForeach.class);
        assertEquals(List.of("start", "loop", "join", "end"), order(g));
        assertNode(g, "start", List.of(), List.of(), "join", null, 0);
        assertNode(g, "loop", List.of("start", "loop"), List.of("start"), null, null, 1);
        assertNode(g, "join", List.of("loop"), List.of(), null, "start", 0);
    }

    // ------------------------------------------------------------------ more combinations

    /** A loop whose body fans out: the foreach opens and closes inside every round. */
    static class ForeachInLoop extends FlowSpec {
        List<Integer> items;
        boolean again;

        @Step(next = "fan") public void start() {}
        @Step(next = "body", foreach = "items") public void fan() {}
        @Step(next = "join") public void body() {}
        @Step(next = "check") public void join(Inputs<ForeachInLoop> in) {}

        @Step(condition = "again", cases = {@Case(value = "true", step = "fan"), @Case(value = "false", step = "end")})
        public void check() {}

        @Step public void end() {}
    }

    @Test
    void foreachInsideALoop() {
        FlowGraph g = FlowGraph.of(ForeachInLoop.class);
        assertEquals(List.of("start", "fan", "body", "join", "check", "end"), order(g));
        assertNode(g, "fan", List.of("start", "check"), List.of(), "join", null, 0);
        assertNode(g, "body", List.of("fan"), List.of("fan"), null, null, 1);
        assertNode(g, "check", List.of("join"), List.of(), null, null, 0);
    }

    /** Inside a branch, one switch case goes straight to the join and the other through a step. */
    static class CaseToJoin extends FlowSpec {
        String mode;

        @Step(next = {"choose", "other"}) public void start() {}

        @Step(condition = "mode", cases = {@Case(value = "long", step = "extra"), @Case(value = "short", step = "join")})
        public void choose() {}

        @Step(next = "join") public void extra() {}
        @Step(next = "join") public void other() {}
        @Step(next = "end") public void join(Inputs<CaseToJoin> in) {}
        @Step public void end() {}
    }

    @Test
    void switchCaseGoingStraightToTheJoin() {
        FlowGraph g = FlowGraph.of(CaseToJoin.class);
        assertNode(g, "join", List.of("choose", "extra", "other"), List.of(), null, "start", 0);
        assertNode(g, "extra", List.of("choose"), List.of("start"), null, null, 0);
    }

    /** end itself may be the join. */
    static class EndJoins extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = "end") public void a() {}
        @Step(next = "end") public void b() {}
        @Step public void end(Inputs<EndJoins> in) {}
    }

    @Test
    void endAsTheJoin() {
        FlowGraph g = FlowGraph.of(EndJoins.class);
        assertNode(g, "end", List.of("a", "b"), List.of(), null, "start", 0);
        assertNode(g, "start", List.of(), List.of(), "end", null, 0);
    }

    /** A gang inside a foreach: splitParents and depth stack up. */
    static class GangInForeach extends FlowSpec {
        List<Integer> items;

        @Step(next = "gang", foreach = "items") public void start() {}
        @Step(next = "worker", numParallel = 2) public void gang() {}
        @Step(next = "gangJoin") public void worker() {}
        @Step(next = "join") public void gangJoin(Inputs<GangInForeach> in) {}
        @Step(next = "end") public void join(Inputs<GangInForeach> in) {}
        @Step public void end() {}
    }

    @Test
    void gangInsideAForeach() {
        FlowGraph g = FlowGraph.of(GangInForeach.class);
        assertNode(g, "worker", List.of("gang"), List.of("start", "gang"), null, null, 1);
        assertNode(g, "gangJoin", List.of("worker"), List.of("start"), null, "gang", 1);
        assertNode(g, "join", List.of("gangJoin"), List.of(), null, "start", 0);
    }
}
