package dev.baton.cli.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of the {@code baton} process: logback with {@link LogbackConfigurator}'s configuration, set up
 * directly. {@code Main.main} names it in the {@code slf4j.provider} system property (unless that is set already).
 *
 * <p>Why: logback's own provider runs its auto-configuration first, which, before it reaches our configurator,
 * checks the versions of its jars, finds the configurators through a {@code ServiceLoader} scan of the class path,
 * and formats status messages with a date formatter (the {@code java.time} formatting tables); and SLF4J scans the
 * class path for providers. Together about 15-20 ms of CPU in every task process, for a configuration that is
 * always the same. The resulting logger context is the same as through logback's provider: same appender, encoder,
 * levels and context name.
 *
 * <p>A logback configuration supplied by whoever runs Baton still wins, as with the configurator: with
 * {@code -Dlogback.configurationFile} or a {@code logback-test.xml} / {@code logback.xml} on the class path, this
 * provider hands over to logback's own, which configures from it.
 */
public final class BatonLogbackProvider implements SLF4JServiceProvider {
    /** The system property through which SLF4J 2 takes a provider without scanning the class path. */
    public static final String SLF4J_PROVIDER_PROPERTY = "slf4j.provider";
    /** The level of SLF4J's own reports on stderr (it reports an explicitly named provider at INFO). */
    static final String SLF4J_VERBOSITY_PROPERTY = "slf4j.internal.verbosity";

    private final ClassLoader loader;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();
    private LoggerContext context;
    private LogbackServiceProvider standard; // only with a user's configuration

    /** Instantiated by SLF4J, from {@value #SLF4J_PROVIDER_PROPERTY}. */
    public BatonLogbackProvider() {
        this(BatonLogbackProvider.class.getClassLoader());
    }

    /** @param loader where a user's logback configuration would be found (tests) */
    BatonLogbackProvider(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * Makes this provider the process's SLF4J binding, unless one was named already (by {@code -Dslf4j.provider}):
     * call before anything logs. SLF4J's own reports go on at WARN and above (unless
     * {@code -Dslf4j.internal.verbosity} says otherwise): at INFO it would announce the named provider on stderr,
     * which a task stores with its log.
     */
    public static void select() {
        if (System.getProperty(SLF4J_PROVIDER_PROPERTY) == null) {
            System.setProperty(SLF4J_PROVIDER_PROPERTY, BatonLogbackProvider.class.getName());
            if (System.getProperty(SLF4J_VERBOSITY_PROPERTY) == null) {
                System.setProperty(SLF4J_VERBOSITY_PROPERTY, "WARN");
            }
        }
    }

    @Override
    public void initialize() {
        if (LogbackConfigurator.userConfiguration(loader)) {
            standard = new LogbackServiceProvider();
            standard.initialize();
            return;
        }
        // as logback's provider sets its context up, with our configuration in place of the auto-configuration
        context = new LoggerContext();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        LogbackConfigurator.install(context);
        context.start();
    }

    /** Whether a user's configuration made this provider hand over to logback's own (tests). */
    boolean handedOver() {
        return standard != null;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return standard != null ? standard.getLoggerFactory() : context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return standard != null ? standard.getMarkerFactory() : markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return standard != null ? standard.getMDCAdapter() : mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return LogbackServiceProvider.REQUESTED_API_VERSION;
    }
}
