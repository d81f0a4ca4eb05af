package dev.baton.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code -v}, {@code -vv} and {@code --quiet} to logback (configured at WARN by {@link LogbackConfigurator}). */
public final class Logging {
    private Logging() {}

    /** Sets the root log level from {@code -v}, {@code -vv} or {@code --quiet}; without them, the configured level (WARN) stays. */
    public static void apply(GlobalOptions options) {
        Level level = options.quiet() ? Level.ERROR
                : options.verbosity() >= 2 ? Level.DEBUG
                : options.verbosity() == 1 ? Level.INFO
                : null;
        // another SLF4J binding (an embedding application's) keeps its own configuration
        if (level != null && LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(level);
        }
    }
}
