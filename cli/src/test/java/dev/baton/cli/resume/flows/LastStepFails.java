package dev.baton.cli.resume.flows;

import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;

/**
 * start -> work (foreach of {@code --width} items) -> join -> evaluate -> end. Every step appends its name to
 * {@code <markers>/executions} when it starts; {@code evaluate} fails until {@code <markers>/fixed} exists.
 */
public class LastStepFails extends FlowSpec {
    @Parameter(help = "marker directory")
    String markers = "";

    @Parameter(help = "foreach width")
    int width = 10;

    List<Integer> items;
    int doubled;
    long total;
    String result;

    private void mark(String what) {
        try {
            Files.writeString(Path.of(markers, "executions"), what + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Step(next = "work", foreach = "items")
    public void start() {
        mark("start");
        items = IntStream.range(0, width).boxed().toList();
    }

    @Step(next = "join")
    public void work() {
        mark("work");
        int item = input();
        doubled = 2 * item;
        System.out.println("work " + item + " doubled it");
    }

    @Step(next = "evaluate")
    public void join(Inputs<LastStepFails> inputs) {
        mark("join");
        total = inputs.stream().mapToLong(in -> in.doubled).sum();
    }

    @Step(next = "end")
    public void evaluate() {
        mark("evaluate");
        if (!Files.exists(Path.of(markers, "fixed"))) {
            throw new IllegalStateException("evaluate is broken");
        }
        result = "total " + total;
    }

    @Step
    public void end() {
        mark("end");
    }
}
