package dev.baton.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code -v}, {@code -vv} and {@code --quiet} to logback (configured at WARN by {@link LogbackConfigurator}). */
public final class Logging {
    private Logging() {}

    /**
     * The logger of the Apache HTTP client under the S3 and DynamoDB clients: at DEBUG it logs the wire and every
     * header, the request signatures among them. {@code -vv} is for Baton's and the SDK's own debug output, so this
     * logger stays at INFO then.
     */
    static final String HTTP_CLIENT_LOGGER = "org.apache.http";

    /** Sets the root log level from {@code -v}, {@code -vv} or {@code --quiet}; without them, the configured level (WARN) stays. */
    public static void apply(GlobalOptions options) {
        apply(options.verbosity(), options.quiet());
    }

    static void apply(int verbosity, boolean quiet) {
        Level level = quiet ? Level.ERROR
                : verbosity >= 2 ? Level.DEBUG
                : verbosity == 1 ? Level.INFO
                : null;
        // another SLF4J binding (an embedding application's) keeps its own configuration
        if (level != null && LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(level);
            if (LoggerFactory.getLogger(HTTP_CLIENT_LOGGER) instanceof Logger http) {
                http.setLevel(level == Level.DEBUG ? Level.INFO : null);
            }
        }
    }
}
