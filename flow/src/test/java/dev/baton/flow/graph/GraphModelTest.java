package dev.baton.flow.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.Batch;
import dev.baton.flow.Environment;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Project;
import dev.baton.flow.Resources;
import dev.baton.flow.Retry;
import dev.baton.flow.Schedule;
import dev.baton.flow.Step;
import dev.baton.flow.Timeout;
import dev.baton.flow.graph.StepDecorators.BatchSpec;
import dev.baton.flow.graph.StepDecorators.ResourceSpec;
import dev.baton.flow.graph.StepDecorators.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parameters, artifact fields, decorators, inheritance and class-level settings of the graph. */
class GraphModelTest {

    @Project(name = "ml")
    @Schedule(cron = "0 6 * * ? *", timezone = "Europe/Paris")
    static class Params extends FlowSpec {
        @Parameter(help = "learning rate") double learningRate = 0.01;
        @Parameter(name = "epochs") int numberOfEpochs = 3;
        @Parameter String dataset;
        @Parameter(required = true) String owner = "me";
        @Parameter long maxURLCount = 10;
        List<Double> rates;
        transient Object scratch;
        static int counter;

        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void parametersArtifactsAndClassSettings() {
        FlowGraph g = FlowGraph.of(Params.class);
        assertEquals(List.of("learningRate", "numberOfEpochs", "dataset", "owner", "maxURLCount", "rates"),
                g.artifactFields());
        assertEquals(List.of(
                new ParameterSpec("learningRate", "learning-rate", double.class, "learning rate", false, 0.01),
                new ParameterSpec("numberOfEpochs", "epochs", int.class, "", false, 3),
                new ParameterSpec("dataset", "dataset", String.class, "", true, null),
                new ParameterSpec("owner", "owner", String.class, "", true, "me"),
                new ParameterSpec("maxURLCount", "max-url-count", long.class, "", false, 10L)), g.parameters());
        assertEquals(Optional.of("ml"), g.project());
        assertEquals(Optional.of("0 6 * * ? *"), g.schedule());
        assertEquals("Europe/Paris", g.timezone());
        assertEquals(Params.class, g.flowClass());
    }

    static class Decorated extends FlowSpec {
        @Retry(times = 2, minutesBetweenRetries = 1)
        @Timeout(hours = 1, minutes = 30, seconds = 5)
        @Resources(cpu = 4, memoryMb = 16_000, gpu = 1)
        @Batch(queue = "gpu-queue", memoryMb = 32_000)
        @Environment(vars = {"MODE=fast", "EMPTY=", "URL=http://x?a=b"})
        @Step(next = "end")
        public void start() {}

        @Step public void end() {}
    }

    @Test
    void decoratorsBecomeValues() {
        StepDecorators d = FlowGraph.of(Decorated.class).start().decorators();
        assertEquals(Optional.of(new RetryPolicy(2, 1)), d.retry());
        assertEquals(3, d.maxAttempts());
        assertEquals(Optional.of(Duration.ofHours(1).plusMinutes(30).plusSeconds(5)), d.timeout());
        assertEquals(new ResourceSpec(4, 16_000, 1), d.resources());
        // @Batch resources fall back to @Resources where unset
        assertEquals(Optional.of(new BatchSpec("gpu-queue", "", "", 4, 32_000, 1, 0)), d.batch());
        assertEquals(Map.of("MODE", "fast", "EMPTY", "", "URL", "http://x?a=b"), d.environment());
        StepDecorators none = FlowGraph.of(Decorated.class).step("end").decorators();
        assertEquals(StepDecorators.none(), none);
        assertEquals(1, none.maxAttempts());
    }

    /** A reusable base flow: subclasses inherit its steps and fields and may override a step's body. */
    static class BaseFlow extends FlowSpec {
        List<String> items;

        @Step(next = "body", foreach = "items") public void start() {}
        @Step(next = "join") public void body() {}
        @Step(next = "end") public void join(Inputs<BaseFlow> in) {}
        @Step public void end() {}
    }

    static class Derived extends BaseFlow {
        int extra;

        @Override
        public void body() {} // no @Step: still the step declared by BaseFlow

        @Retry(times = 1)
        @Step(next = "end")
        @Override
        public void join(Inputs<BaseFlow> in) {}
    }

    @Test
    void stepsAndFieldsAreInherited() throws Exception {
        FlowGraph g = FlowGraph.of(Derived.class);
        assertEquals(List.of("start", "body", "join", "end"), List.copyOf(g.steps().keySet()));
        assertEquals(List.of("items", "extra"), g.artifactFields());
        assertEquals(1, g.step("join").decorators().retry().orElseThrow().times());
        assertEquals("Derived", g.name());
        assertTrue(g.step("join").join());
    }

    static class BadParameters extends FlowSpec {
        @Parameter static int shared = 1;
        @Parameter(name = "Bad_Name") int a;
        @Parameter int maxWorkers;
        @Parameter(name = "same") int b;
        @Parameter(name = "same") int c;

        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void parameterProblems() {
        InvalidFlowException e = assertThrows(InvalidFlowException.class, () -> FlowGraph.of(BadParameters.class));
        List<String> messages = e.errors().stream().map(GraphError::message).toList();
        assertEquals(4, messages.size(), messages::toString);
        assertTrue(messages.get(0).contains("'shared' must not be static"), messages.get(0));
        assertTrue(messages.get(1).contains("'Bad_Name', which is not kebab case"), messages.get(1));
        assertTrue(messages.get(2).contains("--max-workers, an option of the baton command"), messages.get(2));
        assertTrue(messages.get(3).contains("'b' and 'c' both use --same"), messages.get(3));
        assertTrue(e.errors().stream().allMatch(err -> err.step() == null));
    }

    @Schedule(cron = "every day", timezone = "Mars/Olympus")
    @Project(name = "no spaces please")
    static class BadClassSettings extends FlowSpec {
        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void classSettingProblems() {
        InvalidFlowException e = assertThrows(InvalidFlowException.class, () -> FlowGraph.of(BadClassSettings.class));
        assertEquals(3, e.errors().size(), e.errors()::toString);
        assertTrue(e.getMessage().contains("must have six fields"));
        assertTrue(e.getMessage().contains("\"Mars/Olympus\""));
        assertTrue(e.getMessage().contains("@Project(name = \"no spaces please\")"));
    }

    static class NoDefaultConstructor extends FlowSpec {
        NoDefaultConstructor(int x) {}

        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    abstract static class AbstractFlow extends FlowSpec {
        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    static class ThrowingConstructor extends FlowSpec {
        @Parameter int size = Integer.parseInt("not a number");

        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    static class FailingStaticInit extends FlowSpec {
        static final int VALUE = Integer.parseInt("static");
        @Parameter int size = VALUE;

        @Step(next = "end") public void start() {}
        @Step public void end() {}
    }

    @Test
    void classWhoseStaticInitializerFails() {
        InvalidFlowException e = assertThrows(InvalidFlowException.class, () -> FlowGraph.of(FailingStaticInit.class));
        assertTrue(e.getMessage().contains("static initializer"), e.getMessage());
        assertTrue(e.getMessage().contains("NumberFormatException"), e.getMessage());
    }

    @Test
    void classesThatCannotBeInstantiated() {
        assertTrue(assertThrows(InvalidFlowException.class, () -> FlowGraph.of(NoDefaultConstructor.class))
                .getMessage().contains("needs a no-argument constructor"));
        assertTrue(assertThrows(InvalidFlowException.class, () -> FlowGraph.of(AbstractFlow.class))
                .getMessage().contains("is abstract"));
        assertTrue(assertThrows(InvalidFlowException.class, () -> FlowGraph.of(ThrowingConstructor.class))
                .getMessage().contains("NumberFormatException"));
    }

    @Test
    void lookingUpAnUnknownStepNamesTheSteps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowGraph.of(Params.class).step("nope"));
        assertTrue(e.getMessage().contains("[start, end]"), e.getMessage());
        assertFalse(FlowGraph.of(Params.class).start().isSplit());
    }
}
