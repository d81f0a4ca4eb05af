package dev.baton.executor.flows;

import dev.baton.flow.Catch;
import dev.baton.flow.CaughtException;
import dev.baton.flow.Environment;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Retry;
import dev.baton.flow.Step;
import dev.baton.flow.Timeout;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/** Flows exercising the executor's semantics: retries, timeouts, catch, parameters, merges, artifact kinds. */
public final class FeatureFlows {
    private FeatureFlows() {}

    /** A user value class crossing steps. */
    public record Point(int x, int y) {}

    public enum Color { RED, GREEN }

    public static class Kinds extends FlowSpec {
        int i;
        long l;
        double d;
        boolean b;
        char c;
        String s;
        int[] ints;
        String[] strings;
        List<Integer> list;
        Map<String, List<Double>> map;
        Set<String> set;
        java.time.DayOfWeek color;
        BigDecimal money;
        UUID id;
        Instant when;
        LocalDate day;
        Optional<String> maybe;
        byte[] bytes;
        Object nothing;
        transient String scratch;
        static String shared;
        String echo;

        @Step(next = "check")
        public void start() {
            i = 42;
            l = 1L << 40;
            d = 2.5;
            b = true;
            c = 'Ω';
            s = "héllo 🌍";
            ints = new int[] {1, 2, 3};
            strings = new String[] {"a", null, "c"};
            list = new ArrayList<>(List.of(3, 1, 2));
            map = new HashMap<>(Map.of("k", List.of(1.5, 2.5)));
            set = new LinkedHashSet<>(List.of("z", "y"));
            color = java.time.DayOfWeek.FRIDAY;
            money = new BigDecimal("12345.6789");
            id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
            when = Instant.parse("2024-01-02T03:04:05Z");
            day = LocalDate.of(2024, 2, 29);
            maybe = Optional.of("yes");
            bytes = new byte[1000];
            scratch = "not persisted";
        }

        @Step(next = "end")
        public void check() {
            echo = i + "|" + l + "|" + d + "|" + b + "|" + c + "|" + s + "|" + ints[2] + "|" + strings[1] + "|" + list + "|"
                    + map.get("k") + "|" + set + "|" + color + "|" + money + "|" + id + "|" + when + "|"
                    + day + "|" + maybe.orElse("") + "|" + bytes.length + "|" + nothing + "|" + scratch;
        }

        @Step public void end() {}
    }

    /** The first attempt of {@code flaky} fails, the second succeeds. */
    public static class Flaky extends FlowSpec {
        int attemptSeen;

        @Step(next = "flaky") public void start() {}

        @Retry(times = 2)
        @Step(next = "end")
        public void flaky() {
            attemptSeen = current().retryCount();
            if (current().retryCount() == 0) {
                throw new IllegalStateException("first attempt fails on purpose");
            }
        }

        @Step public void end() {}
    }

    public static class AlwaysFails extends FlowSpec {
        @Step(next = "boom") public void start() {}

        @Retry(times = 1)
        @Step(next = "end")
        public void boom() {
            System.out.println("about to fail");
            throw new IllegalArgumentException("boom in " + current().taskId());
        }

        @Step public void end() {}
    }

    public static class Slow extends FlowSpec {
        @Step(next = "slow") public void start() {}

        @Timeout(seconds = 1)
        @Step(next = "end")
        public void slow() throws InterruptedException {
            new CountDownLatch(1).await(); // blocks until @Timeout interrupts it
        }

        @Step public void end() {}
    }

    public static class Caught extends FlowSpec {
        int kept;
        int partial;
        CaughtException failure;
        String after;

        @Step(next = "risky")
        public void start() {
            kept = 7;
        }

        @Catch(var = "failure")
        @Retry(times = 1)
        @Step(next = "end")
        public void risky() {
            partial = 99; // dropped: the failed attempt's writes are not kept
            throw new UnsupportedOperationException("risky failed in attempt " + current().retryCount());
        }

        @Step
        public void end() {
            after = failure == null ? "none" : failure.type() + "/" + failure.attempts();
        }
    }

    public static class Params extends FlowSpec {
        @Parameter(help = "learning rate") double learningRate = 0.01;
        @Parameter(required = true) int epochs;
        @Parameter String name = "model";
        @Parameter boolean loud;
        @Parameter java.time.DayOfWeek color = java.time.DayOfWeek.MONDAY;
        @Parameter List<Integer> sizes = List.of(1);
        @Parameter long seed = 7L;
        String summary;

        @Step(next = "end")
        public void start() {
            summary = learningRate + "," + epochs + "," + name + "," + loud + "," + color + "," + sizes + "," + seed;
        }

        @Step public void end() {}
    }

    public static class WritesParameter extends FlowSpec {
        @Parameter int alpha = 1;

        @Step(next = "end")
        public void start() {
            alpha = 2;
        }

        @Step public void end() {}
    }

    public static class Conflict extends FlowSpec {
        int same;
        int differs;
        String other;
        int mine;

        @Step(next = {"a", "b"})
        public void start() {
            same = 1;
        }

        @Step(next = "join")
        public void a() {
            differs = 1;
            other = "a";
        }

        @Step(next = "join")
        public void b() {
            differs = 2;
            other = "b";
        }

        @Step(next = "end")
        public void join(Inputs<Conflict> in) {
            mergeArtifacts(in);
        }

        @Step public void end() {}
    }

    /** The join resolves the conflict itself before merging the rest. */
    public static class Resolved extends FlowSpec {
        int same;
        int differs;

        @Step(next = {"a", "b"})
        public void start() {
            same = 1;
        }

        @Step(next = "join") public void a() { differs = 1; }
        @Step(next = "join") public void b() { differs = 2; }

        @Step(next = "end")
        public void join(Inputs<Resolved> in) {
            differs = in.stream().mapToInt(i -> i.differs).max().orElseThrow();
            mergeArtifacts(in);
        }

        @Step public void end() {}
    }

    /** Children finish in reverse index order; the join still sees them in index order. */
    public static class OutOfOrder extends FlowSpec {
        List<Integer> items;
        int item;
        List<Integer> seen;

        @Step(next = "body", foreach = "items")
        public void start() {
            items = List.of(0, 1, 2, 3, 4, 5);
        }

        @Step(next = "join")
        public void body() throws Exception {
            item = input();
            // wait for the next index's child to finish first (the last one goes straight through), so completions
            // arrive in reverse index order
            Path dir = Path.of(System.getProperty("baton.test.dir"));
            int next = item + 1;
            if (next < items.size()) {
                Path marker = dir.resolve("done-" + next);
                try (var watch = dir.getFileSystem().newWatchService()) {
                    dir.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
                    while (!Files.exists(marker)) {
                        var key = watch.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                        if (key != null) {
                            key.pollEvents();
                            key.reset();
                        }
                    }
                }
            }
            Files.writeString(dir.resolve("done-" + item), "");
        }

        @Step(next = "end")
        public void join(Inputs<OutOfOrder> in) {
            seen = in.stream().map(i -> i.item).toList();
        }

        @Step public void end() {}
    }

    /** A big list a foreach iterates; each child should load only its item. */
    public static class BigForeach extends FlowSpec {
        List<String> items;
        String unused;
        String out;
        List<String> outs;

        @Step(next = "body", foreach = "items")
        public void start() {
            items = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                items.add("item-" + k);
            }
            unused = "x".repeat(1000);
        }

        @Step(next = "join")
        public void body() {
            out = ((String) input()).toUpperCase();
        }

        @Step(next = "end")
        public void join(Inputs<BigForeach> in) {
            outs = in.stream().map(i -> i.out).toList();
        }

        @Step public void end() {}
    }

    public static class UnknownCase extends FlowSpec {
        String pick;

        @Step(condition = "pick", cases = {@dev.baton.flow.Case(value = "a", step = "a"),
                @dev.baton.flow.Case(value = "b", step = "b")})
        public void start() {
            pick = "zzz";
        }

        @Step(next = "end") public void a() {}
        @Step(next = "end") public void b() {}
        @Step public void end() {}
    }

    public static class Printing extends FlowSpec {
        @Step(next = "end")
        public void start() {
            System.out.println("hello from start " + current().taskId());
            System.err.println("warning from start");
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

    public static class Duration1 extends FlowSpec {
        Duration d;

        @Step(next = "end") public void start() { d = Duration.ofSeconds(3); }
        @Step public void end() {}
    }
}
