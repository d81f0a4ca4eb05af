package dev.baton.flow;

import java.io.Serializable;
import java.util.List;

/**
 * The failure of a step, as stored by {@link Catch}: the exception's type, message and stack trace as text
 * (never the exception object itself, whose class may not be loadable where the artifact is read).
 *
 * @param type the exception's class name
 * @param message its message, or {@code null}
 * @param stackTrace the printed stack trace
 * @param attempts how many attempts failed
 */
public record CaughtException(String type, String message, String stackTrace, int attempts) implements Serializable {
    public CaughtException {
        stackTrace = stackTrace == null ? "" : stackTrace;
    }

    /** The lines of the stack trace. */
    public List<String> stackTraceLines() {
        return stackTrace.lines().toList();
    }
}
