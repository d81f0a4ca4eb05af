package dev.baton.flow.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.Case;
import dev.baton.flow.Catch;
import dev.baton.flow.CaughtException;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Retry;
import dev.baton.flow.Step;
import dev.baton.flow.Timeout;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One test per validation error: each names the step at fault, and every error is reported at once. */
class GraphValidationTest {

    private static List<GraphError> errors(Class<? extends FlowSpec> flow) {
        InvalidFlowException e = assertThrows(InvalidFlowException.class, () -> FlowGraph.of(flow));
        assertEquals(flow.getSimpleName(), e.flowName());
        assertTrue(e.getMessage().contains(e.errors().size() == 1 ? "1 problem" : e.errors().size() + " problems"),
                e.getMessage());
        return e.errors();
    }

    /** Asserts that {@code flow} has exactly one error, on {@code step}, whose message contains each fragment. */
    private static void assertSingleError(Class<? extends FlowSpec> flow, String step, String... fragments) {
        List<GraphError> errors = errors(flow);
        assertEquals(1, errors.size(), () -> "expected one error, got " + errors);
        GraphError error = errors.get(0);
        assertEquals(step, error.step(), () -> "wrong step in " + error);
        for (String fragment : fragments) {
            assertTrue(error.message().contains(fragment), () -> "'" + fragment + "' not in: " + error.message());
        }
    }

    // ------------------------------------------------------------------ start / end

    static class NoStart extends FlowSpec {
        @Step(next = "end") public void begin() {}
        @Step public void end() {}
    }

    @Test
    void missingStart() {
        // 'begin' is also unreachable, but without a start reachability is not judged
        assertSingleError(NoStart.class, null, "no start step", "public void start()");
    }

    static class NoEnd extends FlowSpec {
        @Step(next = "finish") public void start() {}
        @Step(next = "finish2") public void finish() {}
        @Step(next = "finish") public void finish2() {}
    }

    @Test
    void missingEnd() {
        List<GraphError> errors = errors(NoEnd.class);
        assertTrue(errors.stream().anyMatch(e -> e.step() == null && e.message().contains("no end step")), errors::toString);
    }

    static class DuplicateStart extends FlowSpec {
        @Step(next = "end") public void start() {}
        @Step(next = "end") public void start(Inputs<DuplicateStart> in) {}
        @Step public void end() {}
    }

    @Test
    void duplicateStart() {
        assertSingleError(DuplicateStart.class, "start", "declared 2 times", "start()", "start(Inputs)", "unique");
    }

    static class DuplicateEnd extends FlowSpec {
        @Step(next = "end") public void start() {}
        @Step public void end() {}
        @Step public void end(Inputs<DuplicateEnd> in) {}
    }

    @Test
    void duplicateEnd() {
        assertSingleError(DuplicateEnd.class, "end", "declared 2 times");
    }

    static class StartWithIncoming extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "start") public void a() {}
        @Step public void end() {}
    }

    @Test
    void startWithIncomingEdges() {
        // the step whose next names start is the one to fix
        assertSingleError(StartWithIncoming.class, "a", "goes to start", "no incoming transitions");
    }

    static class EndWithOutgoing extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "end") public void a() {}
        @Step(next = "a") public void end() {}
    }

    @Test
    void endWithOutgoingEdges() {
        assertSingleError(EndWithOutgoing.class, "end", "end must not declare next");
    }

    // ------------------------------------------------------------------ names and reachability

    static class UnknownTarget extends FlowSpec {
        @Step(next = "proces") public void start() {}
        @Step(next = "end") public void process() {}
        @Step public void end() {}
    }

    @Test
    void unknownTarget() {
        // 'process' and 'end' look unreachable only because of the typo: not reported
        assertSingleError(UnknownTarget.class, "start", "'proces', which is not a step", "did you mean 'process'?");
    }

    static class Unreachable extends FlowSpec {
        @Step(next = "end") public void start() {}
        @Step(next = "end") public void orphan() {}
        @Step public void end() {}
    }

    @Test
    void unreachableStep() {
        assertSingleError(Unreachable.class, "orphan", "not reachable from start");
    }

    static class ReservedName extends FlowSpec {
        @Step(next = "batonPrepare") public void start() {}
        @Step(next = "end") public void batonPrepare() {}
        @Step public void end() {}
    }

    @Test
    void reservedStepName() {
        assertSingleError(ReservedName.class, "batonPrepare", "reserved", "rename");
    }

    static class ApiName extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = "input") public void a() {}
        @Step(next = "input") public void b() {}
        @Step(next = "end") public void input(Inputs<ApiName> in) {}
        @Step public void end() {}
    }

    @Test
    void stepNameOfTheApi() {
        assertSingleError(ApiName.class, "input", "reserved by the FlowSpec API");
    }

    static class InvalidName extends FlowSpec {
        @Step(next = "caf\u00e9") public void start() {}
        @Step(next = "end") public void caf\u00e9() {}
        @Step public void end() {}
    }

    @Test
    void invalidStepName() {
        assertSingleError(InvalidName.class, "caf\u00e9", "not a valid step name", "ASCII letter");
    }

    // ------------------------------------------------------------------ splits and joins

    static class JoinWithoutSplit extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "gather") public void a() {}
        @Step(next = "end") public void gather(Inputs<JoinWithoutSplit> in) {}
        @Step public void end() {}
    }

    @Test
    void joinWithoutMatchingSplit() {
        assertSingleError(JoinWithoutSplit.class, "gather", "is a join", "no split is open", "remove the Inputs");
    }

    static class BranchesNeverJoin extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = "end") public void a() {}
        @Step(next = "end") public void b() {}
        @Step public void end() {}
    }

    @Test
    void splitWhoseBranchesNeverReachAJoin() {
        assertSingleError(BranchesNeverJoin.class, "start", "never reaches a join", "branches a, b reach end",
                "add a join");
    }

    static class ForeachNeverJoins extends FlowSpec {
        List<String> items;

        @Step(next = "a") public void start() {}
        @Step(next = "body", foreach = "items") public void a() {}
        @Step(next = "end") public void body() {}
        @Step public void end() {}
    }

    @Test
    void foreachWhoseTasksNeverReachAJoin() {
        assertSingleError(ForeachNeverJoins.class, "a", "never reaches a join", "foreach tasks reach end");
    }

    static class MeetAtNonJoin extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = "merge") public void a() {}
        @Step(next = "merge") public void b() {}
        @Step(next = "join") public void merge() {}
        @Step(next = "end") public void join(Inputs<MeetAtNonJoin> in) {}
        @Step public void end() {}
    }

    @Test
    void branchesMeetAtANonJoin() {
        assertSingleError(MeetAtNonJoin.class, "merge", "branches a and b of split start meet at merge",
                "not a join", "Inputs<MeetAtNonJoin>");
    }

    /** joinA should close split a (a1, a2), but branch b of the outer split also arrives there. */
    static class WrongNesting extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = {"a1", "a2"}) public void a() {}
        @Step(next = "joinA") public void a1() {}
        @Step(next = "joinA") public void a2() {}
        @Step(next = "joinA") public void b() {}
        @Step(next = "end") public void joinA(Inputs<WrongNesting> in) {}
        @Step public void end() {}
    }

    @Test
    void joinClosingTheWrongSplit() {
        assertSingleError(WrongNesting.class, "joinA", "split a (coming from a1)", "split start (coming from b)",
                "nesting mismatch");
    }

    /** x is reached from a1, still inside split a, and from inner, which has already closed it. */
    static class CrossingJoins extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = {"a1", "a2"}) public void a() {}
        @Step(next = "x") public void a1() {}
        @Step(next = "inner") public void a2() {}
        @Step(next = "x") public void inner(Inputs<CrossingJoins> in) {}
        @Step(next = "outer") public void x() {}
        @Step(next = "outer") public void b() {}
        @Step(next = "end") public void outer(Inputs<CrossingJoins> in) {}
        @Step public void end() {}
    }

    @Test
    void pathsMeetingInsideDifferentSplits() {
        // the consequences further down (outer closing two different splits) are not repeated
        assertSingleError(CrossingJoins.class, "x", "is reached from a1 inside branch a of start > branch a1 of a",
                "from inner inside branch a of start", "nesting mismatch");
    }

    static class BranchToEnd extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = {"b", "end"}) public void a() {}
        @Step(next = "end") public void b() {}
        @Step public void end() {}
    }

    @Test
    void branchStraightToEnd() {
        assertSingleError(BranchToEnd.class, "a", "split a never reaches a join", "branches b, end reach end");
    }

    static class ForeachDirectJoin extends FlowSpec {
        List<Integer> items;

        @Step(next = "join", foreach = "items") public void start() {}
        @Step(next = "end") public void join(Inputs<ForeachDirectJoin> in) {}
        @Step public void end() {}
    }

    @Test
    void foreachFollowedDirectlyByItsJoin() {
        assertSingleError(ForeachDirectJoin.class, "start", "goes directly to its own join", "at least one step");
    }

    static class ForeachUndeclared extends FlowSpec {
        @Step(next = "body", foreach = "itemz") public void start() {}
        @Step(next = "join") public void body() {}
        @Step(next = "end") public void join(Inputs<ForeachUndeclared> in) {}
        @Step public void end() {}
    }

    @Test
    void foreachNamingAnUndeclaredField() {
        assertSingleError(ForeachUndeclared.class, "start", "'itemz'", "does not declare");
    }

    static class ForeachTransient extends FlowSpec {
        transient List<Integer> items;

        @Step(next = "body", foreach = "items") public void start() {}
        @Step(next = "join") public void body() {}
        @Step(next = "end") public void join(Inputs<ForeachTransient> in) {}
        @Step public void end() {}
    }

    @Test
    void foreachNamingATransientField() {
        assertSingleError(ForeachTransient.class, "start", "transient", "not an artifact");
    }

    static class ForeachNotIterable extends FlowSpec {
        String items;

        @Step(next = "body", foreach = "items") public void start() {}
        @Step(next = "join") public void body() {}
        @Step(next = "end") public void join(Inputs<ForeachNotIterable> in) {}
        @Step public void end() {}
    }

    @Test
    void foreachOverAFieldThatCannotBeIterated() {
        assertSingleError(ForeachNotIterable.class, "start", "is a String", "Collection");
    }

    static class SwitchUndeclared extends FlowSpec {
        @Step(condition = "mode", cases = {@Case(value = "a", step = "a"), @Case(value = "b", step = "end")})
        public void start() {}

        @Step(next = "end") public void a() {}
        @Step public void end() {}
    }

    @Test
    void switchNamingAnUndeclaredField() {
        assertSingleError(SwitchUndeclared.class, "start", "condition names field 'mode'", "does not declare");
    }

    static class SwitchOneCase extends FlowSpec {
        String mode;

        @Step(condition = "mode", cases = {@Case(value = "a", step = "end")})
        public void start() {}

        @Step public void end() {}
    }

    @Test
    void switchWithFewerThanTwoCases() {
        assertSingleError(SwitchOneCase.class, "start", "at least two cases", "next = ");
    }

    static class SwitchDuplicateValues extends FlowSpec {
        String mode;

        @Step(condition = "mode", cases = {@Case(value = "a", step = "x"), @Case(value = "a", step = "end")})
        public void start() {}

        @Step(next = "end") public void x() {}
        @Step public void end() {}
    }

    @Test
    void switchWithDuplicateCaseValues() {
        // the second case is dropped, so x is unreachable too: both are named
        List<GraphError> errors = errors(SwitchDuplicateValues.class);
        assertEquals("start", errors.get(0).step());
        assertTrue(errors.get(0).message().contains("case value \"a\" appears twice"), errors.get(0).message());
    }

    enum Color { RED, GREEN }

    static class SwitchOnEnum extends FlowSpec {
        Color color;

        @Step(condition = "color", cases = {@Case(value = "RED", step = "end"), @Case(value = "BLUE", step = "end")})
        public void start() {}

        @Step public void end() {}
    }

    @Test
    void switchCaseThatCanNeverMatch() {
        assertSingleError(SwitchOnEnum.class, "start", "\"BLUE\" can never match", "[RED, GREEN]");
    }

    static class CycleWithoutSwitch extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "b") public void a() {}
        @Step(next = {"a", "end"}) public void b() {}
        @Step public void end() {}
    }

    @Test
    void cycleThatIsNotThroughASwitch() {
        // b is a branch whose 'a' path loops: the loop is named on the step that closes it
        List<GraphError> errors = errors(CycleWithoutSwitch.class);
        assertEquals("b", errors.get(0).step(), errors::toString);
        assertTrue(errors.get(0).message().contains("a -> b -> a"), errors.get(0).message());
        assertTrue(errors.get(0).message().contains("through a switch"), errors.get(0).message());
    }

    static class LinearSelfLoop extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "a") public void a() {}
        @Step public void end() {}
    }

    @Test
    void linearSelfLoop() {
        List<GraphError> errors = errors(LinearSelfLoop.class);
        assertTrue(errors.stream().anyMatch(e -> "a".equals(e.step()) && e.message().contains("a -> a")),
                errors::toString);
        assertTrue(errors.stream().anyMatch(e -> "end".equals(e.step()) && e.message().contains("not reachable")),
                errors::toString);
    }

    static class LoopWithoutExit extends FlowSpec {
        String state;

        @Step(next = "a") public void start() {}
        @Step(next = "check") public void a() {}

        @Step(condition = "state", cases = {@Case(value = "x", step = "a"), @Case(value = "y", step = "check")})
        public void check() {}

        @Step public void end() {}
    }

    @Test
    void loopWithoutAWayOut() {
        List<GraphError> errors = errors(LoopWithoutExit.class);
        assertTrue(errors.stream().anyMatch(e -> "check".equals(e.step()) && e.message().contains("no way out")),
                errors::toString);
    }

    static class LoopAcrossSplit extends FlowSpec {
        List<Integer> items;
        boolean again;

        @Step(next = "fan") public void start() {}
        @Step(next = "body", foreach = "items") public void fan() {}

        @Step(condition = "again", cases = {@Case(value = "true", step = "fan"), @Case(value = "false", step = "join")})
        public void body() {}

        @Step(next = "end") public void join(Inputs<LoopAcrossSplit> in) {}
        @Step public void end() {}
    }

    @Test
    void loopBackAcrossASplitBoundary() {
        assertSingleError(LoopAcrossSplit.class, "fan", "is reached from start outside any split",
                "and from body inside foreach fan");
    }

    static class GangWithoutJoin extends FlowSpec {
        @Step(next = "worker", numParallel = 4) public void start() {}
        @Step(next = "more") public void worker() {}
        @Step(next = "join") public void more() {}
        @Step(next = "end") public void join(Inputs<GangWithoutJoin> in) {}
        @Step public void end() {}
    }

    @Test
    void numParallelTargetNotFollowedByAJoin() {
        assertSingleError(GangWithoutJoin.class, "start", "numParallel target worker must go directly to a join");
    }

    static class NegativeParallel extends FlowSpec {
        @Step(next = "worker", numParallel = -2) public void start() {}
        @Step(next = "end") public void worker() {}
        @Step public void end() {}
    }

    @Test
    void negativeNumParallel() {
        assertSingleError(NegativeParallel.class, "start", "numParallel = -2 must be positive");
    }

    static class NextAndCases extends FlowSpec {
        String mode;

        @Step(next = "a", condition = "mode", cases = {@Case(value = "x", step = "a"), @Case(value = "y", step = "end")})
        public void start() {}

        @Step(next = "end") public void a() {}
        @Step public void end() {}
    }

    @Test
    void bothNextAndCases() {
        List<GraphError> errors = errors(NextAndCases.class);
        assertEquals("start", errors.get(0).step());
        assertTrue(errors.get(0).message().contains("both next and cases"), errors.get(0).message());
    }

    static class ForeachAndBranch extends FlowSpec {
        List<Integer> items;

        @Step(next = {"a", "b"}, foreach = "items") public void start() {}
        @Step(next = "join") public void a() {}
        @Step(next = "join") public void b() {}
        @Step(next = "end") public void join(Inputs<ForeachAndBranch> in) {}
        @Step public void end() {}
    }

    @Test
    void foreachAndBranchTogether() {
        List<GraphError> errors = errors(ForeachAndBranch.class);
        assertEquals("start", errors.get(0).step());
        assertTrue(errors.get(0).message().contains("cannot also branch"), errors.get(0).message());
    }

    static class NoNext extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step public void a() {}
        @Step public void end() {}
    }

    @Test
    void stepWithoutNext() {
        List<GraphError> errors = errors(NoNext.class);
        assertEquals("a", errors.get(0).step());
        assertTrue(errors.get(0).message().contains("has no next step"), errors.get(0).message());
    }

    // ------------------------------------------------------------------ signatures

    static class NotPublic extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "end") void a() {}
        @Step public void end() {}
    }

    @Test
    void stepNotPublic() {
        assertSingleError(NotPublic.class, "a", "a() must be public");
    }

    static class ReturnsValue extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "end") public int a() { return 1; }
        @Step public void end() {}
    }

    @Test
    void stepReturnsAValue() {
        assertSingleError(ReturnsValue.class, "a", "must return void, not int");
    }

    static class StaticStep extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "end") public static void a() {}
        @Step public void end() {}
    }

    @Test
    void staticStep() {
        assertSingleError(StaticStep.class, "a", "must not be static");
    }

    static class WrongParameters extends FlowSpec {
        @Step(next = "a") public void start() {}
        @Step(next = "end") public void a(String s) {}
        @Step public void end() {}
    }

    @Test
    void stepWithWrongParameters() {
        assertSingleError(WrongParameters.class, "a", "a(String) must take no parameters");
    }

    static class JoinTwoParameters extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = "join") public void a() {}
        @Step(next = "join") public void b() {}
        @Step(next = "end") public void join(Inputs<JoinTwoParameters> in, int extra) {}
        @Step public void end() {}
    }

    @Test
    void joinWithMoreThanOneParameter() {
        assertSingleError(JoinTwoParameters.class, "join", "must take exactly one parameter, Inputs<JoinTwoParameters>");
    }

    static class JoinOfOtherFlow extends FlowSpec {
        @Step(next = {"a", "b"}) public void start() {}
        @Step(next = "join") public void a() {}
        @Step(next = "join") public void b() {}
        @Step(next = "end") public void join(Inputs<NotPublic> in) {}
        @Step public void end() {}
    }

    @Test
    void joinOverTheWrongFlow() {
        assertSingleError(JoinOfOtherFlow.class, "join", "Inputs<NotPublic>", "declare Inputs<JoinOfOtherFlow>");
    }

    // ------------------------------------------------------------------ decorators

    static class CatchOnForeach extends FlowSpec {
        List<Integer> items;

        @Catch @Step(next = "body", foreach = "items") public void start() {}
        @Step(next = "join") public void body() {}
        @Step(next = "end") public void join(Inputs<CatchOnForeach> in) {}
        @Step public void end() {}
    }

    @Test
    void catchOnAForeach() {
        assertSingleError(CatchOnForeach.class, "start", "@Catch is not allowed on a foreach step");
    }

    static class CatchOnSwitch extends FlowSpec {
        String mode;

        @Catch @Step(condition = "mode", cases = {@Case(value = "a", step = "end"), @Case(value = "b", step = "end")})
        public void start() {}

        @Step public void end() {}
    }

    @Test
    void catchOnASwitch() {
        assertSingleError(CatchOnSwitch.class, "start", "@Catch is not allowed on a switch step");
    }

    static class CatchVarWrongType extends FlowSpec {
        String failure;

        @Catch(var = "failure") @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void catchIntoAFieldOfTheWrongType() {
        assertSingleError(CatchVarWrongType.class, "start", "declare it as CaughtException");
    }

    static class CatchOk extends FlowSpec {
        CaughtException failure;

        @Catch(var = "failure") @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void catchIntoACaughtExceptionField() {
        assertEquals("failure", FlowGraph.of(CatchOk.class).start().decorators().catchPolicy().orElseThrow().var());
    }

    static class BadRetry extends FlowSpec {
        @Retry(times = 0) @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void nonPositiveRetry() {
        assertSingleError(BadRetry.class, "start", "@Retry(times = 0) must allow at least 1 retry");
    }

    static class BadTimeout extends FlowSpec {
        @Timeout(minutes = 0) @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void nonPositiveTimeout() {
        assertSingleError(BadTimeout.class, "start", "@Timeout needs a positive duration");
    }

    static class DecoratorWithoutStep extends FlowSpec {
        @Step(next = "end") public void start() {}
        @Retry public void helper() {}
        @Step public void end() {}
    }

    @Test
    void decoratorOnAMethodThatIsNotAStep() {
        assertSingleError(DecoratorWithoutStep.class, "helper", "@Retry but no @Step");
    }

    // ------------------------------------------------------------------ artifact fields

    static class FieldClash extends FlowSpec {
        int index;
        String batonState;

        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void artifactFieldClashingWithTheApi() {
        List<GraphError> errors = errors(FieldClash.class);
        assertEquals(2, errors.size(), errors::toString);
        assertEquals(null, errors.get(0).step());
        assertTrue(errors.get(0).message().contains("'index' is reserved by the FlowSpec API"), errors.get(0).message());
        assertTrue(errors.get(1).message().contains("'batonState' is reserved"), errors.get(1).message());
    }

    // ------------------------------------------------------------------ all at once

    static class ManyProblems extends FlowSpec {
        int current;

        @Step(next = "a") public void start() {}
        @Step(next = "missing") public void a() {}
        @Step(next = "end") public int b() { return 0; }
        @Catch @Step(next = "c", foreach = "nothing") public void c2() {}
        @Step(next = "end") public void c() {}
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        List<GraphError> errors = errors(ManyProblems.class);
        Set<String> steps = errors.stream().map(e -> String.valueOf(e.step())).collect(Collectors.toSet());
        // no end; field 'current' clashes; a -> missing; b returns a value and is unreachable;
        // c2 names an undeclared field, has @Catch on a foreach and is unreachable
        assertEquals(Set.of("null", "a", "b", "c2"), steps, errors::toString);
        assertEquals(6, errors.size(), errors::toString);
        assertTrue(errors.stream().anyMatch(e -> e.message().contains("no end step")));
        assertTrue(errors.stream().anyMatch(e -> e.message().contains("'current' is reserved")));
        assertTrue(errors.stream().anyMatch(e -> "a".equals(e.step()) && e.message().contains("'missing'")));
        assertTrue(errors.stream().anyMatch(e -> "b".equals(e.step()) && e.message().contains("must return void")));
        assertTrue(errors.stream().anyMatch(e -> "c2".equals(e.step()) && e.message().contains("'nothing'")));
        assertTrue(errors.stream().anyMatch(e -> "c2".equals(e.step()) && e.message().contains("@Catch")));
    }
}
