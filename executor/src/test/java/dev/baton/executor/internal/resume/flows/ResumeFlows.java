package dev.baton.executor.internal.resume.flows;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Flows for the resume tests. Each step appends its name (and foreach indices) to {@code <markers>/executions}
 * when it starts, so a test can count exactly which steps ran in which run; a step "fails until fixed" while the
 * file {@code <markers>/fixed} is absent.
 */
public final class ResumeFlows {
    private ResumeFlows() {}

    static void mark(String markers, String what) {
        try {
            Files.writeString(Path.of(markers, "executions"), what + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void failUnlessFixed(String markers, String step) {
        if (!Files.exists(Path.of(markers, "fixed"))) {
            throw new IllegalStateException("step " + step + " is not fixed yet");
        }
    }

    /** start -> work x100 (foreach) -> join -> evaluate (fails until fixed) -> end. */
    public static class Wide extends FlowSpec {
        @Parameter(help = "marker directory")
        public String markers = "";
        public List<Integer> items;
        public int doubled;
        public long total;
        public String result;

        @Step(next = "work", foreach = "items")
        public void start() {
            mark(markers, "start");
            items = IntStream.range(0, 100).boxed().toList();
        }

        @Step(next = "join")
        public void work() {
            mark(markers, "work " + index());
            int item = input();
            doubled = item * 2;
        }

        @Step(next = "evaluate")
        public void join(Inputs<Wide> inputs) {
            mark(markers, "join");
            total = inputs.stream().mapToLong(in -> in.doubled).sum();
        }

        @Step(next = "end")
        public void evaluate() {
            mark(markers, "evaluate");
            failUnlessFixed(markers, "evaluate");
            result = "ok:" + total;
        }

        @Step
        public void end() {
            mark(markers, "end");
        }
    }

    /** start -> a -> b -> c -> end; each appends to {@code trail}. */
    public static class Chain extends FlowSpec {
        @Parameter(help = "marker directory")
        public String markers = "";
        public List<String> trail;

        @Step(next = "a")
        public void start() {
            mark(markers, "start");
            trail = List.of("start");
        }

        @Step(next = "b")
        public void a() {
            mark(markers, "a");
            trail = append(trail, "a");
        }

        @Step(next = "c")
        public void b() {
            mark(markers, "b");
            trail = append(trail, "b");
        }

        @Step(next = "end")
        public void c() {
            mark(markers, "c");
            trail = append(trail, "c");
        }

        @Step
        public void end() {
            mark(markers, "end");
        }

        private static List<String> append(List<String> list, String item) {
            List<String> out = new ArrayList<>(list);
            out.add(item);
            return List.copyOf(out);
        }
    }

    /** start -> outer foreach [0..2] -> mid -> inner foreach [0..2] -> leaf (1,2 fails until fixed) -> joins -> end. */
    public static class Nested extends FlowSpec {
        @Parameter(help = "marker directory")
        public String markers = "";
        public List<Integer> outer;
        public List<Integer> inner;
        public int value;
        public List<Integer> values;
        public List<Integer> all;

        @Step(next = "mid", foreach = "outer")
        public void start() {
            mark(markers, "start");
            outer = List.of(0, 1, 2);
        }

        @Step(next = "leaf", foreach = "inner")
        public void mid() {
            mark(markers, "mid " + index());
            inner = List.of(0, 1, 2);
        }

        @Step(next = "innerJoin")
        public void leaf() {
            int i = foreachStack().get(0).index();
            int j = index();
            mark(markers, "leaf " + i + "," + j);
            if (i == 1 && j == 2) {
                failUnlessFixed(markers, "leaf");
            }
            value = 10 * i + j;
        }

        @Step(next = "outerJoin")
        public void innerJoin(Inputs<Nested> inputs) {
            mark(markers, "innerJoin");
            values = inputs.stream().map(in -> in.value).toList();
        }

        @Step(next = "end")
        public void outerJoin(Inputs<Nested> inputs) {
            mark(markers, "outerJoin");
            all = inputs.stream().flatMap(in -> in.values.stream()).toList();
        }

        @Step
        public void end() {
            mark(markers, "end");
        }
    }

    /**
     * start -> work x10 (foreach); work 8 and 9 print "blocking i" and wait until {@code <markers>/fixed} exists;
     * the others print "done i". For killing the runtime while two tasks run.
     */
    public static class Blocking extends FlowSpec {
        @Parameter(help = "marker directory")
        public String markers = "";
        public List<Integer> items;
        public int doubled;
        public int total;

        @Step(next = "work", foreach = "items")
        public void start() {
            mark(markers, "start");
            items = IntStream.range(0, 10).boxed().toList();
        }

        @Step(next = "join")
        public void work() throws InterruptedException {
            mark(markers, "work " + index());
            int item = input();
            if (item >= 8) {
                System.out.println("blocking " + item);
                System.out.flush();
                Path fixed = Path.of(markers, "fixed");
                while (!Files.exists(fixed)) {
                    Thread.sleep(50); // the step waits for the test to kill the runtime; it is never released
                }
            }
            doubled = item * 2;
            System.out.println("done " + item);
            System.out.flush();
        }

        @Step(next = "end")
        public void join(Inputs<Blocking> inputs) {
            mark(markers, "join");
            total = inputs.stream().mapToInt(in -> in.doubled).sum();
        }

        @Step
        public void end() {
            mark(markers, "end");
        }
    }
    /** start -> {a, b} -> join -> end; {@code b} fails until fixed. */
    public static class Branch extends FlowSpec {
        @Parameter(help = "marker directory")
        public String markers = "";
        public String left;
        public String right;
        public String both;

        @Step(next = {"a", "b"})
        public void start() {
            mark(markers, "start");
        }

        @Step(next = "join")
        public void a() {
            mark(markers, "a");
            left = "L";
        }

        @Step(next = "join")
        public void b() {
            mark(markers, "b");
            failUnlessFixed(markers, "b");
            right = "R";
        }

        @Step(next = "end")
        public void join(Inputs<Branch> inputs) {
            mark(markers, "join");
            both = inputs.stream().map(in -> in.left != null ? in.left : in.right).reduce("", String::concat);
        }

        @Step
        public void end() {
            mark(markers, "end");
        }
    }

    /** start -> body -> check (again: body, done: finish) x3 -> finish (fails until fixed) -> end. */
    public static class Loop extends FlowSpec {
        @Parameter(help = "marker directory")
        public String markers = "";
        public int counter;
        public String state;
        public String summary;

        @Step(next = "body")
        public void start() {
            mark(markers, "start");
            counter = 0;
        }

        @Step(next = "check")
        public void body() {
            counter++;
            mark(markers, "body " + counter);
        }

        @Step(condition = "state", cases = {
                @dev.baton.flow.Case(value = "again", step = "body"),
                @dev.baton.flow.Case(value = "done", step = "finish")})
        public void check() {
            mark(markers, "check " + counter);
            state = counter < 3 ? "again" : "done";
        }

        @Step(next = "end")
        public void finish() {
            mark(markers, "finish");
            failUnlessFixed(markers, "finish");
            summary = "looped " + counter;
        }

        @Step
        public void end() {
            mark(markers, "end");
        }
    }
}
