package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.GraphCommand;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.flow.Baton;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Step;
import dev.baton.flow.graph.FlowGraph;
import dev.baton.flow.graph.GraphFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the command line in-process and checks exit codes and output. */
class MainTest {
    private static final String HELLO = HelloFlow.class.getName();

    /** What one run printed. */
    record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        return run(null, Map.of(), args);
    }

    private static Result run(Class<? extends FlowSpec> preselected, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(preselected, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoStackTrace(Result r) {
        assertFalse(r.err().contains("\tat "), () -> "stack trace in: " + r.err());
    }

    // ---------------------------------------------------------------- graph

    @Test
    void graphInEveryFormat() {
        FlowGraph graph = FlowGraph.of(HelloFlow.class);
        Result text = run("--flow", HELLO, "graph");
        assertEquals(0, text.exitCode(), text::err);
        assertEquals(GraphFormat.TEXT.render(graph), text.out());
        assertTrue(text.out().contains("hello  \n") || text.out().contains("\nhello\n    -> end\n"), text.out());

        Result mermaid = run("--flow", HELLO, "graph", "--format", "mermaid");
        assertEquals(0, mermaid.exitCode(), mermaid::err);
        assertTrue(mermaid.out().startsWith("flowchart TD\n"), mermaid.out());
        assertTrue(mermaid.out().contains("s0 --> s1\n"), mermaid.out());

        Result dot = run("--flow", HELLO, "graph", "--format", "DOT");
        assertEquals(0, dot.exitCode(), dot::err);
        assertEquals(GraphFormat.DOT.render(graph), dot.out());
        assertTrue(dot.err().isEmpty(), dot::err);
    }

    @Test
    void globalOptionsBeforeOrAfterTheCommand() {
        Result before = run("--flow", HELLO, "--datastore-root", "/tmp/x", "-v", "graph", "--format", "dot");
        Result after = run("graph", "--format", "dot", "--flow", HELLO, "--datastore-root", "/tmp/x", "-v");
        Result mixed = run("--datastore", "local", "graph", "--flow=" + HELLO, "--format=dot");
        assertEquals(0, before.exitCode(), before::err);
        assertEquals(0, after.exitCode(), after::err);
        assertEquals(0, mixed.exitCode(), mixed::err);
        assertEquals(before.out(), after.out());
        assertEquals(before.out(), mixed.out());
    }

    @Test
    void globalOptionValuesAreTheSameWhereverTheyAppear() {
        String[][] variants = {
            {"--flow", HELLO, "--datastore", "s3", "--datastore-root", "s3://bucket/p", "--s3-endpoint-url",
                "http://127.0.0.1:9000", "--foreach-coordinator", "dynamodb", "--dynamodb-table", "t",
                "--dynamodb-endpoint-url", "http://127.0.0.1:8000", "--classpath", "/tmp", "-vv", "graph"},
            {"graph", "--flow", HELLO, "--datastore", "s3", "--datastore-root", "s3://bucket/p", "--s3-endpoint-url",
                "http://127.0.0.1:9000", "--foreach-coordinator", "dynamodb", "--dynamodb-table", "t",
                "--dynamodb-endpoint-url", "http://127.0.0.1:8000", "--classpath", "/tmp", "-vv"},
            {"--datastore", "s3", "--s3-endpoint-url", "http://127.0.0.1:9000", "--dynamodb-table", "t",
                "--classpath", "/tmp", "graph", "--flow", HELLO, "--datastore-root", "s3://bucket/p",
                "--foreach-coordinator", "dynamodb", "--dynamodb-endpoint-url", "http://127.0.0.1:8000", "-vv"},
        };
        for (String[] args : variants) {
            CommandLine cl = Main.commandLine(null, Map.of());
            cl.parseArgs(args);
            GlobalOptions g = ((Main) cl.getCommand()).globalOptions();
            assertEquals(HELLO, g.flowName());
            assertEquals(new DatastoreConfig("s3", "s3://bucket/p", Map.of("s3.endpoint", "http://127.0.0.1:9000")),
                    g.datastoreConfig());
            assertEquals("dynamodb", g.foreachCoordinator());
            assertEquals("t", g.dynamodbTable());
            assertEquals("http://127.0.0.1:8000", g.dynamodbEndpointUrl());
            assertEquals("/tmp", g.classpath());
            assertEquals(2, g.verbosity(), String.join(" ", args));
        }
    }

    @Test
    void defaultsAndEnvironmentVariables() {
        CommandLine cl = Main.commandLine(null, Map.of());
        cl.parseArgs("graph");
        GlobalOptions g = ((Main) cl.getCommand()).globalOptions();
        assertEquals(DatastoreConfig.local(".baton"), g.datastoreConfig());
        assertEquals("local", g.foreachCoordinator());
        assertEquals(null, g.flowName());

        Map<String, String> env = Map.of("BATON_FLOW", HELLO, "BATON_DATASTORE", "s3",
                "BATON_DATASTORE_ROOT", "s3://b/r", "BATON_S3_ENDPOINT_URL", "http://s3",
                "BATON_FOREACH_COORDINATOR", "dynamodb", "BATON_DYNAMODB_TABLE", "tbl",
                "BATON_DYNAMODB_ENDPOINT_URL", "http://ddb", "BATON_CLASSPATH", "/cp");
        cl = Main.commandLine(null, env);
        cl.parseArgs("graph", "--dynamodb-table", "explicit");
        g = ((Main) cl.getCommand()).globalOptions();
        assertEquals(HELLO, g.flowName());
        assertEquals(new DatastoreConfig("s3", "s3://b/r", Map.of("s3.endpoint", "http://s3")), g.datastoreConfig());
        assertEquals("dynamodb", g.foreachCoordinator());
        assertEquals("explicit", g.dynamodbTable(), "an option given on the command line beats the environment");
        assertEquals("http://ddb", g.dynamodbEndpointUrl());
        assertEquals("/cp", g.classpath());

        Result fromEnv = run(null, Map.of("BATON_FLOW", HELLO), "graph");
        assertEquals(0, fromEnv.exitCode(), fromEnv::err);
        assertEquals(GraphFormat.TEXT.render(FlowGraph.of(HelloFlow.class)), fromEnv.out());
    }

    // ---------------------------------------------------------------- errors and exit codes

    /** An invalid flow for the command line: three problems. */
    public static class BrokenFlow extends FlowSpec {
        @Step(next = "nowhere") public void start() {}
        @Step(next = "end") public void gather(Inputs<BrokenFlow> in) {}
        @Step public int end() { return 0; }
    }

    @Test
    void invalidFlowExitsWith4AndListsEveryError() {
        Result r = run("--flow", BrokenFlow.class.getName(), "graph");
        assertEquals(4, r.exitCode());
        assertTrue(r.out().isEmpty(), r::out);
        List<String> expected = List.of(
                "flow BrokenFlow is invalid (2 problems)",
                "step 'end': step method end() must return void",
                "step 'start': goes to 'nowhere', which is not a step");
        for (String e : expected) {
            assertTrue(r.err().contains(e), () -> "'" + e + "' not in " + r.err());
        }
        assertNoStackTrace(r);
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result r = run("--flow", HELLO, "graph", "--colour", "blue");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("baton: Unknown options: '--colour', 'blue'"), r::err);
        assertTrue(r.err().contains("Try 'baton graph --help' for usage."), r::err);
        assertNoStackTrace(r);
    }

    @Test
    void badOptionValueAndUnknownCommandAreUsageErrors() {
        Result format = run("--flow", HELLO, "graph", "--format", "svg");
        assertEquals(2, format.exitCode());
        assertTrue(format.err().contains("--format"), format::err);
        assertTrue(format.err().contains("svg"), format::err);

        Result command = run("--flow", HELLO, "grahp");
        assertEquals(2, command.exitCode());
        assertTrue(command.err().contains("grahp"), command::err);
        assertTrue(command.err().contains("Did you mean: graph"), command::err);
        assertNoStackTrace(command);

        Result none = run();
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("missing COMMAND"), none::err);
        assertTrue(none.err().contains("graph"), none::err);
    }

    @Test
    void configurationProblemsExitWith2() {
        Result missing = run("graph");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no flow given: pass --flow CLASS (or set BATON_FLOW)"), missing::err);

        Result notFound = run("--flow", "com.example.NoSuchFlow", "graph");
        assertEquals(2, notFound.exitCode());
        assertTrue(notFound.err().contains("com.example.NoSuchFlow"), notFound::err);
        assertTrue(notFound.err().contains("--classpath"), notFound::err);

        Result notAFlow = run("--flow", String.class.getName(), "graph");
        assertEquals(2, notAFlow.exitCode());
        assertTrue(notAFlow.err().contains("java.lang.String"), notAFlow::err);
        assertTrue(notAFlow.err().contains("is not a flow"), notAFlow::err);

        Result badClasspath = run("--flow", "x.Y", "--classpath", "/no/such/dir", "graph");
        assertEquals(2, badClasspath.exitCode());
        assertTrue(badClasspath.err().contains("--classpath entry /no/such/dir does not exist"), badClasspath::err);
        assertNoStackTrace(badClasspath);
    }

    @Test
    void helpAndVersionExitWith0() {
        Result help = run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--datastore-root"), help::out);
        assertTrue(help.out().contains("BATON_DATASTORE_ROOT"), help::out);
        assertTrue(help.out().contains("graph"), help::out);

        Result graphHelp = run("graph", "--help");
        assertEquals(0, graphHelp.exitCode());
        assertTrue(graphHelp.out().contains("--format"), graphHelp::out);
        assertTrue(graphHelp.out().contains("--flow"), graphHelp::out);

        Result version = run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("baton "), version::out);
    }

    // ---------------------------------------------------------------- flow resolution

    @Test
    void flowFromAClasspathDirectory(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("src/demo/TinyFlow.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package demo;
                public class TinyFlow extends dev.baton.flow.FlowSpec {
                    @dev.baton.flow.Step(next = "end") public void start() {}
                    @dev.baton.flow.Step public void end() {}
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, rc, "javac");

        Result r = run("graph", "--format", "mermaid", "--flow", "demo.TinyFlow", "--classpath", classes.toString());
        assertEquals(0, r.exitCode(), r::err);
        assertEquals("flowchart TD\n    s0([\"start\"])\n    s1([\"end\"])\n    s0 --> s1\n", r.out());

        Result without = run("graph", "--flow", "demo.TinyFlow");
        assertEquals(2, without.exitCode(), "not on baton's own class path");
    }

    @Test
    void preselectedFlowFromBatonMain() {
        Result r = run(SwitchFlow.class, Map.of("BATON_FLOW", HELLO), "graph", "--format", "dot");
        assertEquals(0, r.exitCode(), r::err);
        assertEquals(GraphFormat.DOT.render(FlowGraph.of(SwitchFlow.class)), r.out(),
                "BATON_FLOW does not override the flow whose main ran");

        Result same = run(SwitchFlow.class, Map.of(), "--flow", SwitchFlow.class.getName(), "graph");
        assertEquals(0, same.exitCode(), same::err);

        Result conflict = run(SwitchFlow.class, Map.of(), "--flow", HELLO, "graph");
        assertEquals(2, conflict.exitCode());
        assertTrue(conflict.err().contains("conflicts with " + SwitchFlow.class.getName()), conflict::err);
    }

    @Test
    void batonRunFindsTheCommandLineThroughTheLauncherService() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Baton.run(HelloFlow.class, "graph", "--format", "mermaid");
        } finally {
            System.setOut(original);
        }
        assertEquals(0, code);
        assertEquals(GraphFormat.MERMAID.render(FlowGraph.of(HelloFlow.class)), out.toString(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- only the invoked command's model

    @Test
    void theInvokedCommandIsReadPastGlobalOptionsAndTheirValues() {
        CommandLine.Model.CommandSpec root = Main.commandLine(null, Map.of()).getCommandSpec();
        assertEquals(dev.baton.cli.internal.run.StepCommand.class, Main.invokedCommand(root,
                new String[] {"--flow", "run", "--datastore-root=/r", "-vv", "--quiet", "step", "start"}));
        assertEquals(GraphCommand.class, Main.invokedCommand(root, new String[] {"graph", "run"}));
        assertEquals(dev.baton.cli.internal.sfn.StepFunctionsCommand.class,
                Main.invokedCommand(root, new String[] {"step-functions", "create"}));
        // anything that lists or suggests commands, or that the root alone cannot read: the full command line
        for (String[] args : new String[][] {{}, {"--help", "step"}, {"-V", "run"}, {"help", "step"},
            {"stp"}, {"--no-such-option", "run"}, {"-vx", "run"}, {"--", "run"}, {"--flow"}}) {
            assertEquals(null, Main.invokedCommand(root, args), String.join(" ", args));
        }
    }

    @Test
    void aCommandBuiltAloneParsesAndHelpsAsAmongAllTheOthers() {
        CommandLine all = Main.commandLine(null, Map.of());
        assertEquals(Main.COMMANDS.size(), all.getSubcommands().size());
        String[] args = {"--flow", HELLO, "step", "start", "--run-id", "r", "--task-id", "t", "--datastore", "s3"};
        CommandLine alone = Main.commandLine(null, Map.of(), args);
        assertEquals(List.of("step"), List.copyOf(alone.getSubcommands().keySet()));
        assertEquals(all.getSubcommands().get("step").getUsageMessage(),
                alone.getSubcommands().get("step").getUsageMessage());
        alone.parseArgs(args);
        GlobalOptions g = ((Main) alone.getCommand()).globalOptions();
        assertEquals(HELLO, g.flowName());
        assertEquals("s3", g.datastore());

        Result help = run("--help");
        assertEquals(0, help.exitCode());
        for (String name : List.of("graph", "run", "step", "step-functions", "show", "resume")) {
            assertTrue(help.out().contains("  " + name + " "), () -> name + " missing from: " + help.out());
        }
    }
}
