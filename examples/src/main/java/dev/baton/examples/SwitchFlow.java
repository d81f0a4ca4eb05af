package dev.baton.examples;

import dev.baton.flow.Baton;
import dev.baton.flow.Case;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;

/**
 * A loop through a switch: {@code work} adds one to {@code counter}, and {@code check} goes back to {@code work}
 * until the counter reaches {@code --bound}. With the default bound of 3, {@code work} runs three times and the
 * flow ends with {@code counter = 3} and {@code state = "done"}.
 */
public class SwitchFlow extends FlowSpec {
    @Parameter(help = "how many times work runs (at least 1)")
    int bound = 3;

    int counter;

    /** What {@code check} decided: {@code "again"} or {@code "done"}. */
    String state;

    @Step(next = "work")
    public void start() {
        counter = 0;
    }

    @Step(next = "check")
    public void work() {
        counter++;
        System.out.println("work, round " + counter);
    }

    @Step(condition = "state", cases = {
            @Case(value = "again", step = "work"),
            @Case(value = "done", step = "end")})
    public void check() {
        state = counter < bound ? "again" : "done";
    }

    @Step
    public void end() {
        System.out.println("counted to " + counter);
    }

    public static void main(String[] args) {
        Baton.main(SwitchFlow.class, args);
    }
}
