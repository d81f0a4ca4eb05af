package dev.baton.bench.flows;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Step;

/** The runtime benchmark's 3-step linear flow: trivial steps, so the figure is Baton's own overhead. */
public class Linear3Flow extends FlowSpec {
    int x;

    @Step(next = "middle")
    public void start() {
        x = 1;
    }

    @Step(next = "end")
    public void middle() {
        x++;
    }

    @Step
    public void end() {
        x++;
    }
}
