package dev.baton.examples;

import dev.baton.flow.Baton;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Parameter;
import dev.baton.flow.Step;

/**
 * The smallest flow: {@code start -> hello -> end}. {@code hello} builds a greeting from the {@code --name}
 * parameter; with the default it is {@code "Hello, world!"}.
 *
 * <pre>{@code baton --flow dev.baton.examples.HelloFlow run --name Ada}</pre>
 */
public class HelloFlow extends FlowSpec {
    @Parameter(help = "who to greet")
    String name = "world";

    /** The artifact that {@code hello} sets and {@code end} prints. */
    String greeting;

    @Step(next = "hello")
    public void start() {
        System.out.println("HelloFlow is starting");
    }

    @Step(next = "end")
    public void hello() {
        greeting = "Hello, " + name + "!";
        System.out.println(greeting);
    }

    @Step
    public void end() {
        System.out.println("HelloFlow is done: " + greeting);
    }

    public static void main(String[] args) {
        Baton.main(HelloFlow.class, args);
    }
}
