package dev.baton.examples;

import dev.baton.flow.Baton;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;

/**
 * A static branch: {@code twice} and {@code squareIt} run side by side on the same {@code x}, and the join combines
 * them. With the default {@code --x 7}: {@code doubled = 14}, {@code squared = 49}, {@code sum = 63}.
 */
public class BranchFlow extends FlowSpec {
    @Parameter(help = "the number both branches work on")
    int x = 7;

    int doubled;
    int squared;
    int sum;

    @Step(next = {"twice", "squareIt"})
    public void start() {
        System.out.println("branching on x = " + x);
    }

    @Step(next = "join")
    public void twice() {
        doubled = 2 * x;
    }

    @Step(next = "join")
    public void squareIt() {
        squared = x * x;
    }

    @Step(next = "end")
    public void join(Inputs<BranchFlow> inputs) {
        doubled = inputs.step("twice").doubled;
        squared = inputs.step("squareIt").squared;
        sum = doubled + squared;
        // x agrees in both branches; the fields set above are this step's own and are not merged
        mergeArtifacts(inputs);
    }

    @Step
    public void end() {
        System.out.println(x + " * 2 + " + x + "^2 = " + sum);
    }

    public static void main(String[] args) {
        Baton.main(BranchFlow.class, args);
    }
}
