package dev.baton.cli;

import dev.baton.cli.internal.BatonLogbackProvider;
import dev.baton.cli.internal.CommandModels;
import dev.baton.cli.internal.EnvironmentDefaults;
import dev.baton.cli.internal.Failures;
import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.GraphCommand;
import dev.baton.cli.internal.StartupWarmup;
import dev.baton.cli.internal.run.StepCommand;
import dev.baton.executor.ExitCodes;
import dev.baton.flow.FlowSpec;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;

/**
 * The {@code baton} command line: {@code baton [global options] COMMAND [options]}, global options accepted
 * before or after the command name. The fat jar's main class, and what {@code Baton.main(MyFlow.class, args)}
 * runs (with that flow preselected).
 *
 * <p>Exit codes: 0 ok, 1 a step failed (or an unexpected error), 2 usage or configuration error, 3 transient
 * failure, 4 invalid flow.
 *
 * <p>The root command ({@code baton}, its global options and the standard help options) and {@code step} are
 * picocli models built in code ({@link #model()}, {@link GlobalOptions#addTo}, {@link StepCommand#model()}); the
 * other commands are annotated {@code @Command} classes. A task's process ({@code baton step ...}) therefore
 * builds its command line without reading a single annotation, which was most of the CPU its command line cost.
 */
public final class Main implements Callable<Integer> {
    /**
     * Every {@code baton} subcommand, in help order: the one place where commands are registered. Each reaches the
     * global options (and the flow class) with {@link GlobalOptions#of(CommandSpec)}.
     */
    static final List<Subcommand> COMMANDS = List.of(
            Subcommand.annotated("graph", GraphCommand.class),
            Subcommand.annotated("run", dev.baton.cli.internal.run.RunCommand.class),
            Subcommand.inCode(StepCommand.NAME, StepCommand.class, StepCommand::model),
            Subcommand.annotated("package", dev.baton.cli.internal.PackageCommand.class),
            Subcommand.annotated("foreach-coordinator", dev.baton.cli.internal.ForeachCoordinatorCommand.class),
            Subcommand.annotated("step-functions", dev.baton.cli.internal.sfn.StepFunctionsCommand.class),
            Subcommand.annotated("show", dev.baton.cli.internal.ShowCommand.class),
            Subcommand.annotated("dump", dev.baton.cli.internal.DumpCommand.class),
            Subcommand.annotated("logs", dev.baton.cli.internal.LogsCommand.class),
            Subcommand.annotated("resume", dev.baton.cli.internal.run.ResumeCommand.class),
            Subcommand.annotated("rerun", dev.baton.cli.internal.run.RerunCommand.class),
            Subcommand.annotated("help", HelpCommand.class));

    /**
     * A subcommand of {@code baton}: the name that arguments invoke it by (which must be the name its model
     * gives it: {@code CommandModelsTest} checks), its class, and, for a command built in code, the factory of its
     * model; an annotated {@code @Command} class (with a no-argument constructor) has none. The name is here so
     * that finding the invoked command reads no annotation.
     */
    record Subcommand(String name, Class<?> type, Supplier<CommandSpec> inCode) {
        static Subcommand annotated(String name, Class<?> type) {
            return new Subcommand(name, type, null);
        }

        static Subcommand inCode(String name, Class<?> type, Supplier<CommandSpec> model) {
            return new Subcommand(name, type, model);
        }

        /** What {@link CommandLine#addSubcommand(Object)} takes: the annotated class, or the model built in code. */
        Object model() {
            return inCode == null ? type : inCode.get();
        }
    }

    private final GlobalOptions global = new GlobalOptions();
    private CommandSpec spec;

    private Main() {}

    /**
     * The model of the root {@code baton} command, built in code: what {@code @Command(name = "baton", scope =
     * INHERIT, mixinStandardHelpOptions = true, versionProvider = Version.class, synopsisSubcommandLabel =
     * "COMMAND", description = ..., footer = ...)} with {@code @Mixin GlobalOptions} gave, except that the
     * standard help options are added to each subcommand by {@link #add} rather than inherited.
     */
    private CommandSpec model() {
        CommandSpec root = CommandSpec.wrapWithoutInspection(this);
        spec = root;
        root.name("baton");
        // INHERIT: each subcommand takes over the root's exit codes, version provider, usage message settings
        // (the footer), and the options that are INHERIT themselves (the global options)
        root.scopeType(ScopeType.INHERIT);
        root.versionProvider(new Version());
        root.usageMessage()
                .synopsisSubcommandLabel("COMMAND")
                .description("Metaflow-style data and ML flows for the JVM, locally or on AWS Batch + Step Functions.")
                .footer("", "Run 'baton COMMAND --help' for a command's options.");
        global.addTo(root);
        CommandModels.addStandardHelpOptions(root);
        return root;
    }

    /** The global options of this command line. */
    public GlobalOptions globalOptions() {
        return global;
    }

    /** Without a command: print the usage and exit with 2. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("baton: missing COMMAND");
        spec.commandLine().usage(err);
        err.flush();
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        BatonLogbackProvider.select(); // before anything logs: logging set up directly, without logback's scans
        // a task's process: one-time set-up on a spare core while this thread parses and loads the flow
        StartupWarmup.begin(args, System.getenv());
        System.exit(run(args));
    }

    /** Runs the command line with the process's environment and standard streams; returns the exit code. */
    public static int run(String... args) {
        return execute(null, System.getenv(), System.out, System.err, args);
    }

    /** Runs the command line for {@code flowClass} (as {@code Baton.main} does); returns the exit code. */
    public static int run(Class<? extends FlowSpec> flowClass, String... args) {
        return execute(flowClass, System.getenv(), System.out, System.err, args);
    }

    /**
     * Runs the command line in-process, for embedding and tests.
     *
     * @param flowClass the preselected flow, or {@code null} to take {@code --flow}
     * @param environment where the global options' defaults come from (normally {@link System#getenv()})
     * @return the exit code
     */
    public static int execute(Class<? extends FlowSpec> flowClass, Map<String, String> environment, PrintStream out,
            PrintStream err, String... args) {
        CommandLine cl = commandLine(flowClass, environment, args);
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        try {
            return cl.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** The configured picocli command line with every command, not yet run (tests parse with it). */
    public static CommandLine commandLine(Class<? extends FlowSpec> flowClass, Map<String, String> environment) {
        return build(flowClass, environment, null);
    }

    /**
     * The command line that runs {@code args}: with only the invoked command when {@code args} name one plainly,
     * else (help, version, no command, a typo, an option this method cannot read) with every command.
     *
     * <p>Why: picocli builds a command's whole model (every option, its annotations, converters, help texts) when
     * the command is added. Building all of them was most of the CPU a short-lived {@code baton step} child spent
     * in Java code before reaching its task; a task needs only the {@code step} command. Whatever the user can
     * observe is unchanged: the chosen command parses, runs and prints its own help exactly as it would among all
     * the others, and anything that lists or suggests commands takes the full model.
     */
    static CommandLine commandLine(Class<? extends FlowSpec> flowClass, Map<String, String> environment,
            String[] args) {
        return build(flowClass, environment, args);
    }

    private static CommandLine build(Class<? extends FlowSpec> flowClass, Map<String, String> environment,
            String[] args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main.model());
        Subcommand invoked = args == null ? null : invoked(cl.getCommandSpec(), args);
        if (invoked != null) {
            add(cl, invoked);
        } else {
            for (Subcommand command : COMMANDS) {
                add(cl, command);
            }
        }
        if (flowClass != null) {
            main.global.preselect(flowClass);
        }
        // after the subcommands, so that they get these settings too
        cl.setDefaultValueProvider(new EnvironmentDefaults(environment, flowClass != null));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        Failures failures = new Failures();
        cl.setParameterExceptionHandler(failures);
        cl.setExecutionExceptionHandler(failures);
        cl.setExecutionStrategy(parseResult -> {
            StartupWarmup.awaitLogging(); // -v/--quiet need logback bound, not SLF4J's stand-in loggers
            applyLogLevels(main.global);
            return new RunLast().execute(parseResult);
        });
        return cl;
    }

    /**
     * Adds {@code command} to the root, with the standard help options: an annotated command (and its own
     * subcommands) from picocli's mixin, as {@code mixinStandardHelpOptions = true} on an INHERIT root gave them;
     * a command built in code from {@link CommandModels#addStandardHelpOptions}, which reads no annotation.
     */
    private static void add(CommandLine root, Subcommand command) {
        CommandLine sub = new CommandLine(command.model());
        root.addSubcommand(sub);
        if (command.inCode() == null) {
            sub.getCommandSpec().mixinStandardHelpOptions(true);
        } else {
            CommandModels.addStandardHelpOptions(sub.getCommandSpec());
        }
    }

    /**
     * The command class that {@code args} invoke, read with the root command's options only (so that a global
     * option's value, e.g. {@code --flow run}, is not taken for a command name); {@code null} when the full
     * command line is needed: no command, {@code help}, an unknown name, {@code --help}/{@code --version} before
     * the command, {@code --}, or an option the root does not know (picocli then reports it, with suggestions).
     */
    static Class<?> invokedCommand(CommandSpec root, String[] args) {
        Subcommand invoked = invoked(root, args);
        return invoked == null ? null : invoked.type();
    }

    private static Subcommand invoked(CommandSpec root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return null;
            }
            if (!arg.startsWith("-") || arg.length() == 1) {
                return commandNamed(arg);
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            OptionSpec option = root.findOption(name);
            if (option == null) {
                if (!booleanCluster(root, arg)) {
                    return null;
                }
            } else if (option.usageHelp() || option.versionHelp()) {
                return null;
            } else if (eq < 0 && option.arity().max() > 0 && !option.typeInfo().isBoolean()) {
                i++; // the option's value is the next argument
            }
        }
        return null;
    }

    /** Whether {@code arg} is clustered short boolean options, e.g. {@code -vv}. */
    private static boolean booleanCluster(CommandSpec root, String arg) {
        if (arg.startsWith("--")) {
            return false;
        }
        for (int i = 1; i < arg.length(); i++) {
            OptionSpec option = root.findOption(arg.charAt(i));
            if (option == null || !option.typeInfo().isBoolean() || option.usageHelp() || option.versionHelp()) {
                return false;
            }
        }
        return true;
    }

    /** The command named {@code name}; {@code help} is left to the full command line, which it lists. */
    private static Subcommand commandNamed(String name) {
        for (Subcommand command : COMMANDS) {
            if (command.type() != HelpCommand.class && command.name().equals(name)) {
                return command;
            }
        }
        return null;
    }

    private static void applyLogLevels(GlobalOptions options) {
        dev.baton.cli.internal.Logging.apply(options);
    }

    /** {@code --version}: the jar's Implementation-Version, when built as a jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"baton " + (v == null ? "(development build)" : v)};
        }
    }
}
