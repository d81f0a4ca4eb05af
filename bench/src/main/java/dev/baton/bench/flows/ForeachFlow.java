package dev.baton.bench.flows;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;
import java.util.List;
import java.util.stream.IntStream;

/** The runtime benchmark's foreach over {@code --items} trivial items (1,000 by default). */
public class ForeachFlow extends FlowSpec {
    @Parameter(help = "how many items the foreach fans out over") int items = 1000;
    List<Integer> numbers;
    long square;
    long total;

    @Step(next = "body", foreach = "numbers")
    public void start() {
        numbers = IntStream.range(0, items).boxed().toList();
    }

    @Step(next = "join")
    public void body() {
        long n = this.<Integer>input();
        square = n * n;
    }

    @Step(next = "end")
    public void join(Inputs<ForeachFlow> in) {
        total = in.stream().mapToLong(i -> i.square).sum();
    }

    @Step
    public void end() {}
}
