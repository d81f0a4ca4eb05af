package dev.baton.cli.sfn;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Step;
import java.util.List;

/** A gang (test flow): three members, each knowing its index, joined in index order. */
public class GangFlow extends FlowSpec {
    int base;
    int part;
    List<Integer> parts;
    int total;

    @Step(next = "member", numParallel = 3)
    public void start() {
        base = 100;
    }

    @Step(next = "join")
    public void member() {
        part = base + 10 * index();
    }

    @Step(next = "end")
    public void join(Inputs<GangFlow> inputs) {
        parts = inputs.stream().map(in -> in.part).toList();
        total = parts.stream().mapToInt(Integer::intValue).sum();
    }

    @Step
    public void end() {}
}
