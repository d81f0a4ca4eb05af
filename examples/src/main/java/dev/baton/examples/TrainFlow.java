package dev.baton.examples;

import dev.baton.flow.Baton;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Resources;
import dev.baton.flow.Retry;
import dev.baton.flow.Step;
import dev.baton.flow.Timeout;
import java.util.Comparator;
import java.util.List;

/**
 * A hyper-parameter search in the shape of DESIGN.md: one {@code train} task per learning rate, and a join that
 * keeps the best. "Training" is plain gradient descent on {@code (w - 3)^2} from {@code w = 0}, so the result is
 * exact and repeatable: with the defaults the best rate is 0.3 and its loss is {@code 9 * 0.4^(2 * epochs)}.
 */
public class TrainFlow extends FlowSpec {
    @Parameter(help = "gradient steps per training run")
    int epochs = 5;

    List<Double> rates;

    /** The rate one {@code train} task used, and the loss it reached. */
    double rate;
    double loss;

    double bestRate;
    double bestLoss;
    /** The loss of every rate, in the order of {@link #rates}. */
    List<Double> losses;

    @Step(next = "train", foreach = "rates")
    public void start() {
        rates = List.of(0.3, 0.1, 0.01);
    }

    @Retry(times = 2)
    @Timeout(minutes = 30)
    @Resources(cpu = 2, memoryMb = 2048)
    @Step(next = "pick")
    public void train() {
        rate = this.<Double>input();
        loss = fit(rate, epochs);
        System.out.printf("rate %s: loss %.6f after %d epochs%n", rate, loss, epochs);
    }

    @Step(next = "end")
    public void pick(Inputs<TrainFlow> inputs) {
        losses = inputs.stream().map(in -> in.loss).toList();
        TrainFlow best = inputs.stream().min(Comparator.comparingDouble(in -> in.loss)).orElseThrow();
        bestRate = best.rate;
        bestLoss = best.loss;
        mergeArtifactsExcept(inputs, "rate", "loss");
    }

    @Step
    public void end() {
        System.out.printf("best rate %s with loss %.6f%n", bestRate, bestLoss);
    }

    /** Gradient descent on {@code (w - 3)^2}; returns the loss after {@code epochs} steps of size {@code rate}. */
    static double fit(double rate, int epochs) {
        double w = 0;
        for (int i = 0; i < epochs; i++) {
            w -= rate * 2 * (w - 3);
        }
        return (w - 3) * (w - 3);
    }

    public static void main(String[] args) {
        Baton.main(TrainFlow.class, args);
    }
}
