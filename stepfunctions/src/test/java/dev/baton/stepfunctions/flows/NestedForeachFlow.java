package dev.baton.stepfunctions.flows;

import dev.baton.flow.Environment;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Step;
import dev.baton.flow.Timeout;
import java.util.List;

/** Foreach inside foreach: sums of products over a 2 x 3 grid (test flow). */
public class NestedForeachFlow extends FlowSpec {
    List<Integer> rows;
    List<Integer> cols;
    int row;
    int product;
    int rowSum;
    int total;

    @Step(next = "outer", foreach = "rows")
    public void start() {
        rows = List.of(1, 2);
    }

    @Step(next = "inner", foreach = "cols")
    public void outer() {
        row = input();
        cols = List.of(10, 20, 30);
    }

    @Timeout(minutes = 5)
    @Environment(vars = {"GREETING=hi"})
    @Step(next = "innerJoin")
    public void inner() {
        int col = input();
        product = row * col;
    }

    @Step(next = "outerJoin")
    public void innerJoin(Inputs<NestedForeachFlow> inputs) {
        rowSum = inputs.stream().mapToInt(in -> in.product).sum();
    }

    @Step(next = "end")
    public void outerJoin(Inputs<NestedForeachFlow> inputs) {
        total = inputs.stream().mapToInt(in -> in.rowSum).sum();
    }

    @Step
    public void end() {}
}
