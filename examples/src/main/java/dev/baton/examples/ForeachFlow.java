package dev.baton.examples;

import dev.baton.flow.Baton;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Step;
import java.util.List;

/**
 * A fan-out: {@code square} runs once per number, in parallel, and the join adds the squares up. With the numbers
 * 1..5, {@code total} is 55 and {@code squares} is {@code [1, 4, 9, 16, 25]} (the join sees its inputs in foreach
 * order).
 */
public class ForeachFlow extends FlowSpec {
    /** The list the foreach iterates; each {@code square} task loads only its own element. */
    List<Integer> numbers;

    /** Set once by {@code start}; every branch inherits the same value, so the join can merge it. */
    String unit;

    /** Set by each {@code square} task, different in every branch. */
    int square;

    List<Integer> squares;
    int total;

    @Step(next = "square", foreach = "numbers")
    public void start() {
        numbers = List.of(1, 2, 3, 4, 5);
        unit = "m\u00b2";
    }

    @Step(next = "join")
    public void square() {
        int n = this.<Integer>input();
        square = n * n;
        System.out.println("item " + index() + ": " + n + "^2 = " + square);
    }

    @Step(next = "end")
    public void join(Inputs<ForeachFlow> inputs) {
        squares = inputs.stream().map(in -> in.square).toList();
        total = squares.stream().mapToInt(Integer::intValue).sum();
        // numbers and unit agree in every input and are passed on by key; square differs, so it is left out
        mergeArtifactsExcept(inputs, "square");
    }

    @Step
    public void end() {
        System.out.println("sum of squares of " + numbers + " = " + total + " " + unit);
    }

    public static void main(String[] args) {
        Baton.main(ForeachFlow.class, args);
    }
}
