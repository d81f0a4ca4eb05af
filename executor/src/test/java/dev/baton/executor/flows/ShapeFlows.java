package dev.baton.executor.flows;

import dev.baton.flow.Case;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.ForeachFrame;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** One flow per graph shape of issue 3; each computes values the tests read back from the datastore. */
public final class ShapeFlows {
    private ShapeFlows() {}

    public static class Linear extends FlowSpec {
        int x;
        String trail;

        @Step(next = "middle")
        public void start() {
            x = 1;
            trail = "start";
        }

        @Step(next = "end")
        public void middle() {
            x += 1;
            trail += ">middle";
        }

        @Step
        public void end() {
            x *= 10;
            trail += ">end";
        }
    }

    public static class TwoWay extends FlowSpec {
        int base;
        int a;
        int b;
        int sum;

        @Step(next = {"left", "right"})
        public void start() {
            base = 5;
        }

        @Step(next = "join")
        public void left() {
            a = base + 1;
        }

        @Step(next = "join")
        public void right() {
            b = base + 2;
        }

        @Step(next = "end")
        public void join(Inputs<TwoWay> in) {
            sum = in.step("left").a + in.step("right").b;
            mergeArtifactsExcept(in, "a", "b");
        }

        @Step
        public void end() {
            sum += base;
        }
    }

    public static class Nested3 extends FlowSpec {
        String leaf;
        String leaves;

        @Step(next = {"l", "r"}) public void start() {}
        @Step(next = {"ll", "lr"}) public void l() {}
        @Step(next = {"rl", "rr"}) public void r() {}
        @Step(next = {"lll", "llr"}) public void ll() {}
        @Step(next = {"lrl", "lrr"}) public void lr() {}
        @Step(next = {"rll", "rlr"}) public void rl() {}
        @Step(next = {"rrl", "rrr"}) public void rr() {}
        @Step(next = "joinLl") public void lll() { leaf = "lll"; }
        @Step(next = "joinLl") public void llr() { leaf = "llr"; }
        @Step(next = "joinLr") public void lrl() { leaf = "lrl"; }
        @Step(next = "joinLr") public void lrr() { leaf = "lrr"; }
        @Step(next = "joinRl") public void rll() { leaf = "rll"; }
        @Step(next = "joinRl") public void rlr() { leaf = "rlr"; }
        @Step(next = "joinRr") public void rrl() { leaf = "rrl"; }
        @Step(next = "joinRr") public void rrr() { leaf = "rrr"; }
        @Step(next = "joinL") public void joinLl(Inputs<Nested3> in) { collect(in, true); }
        @Step(next = "joinL") public void joinLr(Inputs<Nested3> in) { collect(in, true); }
        @Step(next = "joinR") public void joinRl(Inputs<Nested3> in) { collect(in, true); }
        @Step(next = "joinR") public void joinRr(Inputs<Nested3> in) { collect(in, true); }
        @Step(next = "join") public void joinL(Inputs<Nested3> in) { collect(in, false); }
        @Step(next = "join") public void joinR(Inputs<Nested3> in) { collect(in, false); }
        @Step(next = "end") public void join(Inputs<Nested3> in) { collect(in, false); }
        @Step public void end() {}

        private void collect(Inputs<Nested3> in, boolean fromLeaves) {
            leaves = in.stream().map(i -> fromLeaves ? i.leaf : i.leaves).collect(Collectors.joining(","));
        }
    }

    public static class ForeachTwo extends FlowSpec {
        List<Integer> items;
        int value;
        List<Integer> results;

        @Step(next = "first", foreach = "items")
        public void start() {
            items = List.of(1, 2, 3, 4);
        }

        @Step(next = "second")
        public void first() {
            int item = input();
            value = item * item;
        }

        @Step(next = "join")
        public void second() {
            value = value * 100 + index();
        }

        @Step(next = "end")
        public void join(Inputs<ForeachTwo> in) {
            results = in.stream().map(i -> i.value).toList();
        }

        @Step public void end() {}
    }

    public static class Foreach3 extends FlowSpec {
        List<String> xs;
        List<String> ys;
        List<String> zs;
        String path;
        List<String> paths;

        @Step(next = "outer", foreach = "xs")
        public void start() {
            xs = List.of("a", "b");
        }

        @Step(next = "middle", foreach = "ys")
        public void outer() {
            ys = List.of(input() + "1", input() + "2");
        }

        @Step(next = "body", foreach = "zs")
        public void middle() {
            zs = List.of("x", "y", "z");
        }

        @Step(next = "joinMiddle")
        public void body() {
            List<ForeachFrame> stack = foreachStack();
            path = stack.stream().map(f -> f.value() + "@" + f.index() + "/" + f.count())
                    .collect(Collectors.joining(" "));
        }

        @Step(next = "joinOuter")
        public void joinMiddle(Inputs<Foreach3> in) {
            paths = in.stream().map(i -> i.path).toList();
        }

        @Step(next = "joinStart")
        public void joinOuter(Inputs<Foreach3> in) {
            paths = in.stream().flatMap(i -> i.paths.stream()).toList();
        }

        @Step(next = "end")
        public void joinStart(Inputs<Foreach3> in) {
            paths = in.stream().flatMap(i -> i.paths.stream()).toList();
        }

        @Step public void end() {}
    }

    public static class Gang extends FlowSpec {
        int member;
        List<Integer> members;

        @Step(next = "worker", numParallel = 4) public void start() {}

        @Step(next = "join")
        public void worker() {
            member = index() * 10;
        }

        @Step(next = "end")
        public void join(Inputs<Gang> in) {
            members = in.stream().map(i -> i.member).toList();
        }

        @Step public void end() {}
    }

    public static class Switch3 extends FlowSpec {
        @Parameter(help = "which case") String mode = "slow";
        String chosen;
        String route;

        @Step(condition = "chosen", cases = {
                @Case(value = "fast", step = "fast"),
                @Case(value = "slow", step = "slow"),
                @Case(value = "skip", step = "finish")})
        public void start() {
            chosen = mode;
            route = "start";
        }

        @Step(next = "finish") public void fast() { route += ">fast"; }
        @Step(next = "finish") public void slow() { route += ">slow"; }
        @Step(next = "end") public void finish() { route += ">finish"; }
        @Step public void end() {}
    }

    public static class SwitchInBranch extends FlowSpec {
        boolean big = true;
        String got;
        String all;

        @Step(next = {"choose", "other"}) public void start() {}

        @Step(condition = "big", cases = {@Case(value = "true", step = "large"), @Case(value = "false", step = "small")})
        public void choose() {}

        @Step(next = "join") public void large() { got = "large"; }
        @Step(next = "join") public void small() { got = "small"; }
        @Step(next = "join") public void other() { got = "other"; }

        @Step(next = "end")
        public void join(Inputs<SwitchInBranch> in) {
            all = in.stream().map(i -> i.got).collect(Collectors.joining(","));
        }

        @Step public void end() {}
    }

    public static class SwitchInForeach extends FlowSpec {
        List<String> items;
        String kind;
        String handled;
        List<String> results;

        @Step(next = "classify", foreach = "items")
        public void start() {
            items = List.of("a1", "b2", "a3");
        }

        @Step(condition = "kind", cases = {@Case(value = "a", step = "handleA"), @Case(value = "b", step = "handleB")})
        public void classify() {
            String item = input();
            kind = item.substring(0, 1);
        }

        @Step(next = "join") public void handleA() { handled = "A:" + input(); }
        @Step(next = "join") public void handleB() { handled = "B:" + input(); }

        @Step(next = "end")
        public void join(Inputs<SwitchInForeach> in) {
            results = in.stream().map(i -> i.handled).toList();
        }

        @Step public void end() {}
    }

    public static class SwitchToSwitch extends FlowSpec {
        String first = "more";
        String second = "z";
        String route = "";

        @Step(condition = "first", cases = {@Case(value = "more", step = "again"), @Case(value = "done", step = "x")})
        public void start() { route = "start"; }

        @Step(condition = "second", cases = {@Case(value = "y", step = "y"), @Case(value = "z", step = "z")})
        public void again() { route += ">again"; }

        @Step(next = "end") public void x() { route += ">x"; }
        @Step(next = "end") public void y() { route += ">y"; }
        @Step(next = "end") public void z() { route += ">z"; }
        @Step public void end() {}
    }

    public static class ForeachInSwitch extends FlowSpec {
        @Parameter String mode = "fan";
        List<Integer> items;
        int doubled;
        int total = -1;

        @Step(condition = "mode", cases = {@Case(value = "fan", step = "fan"), @Case(value = "skip", step = "done")})
        public void start() {}

        @Step(next = "body", foreach = "items")
        public void fan() {
            items = List.of(1, 2, 3);
        }

        @Step(next = "join")
        public void body() {
            int i = input();
            doubled = i * 2;
        }

        @Step(next = "done")
        public void join(Inputs<ForeachInSwitch> in) {
            total = in.stream().mapToInt(i -> i.doubled).sum();
        }

        @Step(next = "end") public void done() {}
        @Step public void end() {}
    }

    public static class BranchInSwitch extends FlowSpec {
        String mode = "both";
        String side;
        String sides = "none";

        @Step(condition = "mode", cases = {@Case(value = "both", step = "fork"), @Case(value = "none", step = "done")})
        public void start() {}

        @Step(next = {"p", "q"}) public void fork() {}
        @Step(next = "join") public void p() { side = "p"; }
        @Step(next = "join") public void q() { side = "q"; }

        @Step(next = "done")
        public void join(Inputs<BranchInSwitch> in) {
            sides = in.stream().map(i -> i.side).collect(Collectors.joining("+"));
        }

        @Step(next = "end") public void done() {}
        @Step public void end() {}
    }

    public static class Loop extends FlowSpec {
        int count;
        boolean again;
        List<String> visits = new ArrayList<>();

        @Step(next = "loop") public void start() { count = 0; }

        @Step(condition = "again", cases = {@Case(value = "true", step = "loop"), @Case(value = "false", step = "end")})
        public void loop() {
            count++;
            visits = new ArrayList<>(visits);
            visits.add(current().taskId());
            again = count < 4;
        }

        @Step public void end() {}
    }

    public static class LoopInForeach extends FlowSpec {
        List<Integer> limits;
        int n;
        String state;
        List<Integer> counts;

        @Step(next = "body", foreach = "limits")
        public void start() {
            limits = List.of(2, 3, 1);
        }

        @Step(next = "check")
        public void body() {
            n++;
        }

        @Step(condition = "state", cases = {@Case(value = "again", step = "body"), @Case(value = "done", step = "join")})
        public void check() {
            int limit = input();
            state = n < limit ? "again" : "done";
        }

        @Step(next = "end")
        public void join(Inputs<LoopInForeach> in) {
            counts = in.stream().map(i -> i.n).toList();
        }

        @Step public void end() {}
    }
}
