package dev.baton.cli.aws;

import dev.baton.flow.Case;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Flows the AWS end-to-end tests run through the real command line: one per graph shape, each computing values
 * the tests know in advance. None records run or task ids in an artifact, so two runs of the same flow give the
 * same content keys wherever they run.
 */
public final class AwsFlows {
    private AwsFlows() {}

    /** A record artifact: a user class, serialized field by field. */
    public record Point(int x, int y) {}

    /**
     * Two levels of foreach, each closed by its own join, with artifacts of several kinds (primitives, strings,
     * byte arrays, lists, maps, records) and splits of different widths (2 outer, then 2 and 3 inner).
     */
    public static class NestedForeach extends FlowSpec {
        @Parameter(help = "multiplier") int scale = 3;

        List<String> groups;
        List<Integer> members;
        String group;
        int value;
        double ratio;
        long big;
        byte[] bytes;
        String label;
        Point point;
        List<String> labels;
        List<Double> ratios;
        List<Point> points;
        Map<String, Integer> counts;
        int total;
        Map<String, List<Double>> table;
        String summary;

        @Step(next = "outer", foreach = "groups")
        public void start() {
            groups = List.of("red", "green");
        }

        @Step(next = "inner", foreach = "members")
        public void outer() {
            group = input();
            members = group.equals("red") ? List.of(1, 2) : List.of(3, 4, 5);
        }

        @Step(next = "joinInner")
        public void inner() {
            int m = input();
            value = m * scale;
            ratio = value / 8.0;
            big = (1L << 40) + value;
            bytes = (group + "#" + value).getBytes(StandardCharsets.UTF_8);
            label = group + ":" + value + "@" + foreachStack().get(0).index() + "." + index();
            point = new Point(index(), value);
        }

        @Step(next = "joinOuter")
        public void joinInner(Inputs<NestedForeach> in) {
            labels = in.stream().map(i -> i.label).toList();
            ratios = in.stream().map(i -> i.ratio).toList();
            points = in.stream().map(i -> i.point).toList();
            counts = new HashMap<>();
            for (NestedForeach i : in) {
                counts.put(i.label, i.bytes.length);
            }
            total = in.stream().mapToInt(i -> i.value).sum();
            mergeArtifactsOnly(in, "group", "groups");
        }

        @Step(next = "end")
        public void joinOuter(Inputs<NestedForeach> in) {
            labels = in.stream().flatMap(i -> i.labels.stream()).toList();
            points = in.stream().flatMap(i -> i.points.stream()).toList();
            table = new TreeMap<>();
            counts = new HashMap<>();
            for (NestedForeach i : in) {
                table.put(i.group, i.ratios);
                counts.putAll(i.counts);
            }
            total = in.stream().mapToInt(i -> i.total).sum();
            mergeArtifactsOnly(in, "groups", "scale");
        }

        @Step
        public void end() {
            summary = String.join(",", labels) + " total=" + total;
        }
    }

    /** start, middle, end. */
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

    /** A static two-way branch and its join, with a merge of the artifact both sides agree on. */
    public static class Branch extends FlowSpec {
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
        public void join(Inputs<Branch> in) {
            sum = in.step("left").a + in.step("right").b;
            mergeArtifactsExcept(in, "a", "b");
        }

        @Step
        public void end() {
            sum += base;
        }
    }

    /** A foreach over four items with two steps per branch. */
    public static class Foreach extends FlowSpec {
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
        public void join(Inputs<Foreach> in) {
            results = in.stream().map(i -> i.value).toList();
        }

        @Step
        public void end() {}
    }

    /** A switch that picks a route, then a loop (a case back to the same step) that runs three times. */
    public static class SwitchLoop extends FlowSpec {
        @Parameter(help = "fast or slow") String mode = "slow";
        String route;
        int count;
        String again;
        List<Integer> visits = new ArrayList<>();

        @Step(condition = "mode", cases = {@Case(value = "fast", step = "fast"), @Case(value = "slow", step = "slow")})
        public void start() {
            route = "start";
        }

        @Step(next = "loop")
        public void fast() {
            route += ">fast";
        }

        @Step(next = "loop")
        public void slow() {
            route += ">slow";
        }

        @Step(condition = "again", cases = {@Case(value = "yes", step = "loop"), @Case(value = "no", step = "end")})
        public void loop() {
            count++;
            visits = new ArrayList<>(visits);
            visits.add(count * count);
            again = count < 3 ? "yes" : "no";
        }

        @Step
        public void end() {
            route += ">end";
        }
    }

    /** A gang of three tasks ({@code numParallel}) and its join. */
    public static class Gang extends FlowSpec {
        int member;
        List<Integer> members;

        @Step(next = "worker", numParallel = 3)
        public void start() {}

        @Step(next = "join")
        public void worker() {
            member = 10 * index() + 7;
        }

        @Step(next = "end")
        public void join(Inputs<Gang> in) {
            members = in.stream().map(i -> i.member).toList();
        }

        @Step
        public void end() {}
    }

    /**
     * A few MiB of bytes split into slices by a foreach: large blobs (multipart up, ranged reads down) and many
     * small ones, for runs through a faulty network.
     */
    public static class Bulk extends FlowSpec {
        @Parameter(help = "MiB of data") int mib = 12;
        byte[] data;
        List<Integer> slices;
        long sum;
        String tag;
        List<Long> sums;
        long total;
        String tags;

        @Step(next = "slice", foreach = "slices")
        public void start() {
            data = pattern(mib << 20);
            slices = IntStream.range(0, 3).boxed().toList();
        }

        @Step(next = "join")
        public void slice() {
            int i = input();
            int n = data.length / slices.size();
            long s = 0;
            for (int k = i * n; k < (i + 1) * n; k++) {
                s += data[k] & 0xff;
            }
            sum = s;
            tag = "slice-" + i;
        }

        @Step(next = "end")
        public void join(Inputs<Bulk> in) {
            sums = in.stream().map(x -> x.sum).toList();
            total = sums.stream().mapToLong(Long::longValue).sum();
            tags = in.stream().map(x -> x.tag).collect(Collectors.joining(","));
            mergeArtifactsOnly(in, "data", "mib");
        }

        @Step
        public void end() {}

        /** Bytes that do not compress away: a 64-bit LCG, one byte per step. */
        static byte[] pattern(int size) {
            byte[] b = new byte[size];
            long x = 0x9E3779B97F4A7C15L;
            for (int i = 0; i < size; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                b[i] = (byte) (x >>> 56);
            }
            return b;
        }
    }
}
