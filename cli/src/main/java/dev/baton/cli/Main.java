package dev.baton.cli;

import dev.baton.cli.internal.BatonLogbackProvider;
import dev.baton.cli.internal.EnvironmentDefaults;
import dev.baton.cli.internal.Failures;
import dev.baton.cli.internal.GlobalOptions;
import dev.baton.cli.internal.GraphCommand;
import dev.baton.cli.internal.StartupWarmup;
import dev.baton.executor.ExitCodes;
import dev.baton.flow.FlowSpec;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code baton} command line: {@code baton [global options] COMMAND [options]}, global options accepted
 * before or after the command name. The fat jar's main class, and what {@code Baton.main(MyFlow.class, args)}
 * runs (with that flow preselected).
 *
 * <p>Exit codes: 0 ok, 1 a step failed (or an unexpected error), 2 usage or configuration error, 3 transient
 * failure, 4 invalid flow.
 */
// addMethodSubcommands = false: no command is a method, and picocli would parse the annotations of every method
// of the class to look for one (a share of a task's start-up)
@Command(name = "baton", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, addMethodSubcommands = false,
        versionProvider = Main.Version.class, synopsisSubcommandLabel = "COMMAND",
        description = "Metaflow-style data and ML flows for the JVM, locally or on AWS Batch + Step Functions.",
        footer = {"", "Run 'baton COMMAND --help' for a command's options."})
public final class Main implements Callable<Integer> {
    /**
     * Every {@code baton} subcommand, in help order: the one place where commands are registered. Each is a
     * picocli {@code @Command} class with a no-argument constructor; it reaches the global options (and the flow
     * class) with {@link GlobalOptions#of(CommandSpec)}.
     */
    static final List<Class<?>> COMMANDS = List.of(
            GraphCommand.class,
            dev.baton.cli.internal.run.RunCommand.class,
            dev.baton.cli.internal.run.StepCommand.class,
            dev.baton.cli.internal.PackageCommand.class,
            dev.baton.cli.internal.ForeachCoordinatorCommand.class,
            dev.baton.cli.internal.sfn.StepFunctionsCommand.class,
            dev.baton.cli.internal.ShowCommand.class,
            dev.baton.cli.internal.DumpCommand.class,
            dev.baton.cli.internal.LogsCommand.class,
            dev.baton.cli.internal.run.ResumeCommand.class,
            dev.baton.cli.internal.run.RerunCommand.class,
            HelpCommand.class);

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

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
        CommandLine cl = new CommandLine(main);
        Class<?> invoked = args == null ? null : invokedCommand(cl.getCommandSpec(), args);
        if (invoked != null) {
            cl.addSubcommand(invoked);
        } else {
            for (Class<?> command : COMMANDS) {
                cl.addSubcommand(command);
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
     * The command class that {@code args} invoke, read with the root command's options only (so that a global
     * option's value, e.g. {@code --flow run}, is not taken for a command name); {@code null} when the full
     * command line is needed: no command, {@code help}, an unknown name, {@code --help}/{@code --version} before
     * the command, {@code --}, or an option the root does not know (picocli then reports it, with suggestions).
     */
    static Class<?> invokedCommand(CommandSpec root, String[] args) {
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

    private static Class<?> commandNamed(String name) {
        for (Class<?> command : COMMANDS) {
            Command c = command.getAnnotation(Command.class);
            if (command != HelpCommand.class && c != null
                    && (c.name().equals(name) || List.of(c.aliases()).contains(name))) {
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
