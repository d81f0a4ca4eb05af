package dev.baton.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The {@code baton} command's logging, set up in code: stderr only (stdout is for command output), WARN unless
 * {@code -v}, {@code -vv} or {@code --quiet} ({@link Logging}). In the {@code baton} process it is installed directly
 * by {@link BatonLogbackProvider}; elsewhere (an application that runs Baton's command line in its own JVM) logback
 * finds it through {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 *
 * <p>Why in code rather than a {@code logback.xml}: logback's XML configuration (Joran: a SAX parser, its model
 * builders and handlers, a few hundred classes) was a sizeable share of the CPU a short-lived {@code baton step}
 * child spends before its task runs, and every task of a process-isolated or containerised run starts one.
 *
 * <p>The pattern layout itself is built when the first event is logged ({@link LazyPatternEncoder}).
 *
 * <p>A logback configuration supplied by whoever runs Baton still wins: with {@code -Dlogback.configurationFile}
 * or a {@code logback-test.xml} / {@code logback.xml} on the class path (an application embedding Baton), this
 * configurator steps aside and logback's own configuration runs as usual.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    /** Instantiated by logback's {@code ServiceLoader}. */
    public LogbackConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (userConfiguration(LogbackConfigurator.class.getClassLoader())) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        install(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether someone else's logback configuration is there for logback's own configurators to apply. */
    static boolean userConfiguration(ClassLoader loader) {
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null;
    }

    /** Baton's configuration: one stderr appender on the root logger, at WARN. */
    static void install(LoggerContext context) {
        LazyPatternEncoder encoder = new LazyPatternEncoder(PATTERN);
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
    }

    /**
     * A {@link PatternLayoutEncoder} of {@code pattern}, built when the first event is logged.
     *
     * <p>Why: building a pattern layout initialises logback's table of every pattern converter (a hundred-odd
     * classes and some fifty lambdas, about half of which no class-data-sharing archive holds) and parses the
     * pattern. A task process logs nothing at the default level WARN in the common case, yet paid that at start-up.
     * The output is the pattern encoder's own, byte for byte; the encoder writes no header or footer.
     */
    static final class LazyPatternEncoder extends EncoderBase<ILoggingEvent> {
        private final String pattern;
        private volatile PatternLayoutEncoder delegate;

        LazyPatternEncoder(String pattern) {
            this.pattern = pattern;
        }

        /** The pattern the events are written with. */
        String pattern() {
            return pattern;
        }

        /** Whether the pattern encoder has been built (an event was logged). */
        boolean built() {
            return delegate != null;
        }

        /** The encoder that writes the events: built now if no event has been logged yet. */
        PatternLayoutEncoder delegate() {
            PatternLayoutEncoder d = delegate;
            if (d == null) {
                synchronized (this) {
                    d = delegate;
                    if (d == null) {
                        d = new PatternLayoutEncoder();
                        d.setContext(getContext());
                        d.setPattern(pattern);
                        d.start();
                        delegate = d;
                    }
                }
            }
            return d;
        }

        @Override
        public byte[] headerBytes() {
            return null; // a pattern layout without a file header writes none
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            return delegate().encode(event);
        }

        @Override
        public byte[] footerBytes() {
            PatternLayoutEncoder d = delegate;
            return d == null ? null : d.footerBytes();
        }

        @Override
        public void stop() {
            PatternLayoutEncoder d = delegate;
            if (d != null) {
                d.stop();
            }
            super.stop();
        }
    }
}
