package dev.baton.cli.sfn;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Step;
import java.util.List;

/** Foreach inside foreach (test flow): products over a 2 x 2 grid (small: each task is a JVM in the end-to-end test), summed per row, then in all. */
public class NestedForeachFlow extends FlowSpec {
    List<Integer> rows;
    List<Integer> cols;
    int row;
    int product;
    List<Integer> rowProducts;
    int total;

    @Step(next = "outer", foreach = "rows")
    public void start() {
        rows = List.of(1, 2);
    }

    @Step(next = "inner", foreach = "cols")
    public void outer() {
        row = input();
        cols = List.of(10, 20);
    }

    @Step(next = "innerJoin")
    public void inner() {
        int col = input();
        product = row * col;
    }

    @Step(next = "outerJoin")
    public void innerJoin(Inputs<NestedForeachFlow> inputs) {
        rowProducts = inputs.stream().map(in -> in.product).toList();
    }

    @Step(next = "end")
    public void outerJoin(Inputs<NestedForeachFlow> inputs) {
        total = inputs.stream().flatMap(in -> in.rowProducts.stream()).mapToInt(Integer::intValue).sum();
        rowProducts = inputs.stream().map(in -> in.rowProducts.get(0)).toList();
    }

    @Step
    public void end() {}
}
