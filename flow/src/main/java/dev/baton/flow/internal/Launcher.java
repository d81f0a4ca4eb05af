package dev.baton.flow.internal;

/**
 * Service interface (java.util.ServiceLoader) through which {@link dev.baton.flow.Baton#main} reaches the
 * command line, which lives in a module the flow API cannot depend on. Implemented by baton-cli.
 */
public interface Launcher {
    /** Runs the command line for {@code flowClass} and returns the process exit code. */
    int run(Class<?> flowClass, String[] args);
}
