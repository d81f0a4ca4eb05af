package dev.baton.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
        LogbackConfigurator.LazyPatternEncoder encoder =
                assertInstanceOf(LogbackConfigurator.LazyPatternEncoder.class, appender.getEncoder());
        assertEquals(LogbackConfigurator.PATTERN, encoder.pattern());
        assertEquals(Level.WARN, context.getLogger("dev.baton.executor").getEffectiveLevel());
    }

    @Test
    void thePatternLayoutIsBuiltAtTheFirstEventAndWritesWhatThePatternEncoderWrites() {
        LoggerContext context = new LoggerContext();
        try {
            LogbackConfigurator.install(context);
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            ConsoleAppender<?> appender = (ConsoleAppender<?>) root.getAppender("STDERR");
            LogbackConfigurator.LazyPatternEncoder encoder =
                    (LogbackConfigurator.LazyPatternEncoder) appender.getEncoder();
            ch.qos.logback.classic.Logger logger = context.getLogger("dev.baton.executor.internal.TaskRun");
            logger.info("below WARN: not written");
            assertFalse(encoder.built(), "no pattern layout built while nothing is written");

            LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "step '{}' retried",
                    new IllegalStateException("boom"), new Object[] {"train"});
            PatternLayoutEncoder reference = new PatternLayoutEncoder();
            reference.setContext(context);
            reference.setPattern(LogbackConfigurator.PATTERN);
            reference.start();
            String written = new String(encoder.encode(event), StandardCharsets.UTF_8);
            assertTrue(encoder.built());
            assertEquals(new String(reference.encode(event), StandardCharsets.UTF_8), written);
            assertTrue(written.matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[.*\\] dev\\.baton\\.executor\\.internal"
                    + "\\.TaskRun - step 'train' retried\\R.*IllegalStateException: boom.*"), written);
            assertEquals(0, encoder.headerBytes() == null ? 0 : encoder.headerBytes().length, "no header");
        } finally {
            context.stop();
        }
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
    void theProcesssProviderSetsUpTheSameContextDirectly(@TempDir Path dir) throws Exception {
        try (URLClassLoader none = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            BatonLogbackProvider provider = new BatonLogbackProvider(none);
            provider.initialize();
            assertFalse(provider.handedOver());
            LoggerContext context = assertInstanceOf(LoggerContext.class, provider.getLoggerFactory());
            try {
                assertTrue(context.isStarted());
                assertEquals("default", context.getName()); // as logback's own provider names it
                assertSame(provider.getMDCAdapter(), context.getMDCAdapter());
                ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
                assertEquals(Level.WARN, root.getLevel());
                assertInstanceOf(LogbackConfigurator.LazyPatternEncoder.class,
                        ((ConsoleAppender<?>) root.getAppender("STDERR")).getEncoder());
                assertEquals(ch.qos.logback.classic.spi.LogbackServiceProvider.REQUESTED_API_VERSION,
                        provider.getRequestedApiVersion());
            } finally {
                context.stop();
            }
        }
    }

    @Test
    void theProcesssProviderHandsOverToLogbacksOwnForAUsersConfiguration(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
        try (URLClassLoader some = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            BatonLogbackProvider provider = new BatonLogbackProvider(some);
            provider.initialize();
            assertTrue(provider.handedOver());
            LoggerContext context = assertInstanceOf(LoggerContext.class, provider.getLoggerFactory());
            context.stop();
        }
    }

    @Test
    void mainSelectsTheProviderUnlessOneIsNamed() {
        String before = System.getProperty(BatonLogbackProvider.SLF4J_PROVIDER_PROPERTY);
        String verbosity = System.getProperty(BatonLogbackProvider.SLF4J_VERBOSITY_PROPERTY);
        try {
            System.setProperty(BatonLogbackProvider.SLF4J_PROVIDER_PROPERTY, "com.example.TheirProvider");
            BatonLogbackProvider.select();
            assertEquals("com.example.TheirProvider", System.getProperty(BatonLogbackProvider.SLF4J_PROVIDER_PROPERTY));
            System.clearProperty(BatonLogbackProvider.SLF4J_PROVIDER_PROPERTY);
            System.clearProperty(BatonLogbackProvider.SLF4J_VERBOSITY_PROPERTY);
            BatonLogbackProvider.select();
            assertEquals(BatonLogbackProvider.class.getName(),
                    System.getProperty(BatonLogbackProvider.SLF4J_PROVIDER_PROPERTY));
            // else SLF4J announces the named provider on stderr, into every task's stored log
            assertEquals("WARN", System.getProperty(BatonLogbackProvider.SLF4J_VERBOSITY_PROPERTY));
        } finally {
            if (verbosity == null) {
                System.clearProperty(BatonLogbackProvider.SLF4J_VERBOSITY_PROPERTY);
            } else {
                System.setProperty(BatonLogbackProvider.SLF4J_VERBOSITY_PROPERTY, verbosity);
            }
            if (before == null) {
                System.clearProperty(BatonLogbackProvider.SLF4J_PROVIDER_PROPERTY);
            } else {
                System.setProperty(BatonLogbackProvider.SLF4J_PROVIDER_PROPERTY, before);
            }
        }
    }

    @Test
    void registeredForLogbacksServiceLoader() {
        assertTrue(ServiceLoader.load(Configurator.class).stream()
                .anyMatch(p -> p.type() == LogbackConfigurator.class));
    }
}
