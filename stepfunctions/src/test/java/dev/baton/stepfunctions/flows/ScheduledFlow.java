package dev.baton.stepfunctions.flows;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Parameter;
import dev.baton.flow.Schedule;
import dev.baton.flow.Step;

/** A scheduled flow with a parameter (test flow). */
@Schedule(cron = "0 6 * * ? *")
public class ScheduledFlow extends FlowSpec {
    @Parameter(help = "a size")
    int size = 3;

    @Step(next = "end")
    public void start() {}

    @Step
    public void end() {}
}
