package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.run.StepCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command table and the models built in code: each command is found by the name its model gives it, and a
 * task's command line ({@code baton step ...}) is built and parsed without reading an annotation.
 */
class CommandModelsTest {
    @Test
    void eachCommandIsInvokedByTheNameItsModelGivesIt() {
        Set<String> names = new HashSet<>();
        for (Main.Subcommand command : Main.COMMANDS) {
            CommandLine model = new CommandLine(command.model());
            String what = command.type().getName();
            assertEquals(command.name(), model.getCommandName(), what);
            // Main finds commands by the table's names only: an alias would not be found
            assertEquals(List.of(), List.of(model.getCommandSpec().aliases()), what);
            assertEquals(command.type(), model.getCommand().getClass(), what);
            assertTrue(names.add(command.name()), () -> "two commands named " + command.name());
        }
        assertEquals(StepCommand.class, Main.invokedCommand(Main.commandLine(null, Map.of()).getCommandSpec(),
                new String[] {"step", "start"}));
    }

    @Test
    void aSecondParseStartsFromTheInitialValues() {
        String[] first = {"--flow", "a.B", "-vv", "--quiet", "--code-package-cache", "/c", "step", "end", "--run-id",
            "1", "--task-id", "t", "--tag", "a:b", "--join-split", "--split-index", "2", "--alpha", "3"};
        String[] second = {"step", "start", "--run-id", "2", "--task-id", "u"};
        CommandLine reused = Main.commandLine(null, Map.of());
        reused.parseArgs(first);
        reused.parseArgs(second);
        CommandLine fresh = Main.commandLine(null, Map.of());
        fresh.parseArgs(second);
        assertEquals(values(fresh), values(reused));
    }

    /** Every option's and parameter's value in the root and the step command, and step's unmatched arguments. */
    private static String values(CommandLine cl) {
        StringBuilder b = new StringBuilder();
        for (CommandLine c : List.of(cl, cl.getSubcommands().get("step"))) {
            c.getCommandSpec().args().forEach(a -> b.append(a.paramLabel()).append('=').append(text(a.getValue()))
                    .append('\n'));
            b.append("unmatched=").append(c.getUnmatchedArguments()).append('\n');
        }
        GlobalOptions g = ((Main) cl.getCommand()).globalOptions();
        return b.append(g.flowName()).append(' ').append(g.verbosity()).append(' ').append(g.quiet()).append(' ')
                .append(g.codePackageCache()).toString();
    }

    private static String text(Object value) {
        return value instanceof boolean[] flags ? "boolean[" + flags.length + "]" : String.valueOf(value);
    }

    @Test
    void theStepCommandLineReadsNoAnnotation() throws Exception {
        assertEquals(0, annotationProxies("--flow", "dev.baton.examples.HelloFlow", "step", "start", "--run-id",
                "1", "--task-id", "t", "--tag", "a:b", "--alpha", "3"), "annotation proxies of a task's command line");
        // the same probe sees the annotations of a command that has them
        assertNotEquals(0, annotationProxies("graph", "--format", "dot"));
    }

    /**
     * How many dynamic proxy classes a fresh JVM generates to build and parse the command line {@code args}
     * ({@link Probe}): the JDK makes one for each annotation type whose annotations it reads, and nothing else in
     * that JVM makes any.
     */
    private static long annotationProxies(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xlog:class+load=info", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Probe.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.contains("probe: parsed"), output);
        return output.lines().filter(l -> l.contains("source: __dynamic_proxy__")).count();
    }

    /** Builds the command line for its arguments as {@code Main.execute} does, and parses them. */
    public static final class Probe {
        public static void main(String[] args) {
            Main.commandLine(null, Map.of(), args).parseArgs(args);
            System.out.println("probe: parsed");
        }
    }
}
