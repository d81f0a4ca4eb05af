package dev.baton.cli.internal;

import dev.baton.executor.ExitCodes;
import dev.baton.flow.BatonException;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.graph.InvalidFlowException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns what went wrong into a message on stderr and an exit code (DESIGN.md): 2 for usage and configuration
 * errors, 3 for transient failures, 4 for an invalid flow, 1 for anything else. Baton's own exceptions already say
 * what to do, so they are printed as one message; only an unexpected exception gets its stack trace (or any, with
 * {@code -v}).
 */
public final class Failures implements IParameterExceptionHandler, IExecutionExceptionHandler {

    /** A usage error found while parsing: one line, a hint, exit 2. */
    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("baton: " + e.getMessage());
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            err.println("Did you mean: " + String.join(" or ", u.getSuggestions()) + "?");
        }
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parseResult) {
        boolean verbose = GlobalOptions.of(cl.getCommandSpec()).verbosity() > 0;
        return report(e, cl.getErr(), verbose);
    }

    /** Prints {@code e} to {@code err} and returns the exit code it stands for. */
    public static int report(Throwable e, PrintWriter err, boolean verbose) {
        int code = exitCode(e);
        if (e instanceof BatonException) {
            err.println("baton: " + e.getMessage());
            if (e.getCause() != null && code == ExitCodes.TRANSIENT) {
                err.println("  caused by: " + e.getCause());
            }
            if (verbose) {
                e.printStackTrace(err);
            }
        } else {
            err.println("baton: unexpected error: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** The exit code for a failure. */
    public static int exitCode(Throwable e) {
        if (e instanceof InvalidFlowException) {
            return ExitCodes.INVALID_FLOW;
        }
        if (e instanceof ConfigurationException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof BatonException b && b.isTransient()) {
            return ExitCodes.TRANSIENT;
        }
        return ExitCodes.STEP_FAILED;
    }
}
