package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.baton.cli.internal.GlobalOptions;
import dev.baton.examples.HelloFlow;
import dev.baton.examples.SwitchFlow;
import dev.baton.flow.FlowSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * Pins what the command line prints and parses, byte for byte: every command's {@code --help}, {@code --version},
 * the usage errors (with picocli's suggestions), and the values that a set of command lines give the global
 * options, the {@code step} command's options and the flow parameters. Recorded from the annotated command
 * classes before {@code Main}/{@code GlobalOptions}/{@code StepCommand} were built in code, so that the programmatic
 * model can be checked to change nothing a user sees.
 *
 * <p>The expected texts are in {@code command-line-characterisation.txt} next to this class. After a deliberate
 * change of the command line, re-record them with
 * {@code -Dbaton.characterisation.record=cli/src/test/resources/dev/baton/cli/command-line-characterisation.txt}
 * and review the diff.
 */
class CommandLineCharacterisationTest {
    private static final String RESOURCE = "command-line-characterisation.txt";
    private static final String HELLO = HelloFlow.class.getName();
    private static final String CASE = "=== ";

    /** One command line: an optional preselected flow ({@code Baton.main}), an environment and the arguments. */
    private record Line(Class<? extends FlowSpec> preselected, Map<String, String> env, String... args) {
        static Line of(String... args) {
            return new Line(null, Map.of(), args);
        }

        String title(String kind) {
            StringBuilder b = new StringBuilder(kind).append(':');
            if (preselected != null) {
                b.append(" [main of ").append(preselected.getSimpleName()).append(']');
            }
            new TreeMap<>(env).forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            b.append(" baton");
            for (String a : args) {
                b.append(' ').append(a.isEmpty() || a.contains(" ") ? "'" + a + "'" : a);
            }
            return b.toString();
        }
    }

    @Test
    void theCommandLinePrintsAndParsesAsRecorded() throws IOException {
        Map<String, String> actual = new LinkedHashMap<>();
        for (Line line : executions()) {
            actual.put(line.title("run"), execute(line));
        }
        for (Line line : parses()) {
            actual.put(line.title("parse alone"), parse(line, l -> Main.commandLine(l.preselected(), l.env(),
                    l.args())));
            actual.put(line.title("parse among all"), parse(line, l -> Main.commandLine(l.preselected(), l.env())));
        }
        String record = System.getProperty("baton.characterisation.record");
        if (record != null) {
            Files.writeString(Path.of(record), render(actual), StandardCharsets.UTF_8);
        }
        Map<String, String> expected = expected();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "the cases"));
        actual.forEach((title, text) -> checks.add(() -> assertEquals(expected.get(title), text, title)));
        assertAll(checks);
    }

    /** Command lines run to the end (help, version, usage errors): exit code, stdout, stderr. */
    private static List<Line> executions() {
        List<Line> lines = new ArrayList<>();
        lines.add(Line.of());
        lines.add(Line.of("--help"));
        lines.add(Line.of("-h"));
        lines.add(Line.of("--version"));
        lines.add(Line.of("-V"));
        lines.add(Line.of("help"));
        lines.add(Line.of("help", "step"));
        lines.add(Line.of("help", "run"));
        // every command's and subcommand's help, named as a user would: from the full model
        for (List<String> path : commandPaths(Main.commandLine(null, Map.of()), List.of())) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            lines.add(Line.of(args.toArray(String[]::new)));
        }
        lines.add(Line.of("step", "-h"));
        lines.add(Line.of("--flow", HELLO, "step", "--help"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--help"));
        lines.add(Line.of("step", "--version"));
        lines.add(Line.of("graph", "-V"));
        lines.add(new Line(null, Map.of("BATON_DATASTORE", "s3", "BATON_DATASTORE_ROOT", "s3://b/p",
                "BATON_FOREACH_COORDINATOR", "dynamodb"), "--help"));
        lines.add(new Line(null, Map.of("BATON_DATASTORE_ROOT", "/data/root"), "step", "--help"));
        lines.add(new Line(SwitchFlow.class, Map.of(), "--help"));
        // usage errors
        lines.add(Line.of("step", "start", "--task-id", "t"));
        lines.add(Line.of("step", "start", "--run-id", "1"));
        lines.add(Line.of("step", "start"));
        lines.add(Line.of("step"));
        lines.add(Line.of("step", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("step", "start", "--run-id"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--split-index", "x"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--retry-count=one"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--run-id", "2", "--task-id", "t"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--task-position"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--tag"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--join-split=maybe"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--join-split", "--join-split"));
        lines.add(Line.of("--flow", "a.B", "step", "start", "--flow", "c.D", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("--quiet", "step", "start", "--quiet", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("--verbose=yes", "step", "start", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t", "--code-package-cache"));
        lines.add(Line.of("--flw", HELLO, "step", "start", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("--datastore-rot", "/x", "graph"));
        lines.add(Line.of("--flow", HELLO, "graph", "--fromat", "dot"));
        lines.add(Line.of("--flow", HELLO, "graph", "--colour", "blue"));
        lines.add(Line.of("-vx", "step", "start"));
        lines.add(Line.of("stpe", "start", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("--flow", HELLO, "grahp"));
        lines.add(Line.of("--", "step"));
        lines.add(Line.of("--flow"));
        lines.add(Line.of("step-functions"));
        lines.add(Line.of("foreach-coordinator"));
        lines.add(Line.of("--quiet"));
        // the step runs up to the flow: configuration errors after a successful parse
        lines.add(Line.of("step", "start", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("--flow", "com.example.NoSuchFlow", "step", "start", "--run-id", "1", "--task-id", "t"));
        lines.add(Line.of("--flow", HELLO, "--datastore", "gcs", "step", "start", "--run-id", "1", "--task-id", "t"));
        lines.add(new Line(null, Map.of("BATON_DATASTORE", "s3"), "--flow", HELLO, "step", "start", "--run-id",
                "1", "--task-id", "t"));
        lines.add(new Line(SwitchFlow.class, Map.of(), "--flow", HELLO, "step", "start", "--run-id", "1",
                "--task-id", "t"));
        return lines;
    }

    /** Command lines only parsed: what they give the global options and the invoked command's options. */
    private static List<Line> parses() {
        String[] step = {"step", "start", "--run-id", "1", "--task-id", "t"};
        List<Line> lines = new ArrayList<>();
        lines.add(Line.of(step));
        lines.add(Line.of(join(new String[] {"--flow", HELLO, "--datastore", "s3", "--datastore-root", "s3://b/p",
            "--s3-endpoint-url", "http://127.0.0.1:9000", "--foreach-coordinator", "dynamodb", "--dynamodb-table", "t",
            "--dynamodb-endpoint-url", "http://127.0.0.1:8000", "--classpath", "/tmp", "--code-package", "k1",
            "--code-package-cache", "/tmp/cache", "-vv", "--quiet"}, step)));
        lines.add(Line.of(join(step, new String[] {"--flow", HELLO, "--datastore", "s3", "--datastore-root",
            "s3://b/p", "--s3-endpoint-url", "http://127.0.0.1:9000", "--foreach-coordinator", "dynamodb",
            "--dynamodb-table", "t", "--dynamodb-endpoint-url", "http://127.0.0.1:8000", "--classpath", "/tmp",
            "--code-package", "k1", "--code-package-cache", "/tmp/cache", "-v", "-v", "--quiet"})));
        lines.add(Line.of("step", "start", "--run-id=", "--task-id", "t", "-vq"));
        lines.add(Line.of("--flow=" + HELLO, "step", "start", "--run-id=1", "--task-id=t", "--datastore-root=/r",
                "-vvv"));
        lines.add(Line.of("--datastore", "s3", "step", "--flow", HELLO, "start", "--run-id", "1", "-v",
                "--task-id", "t"));
        lines.add(Line.of("step", "end", "--run-id", "r1", "--task-id", "t9", "--input-paths", "r1/a/1,r1/b/2",
                "--join-split", "--split-index", "3", "--retry-count", "2", "--max-user-code-retries", "4",
                "--tag", "a:b", "--tag", "c:d", "--foreach-items-object", "--task-position", "p0"));
        lines.add(Line.of(join(step, new String[] {"--tag", "a:b", "--alpha", "3", "--beta=x y", "--flag",
            "--tag", "c:d"})));
        lines.add(Line.of(join(step, new String[] {"--alpha", "3", "extra", "-x"})));
        lines.add(Line.of("step", "start", "--alpha", "3", "--run-id", "1", "--task-id", "t"));
        lines.add(new Line(null, Map.of("BATON_FLOW", HELLO, "BATON_DATASTORE", "s3", "BATON_DATASTORE_ROOT",
                "s3://env/root", "BATON_S3_ENDPOINT_URL", "http://s3.local", "BATON_FOREACH_COORDINATOR", "dynamodb",
                "BATON_DYNAMODB_TABLE", "tbl", "BATON_DYNAMODB_ENDPOINT_URL", "http://ddb.local", "BATON_CLASSPATH",
                "/env/cp", "BATON_CODE_PACKAGE", "pkg", "BATON_CODE_PACKAGE_CACHE", "/env/cache"), step));
        lines.add(new Line(null, Map.of("BATON_DATASTORE", "s3", "BATON_DATASTORE_ROOT", ""),
                join(step, new String[] {"--datastore-root", "s3://arg/root"})));
        lines.add(new Line(SwitchFlow.class, Map.of("BATON_FLOW", HELLO, "BATON_DATASTORE_ROOT", "/env"), step));
        lines.add(Line.of("--flow", HELLO, "graph", "--format", "dot", "-v"));
        lines.add(Line.of("graph", "--flow", HELLO, "--quiet"));
        lines.add(Line.of("run", "--flow", HELLO, "--tag", "a:b", "--datastore-root", "/r"));
        lines.add(Line.of("step-functions", "create", "--flow", HELLO, "-vv"));
        return lines;
    }

    private static String[] join(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The name paths of every (sub)command of {@code cl}, depth first in model order; hidden ones too. */
    private static List<List<String>> commandPaths(CommandLine cl, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (!e.getKey().equals(e.getValue().getCommandName())) {
                continue; // an alias
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            paths.add(path);
            paths.addAll(commandPaths(e.getValue(), path));
        }
        return paths;
    }

    private static String execute(Line line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(line.preselected(), line.env(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), line.args());
        return "exit " + code + "\n--- out\n" + out.toString(StandardCharsets.UTF_8) + "--- err\n"
                + withoutStackTraces(err.toString(StandardCharsets.UTF_8));
    }

    /** Stack trace lines name line numbers of the code under change: kept out of the recorded text. */
    private static String withoutStackTraces(String text) {
        StringBuilder b = new StringBuilder();
        text.lines().filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t... ")).forEach(l -> b.append(l)
                .append('\n'));
        return b.toString();
    }

    private static String parse(Line line, Function<Line, CommandLine> build) {
        CommandLine cl = build.apply(line);
        StringBuilder b = new StringBuilder();
        CommandLine.ParseResult result;
        try {
            result = cl.parseArgs(line.args());
        } catch (ParameterException e) {
            return b.append("rejected: ").append(e.getMessage()).append('\n').toString();
        }
        GlobalOptions g = ((Main) cl.getCommand()).globalOptions();
        b.append("global: flow=").append(g.flowName()).append(" preselected=").append(g.hasPreselectedFlow())
                .append(" classpath=").append(g.classpath()).append(" datastore=").append(g.datastore())
                .append(" root=").append(g.datastoreRoot()).append(" s3=").append(g.s3EndpointUrl())
                .append(" coordinator=").append(g.foreachCoordinator()).append(" table=").append(g.dynamodbTable())
                .append(" ddb=").append(g.dynamodbEndpointUrl()).append(" package=").append(g.codePackage())
                .append(" cache=").append(g.codePackageCache()).append(" verbosity=").append(g.verbosity())
                .append(" quiet=").append(g.quiet()).append('\n');
        CommandLine.ParseResult sub = result;
        while (sub.hasSubcommand()) {
            sub = sub.subcommand();
        }
        CommandSpec spec = sub.commandSpec();
        assertNotNull(spec.userObject());
        b.append("command: ").append(spec.qualifiedName()).append('\n');
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.sort(Comparator.comparing(OptionSpec::longestName));
        for (OptionSpec o : options) {
            if (o.inherited() || o.usageHelp() || o.versionHelp()) {
                continue; // the global options are above; inherited copies store into the root's instance
            }
            b.append("  ").append(o.longestName()).append(" = ").append(text(o.getValue()))
                    .append(sub.hasMatchedOption(o) ? " (matched)" : "").append('\n');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            b.append("  ").append(p.paramLabel()).append(" = ").append(text(p.getValue())).append('\n');
        }
        b.append("  unmatched = ").append(sub.unmatched()).append('\n');
        for (var u : spec.unmatchedArgsBindings()) {
            try {
                b.append("  unmatched binding = ").append(text(u.getter().get())).append('\n');
            } catch (Exception e) {
                throw new AssertionError("the unmatched arguments binding of " + spec.qualifiedName(), e);
            }
        }
        return b.toString();
    }

    private static String text(Object value) {
        if (value instanceof boolean[] flags) {
            return "boolean[" + flags.length + "]";
        }
        return String.valueOf(value);
    }

    private static String render(Map<String, String> cases) {
        StringBuilder b = new StringBuilder();
        cases.forEach((title, text) -> b.append(CASE).append(title).append('\n').append(text));
        return b.toString();
    }

    private static Map<String, String> expected() throws IOException {
        String text;
        try (InputStream in = CommandLineCharacterisationTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is missing: record it (see the class comment)");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> cases = new LinkedHashMap<>();
        String title = null;
        StringBuilder body = new StringBuilder();
        for (String l : text.split("\n", -1)) {
            if (l.startsWith(CASE)) {
                if (title != null) {
                    cases.put(title, body.toString());
                }
                title = l.substring(CASE.length());
                body.setLength(0);
            } else if (title != null) {
                body.append(l).append('\n');
            }
        }
        if (title != null) {
            // the file ends with the last case's final newline, which split leaves as one empty string
            cases.put(title, body.substring(0, body.length() - 1));
        }
        return cases;
    }
}
