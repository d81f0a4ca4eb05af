package dev.baton.cli.run;

import dev.baton.flow.Case;
import dev.baton.flow.Environment;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;
import dev.baton.flow.Timeout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** Flows run through the real command line. */
public final class CliFlows {
    private CliFlows() {}

    /** Branch, foreach, switch and gang in one small flow: a representative subset for process isolation. */
    public static class Mixed extends FlowSpec {
        @Parameter(help = "how many items") int count = 2;
        List<Integer> items;
        int square;
        String side;
        String mode;
        List<Integer> squares;
        String sides;
        String picked;
        List<Integer> members;
        int member;

        @Step(next = {"fan", "other"})
        public void start() {
            items = java.util.stream.IntStream.range(1, count + 1).boxed().toList();
            mode = count % 2 == 0 ? "even" : "odd";
        }

        @Step(next = "body", foreach = "items") public void fan() {}

        @Step(next = "fanJoin")
        public void body() {
            int i = input();
            square = i * i;
            System.out.println("square of " + i + " is " + square);
        }

        @Step(next = "pick")
        public void fanJoin(Inputs<Mixed> in) {
            squares = in.stream().map(x -> x.square).toList();
            side = "fan";
            mergeArtifactsExcept(in, "square");
        }

        @Step(condition = "mode", cases = {@Case(value = "even", step = "even"), @Case(value = "odd", step = "odd")})
        public void pick() {}

        @Step(next = "gang") public void even() { picked = "even"; }
        @Step(next = "gang") public void odd() { picked = "odd"; }

        @Step(next = "gangWorker", numParallel = 2) public void gang() {}

        @Step(next = "branchJoin") public void gangJoin(Inputs<Mixed> in) {
            members = in.stream().map(x -> x.member).toList();
            mergeArtifactsExcept(in, "member");
        }

        @Step(next = "gangJoin") public void gangWorker() { member = 100 + index(); }

        @Step(next = "branchJoin") public void other() { side = "other"; }

        @Step(next = "end")
        public void branchJoin(Inputs<Mixed> in) {
            sides = in.stream().map(x -> x.side).collect(Collectors.joining(","));
            squares = in.step("gangJoin").squares;
            picked = in.step("gangJoin").picked;
            members = in.step("gangJoin").members;
        }

        @Step public void end() {}
    }

    public static class Hello extends FlowSpec {
        @Parameter(help = "who to greet") String name = "world";
        @Parameter(required = true) int times;
        String greeting;

        @Step(next = "shout")
        public void start() {
            greeting = "hello " + name;
        }

        @Step(next = "end")
        public void shout() {
            greeting = (greeting + "!").repeat(times);
        }

        @Step public void end() {}
    }

    /** The step writes its pid where the test watches (tmpdir, by run id), then blocks until it is killed. */
    public static class Killed extends FlowSpec {
        @Step(next = "victim") public void start() {}

        @Step(next = "end")
        public void victim() throws Exception {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            Path tmp = dir.resolve("baton-victim-" + current().runId() + ".tmp");
            Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
            Files.move(tmp, dir.resolve("baton-victim-" + current().runId() + ".pid"),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            new CountDownLatch(1).await();
        }

        @Step public void end() {}
    }

    public static class Fails extends FlowSpec {
        @Step(next = "end")
        public void start() {
            throw new IllegalStateException("start fails on purpose");
        }

        @Step public void end() {}
    }

    public static class Slow extends FlowSpec {
        @Timeout(seconds = 1)
        @Step(next = "end")
        public void start() throws InterruptedException {
            new CountDownLatch(1).await();
        }

        @Step public void end() {}
    }

    public static class WithEnv extends FlowSpec {
        String seen;

        @Environment(vars = {"BATON_TEST_GREETING=hi there"})
        @Step(next = "end")
        public void start() {
            seen = System.getenv("BATON_TEST_GREETING");
        }

        @Step public void end() {}
    }

    /** Invalid: a join without a split. */
    public static class Invalid extends FlowSpec {
        @Step(next = "join") public void start() {}
        @Step(next = "end") public void join(Inputs<Invalid> in) {}
        @Step public void end() {}
    }
}
