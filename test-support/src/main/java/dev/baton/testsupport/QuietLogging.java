package dev.baton.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Turns logback's default DEBUG output down to WARN for the chatty servers and clients, unless the class path
 * carries its own logback configuration (then that configuration wins). S3Proxy, Jetty and Apache HttpClient's
 * wire log at DEBUG slow every request down by an order of magnitude.
 */
final class QuietLogging {
    private static final String[] NOISY = {
        "org.gaul", "org.eclipse.jetty", "org.gaul.shaded", "software.amazon.awssdk", "org.apache.http", "io.netty",
        "io.opentelemetry", "io.prometheus", "com.google"
    };

    private QuietLogging() {}

    static void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: it has its own defaults
        }
        ClassLoader loader = QuietLogging.class.getClassLoader();
        boolean configured = System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null;
        if (configured) {
            return;
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        for (String name : NOISY) {
            context.getLogger(name).setLevel(Level.WARN);
        }
    }
}
