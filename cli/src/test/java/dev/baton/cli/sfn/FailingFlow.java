package dev.baton.cli.sfn;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Step;

/** A flow whose second step always fails (test flow): on Step Functions the run must end FAILED, recorded. */
public class FailingFlow extends FlowSpec {
    /** The failing step's message, checked in the run record's cause. */
    static final String MESSAGE = "the model diverged";

    int seed;

    @Step(next = "train")
    public void start() {
        seed = 7;
    }

    @Step(next = "end")
    public void train() {
        throw new IllegalStateException(MESSAGE + " at seed " + seed);
    }

    @Step
    public void end() {}
}
