package dev.baton.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code -v}/{@code -vv}/{@code --quiet}, and the Apache HTTP client's logging through SLF4J. */
class LoggingTest {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level rootBefore = root.getLevel();

    @AfterEach
    void restore() {
        root.setLevel(rootBefore);
        ((Logger) LoggerFactory.getLogger(Logging.HTTP_CLIENT_LOGGER)).setLevel(null);
    }

    @Test
    void theApacheHttpClientLogsThroughSlf4jAndBatonsLevels() {
        // jcl-over-slf4j in place of commons-logging (which set up java.util.logging in every process)
        Log log = LogFactory.getLog("org.apache.http.headers");
        assertEquals("org.apache.commons.logging.impl.SLF4JLocationAwareLog", log.getClass().getName());

        Logging.apply(0, false);
        root.setLevel(Level.WARN); // Baton's configured level
        assertFalse(log.isInfoEnabled());
        assertTrue(log.isWarnEnabled());

        Logging.apply(1, false);
        assertTrue(log.isInfoEnabled());
        assertFalse(log.isDebugEnabled());
    }

    @Test
    void veryVerboseLeavesTheHttpClientsWireAndHeadersOut() {
        Logging.apply(2, false);
        assertTrue(LoggerFactory.getLogger(LoggingTest.class).isDebugEnabled());
        // the headers logger would print each request's Authorization header (the signature)
        assertFalse(LogFactory.getLog("org.apache.http.headers").isDebugEnabled());
        assertFalse(LogFactory.getLog("org.apache.http.wire").isDebugEnabled());
        assertTrue(LogFactory.getLog("org.apache.http.impl.execchain.RetryExec").isInfoEnabled());

        // a quieter level afterwards (an embedding application's second command line) applies to the client too
        Logging.apply(0, true);
        assertFalse(LogFactory.getLog("org.apache.http.impl.execchain.RetryExec").isInfoEnabled());
        assertFalse(LogFactory.getLog("org.apache.http.impl.execchain.RetryExec").isWarnEnabled());
        assertTrue(LogFactory.getLog("org.apache.http.impl.execchain.RetryExec").isErrorEnabled());
    }
}
