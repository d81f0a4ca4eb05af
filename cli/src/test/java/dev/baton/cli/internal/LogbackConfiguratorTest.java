package dev.baton.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** Baton's logging set up in code: what it installs, and that it steps aside for a user's configuration. */
class LogbackConfiguratorTest {

    @Test
    void installsOneStderrAppenderAtWarn() {
        LoggerContext context = new LoggerContext();
        LogbackConfigurator.install(context);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.WARN, root.getLevel());
        ConsoleAppender<?> appender = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
        assertTrue(appender.isStarted());
        assertEquals("System.err", appender.getTarget());
        PatternLayoutEncoder encoder = assertInstanceOf(PatternLayoutEncoder.class, appender.getEncoder());
        assertEquals(LogbackConfigurator.PATTERN, encoder.getPattern());
        assertEquals(Level.WARN, context.getLogger("dev.baton.executor").getEffectiveLevel());
    }

    @Test
    void stepsAsideForALogbackXmlOnTheClassPath(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path configured = Files.createDirectories(dir.resolve("configured"));
        Files.writeString(configured.resolve("logback.xml"), "<configuration/>");
        try (URLClassLoader none = new URLClassLoader(new URL[] {empty.toUri().toURL()}, null);
                URLClassLoader some = new URLClassLoader(new URL[] {configured.toUri().toURL()}, null)) {
            assertFalse(LogbackConfigurator.userConfiguration(none));
            assertTrue(LogbackConfigurator.userConfiguration(some));
        }
    }

    @Test
    void registeredForLogbacksServiceLoader() {
        assertTrue(ServiceLoader.load(Configurator.class).stream()
                .anyMatch(p -> p.type() == LogbackConfigurator.class));
    }
}
