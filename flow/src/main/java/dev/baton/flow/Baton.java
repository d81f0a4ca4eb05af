package dev.baton.flow;

import dev.baton.flow.internal.Launcher;
import java.util.ServiceLoader;

/**
 * Entry point for a flow's own {@code main}, so that {@code java -cp app.jar MyFlow run} works like
 * {@code python flow.py run}:
 *
 * <pre>{@code
 * public static void main(String[] args) { Baton.main(MyFlow.class, args); }
 * }</pre>
 *
 * Needs {@code baton-cli} on the class path.
 */
public final class Baton {
    private Baton() {}

    /** Runs the Baton command line for {@code flowClass} and exits the JVM with its exit code. */
    public static void main(Class<? extends FlowSpec> flowClass, String... args) {
        System.exit(run(flowClass, args));
    }

    /** Runs the Baton command line for {@code flowClass} and returns its exit code (for tests and embedding). */
    public static int run(Class<? extends FlowSpec> flowClass, String... args) {
        Launcher launcher = ServiceLoader.load(Launcher.class, Baton.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new ConfigurationException(
                        "baton-cli is not on the class path: add dev.baton:baton-cli to run " + flowClass.getName()));
        return launcher.run(flowClass, args);
    }
}
