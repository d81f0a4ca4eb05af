package dev.baton.cli.internal;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives the global options their environment variable defaults ({@link GlobalOptions#ENVIRONMENT}). Reads a
 * given map rather than {@link System#getenv()} directly, so tests and embedders can pass their own.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
    private final Map<String, String> environment;
    private final boolean flowPreselected;

    /**
     * @param environment the process environment
     * @param flowPreselected when a flow's own main started the command line, {@code BATON_FLOW} must not
     *     override (or conflict with) that flow
     */
    public EnvironmentDefaults(Map<String, String> environment, boolean flowPreselected) {
        this.environment = Map.copyOf(environment);
        this.flowPreselected = flowPreselected;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        String variable = GlobalOptions.ENVIRONMENT.get(option.longestName());
        if (variable == null || (flowPreselected && variable.equals("BATON_FLOW"))) {
            return null;
        }
        String value = environment.get(variable);
        // null falls back to the option's own defaultValue; an empty variable counts as unset
        return value == null || value.isEmpty() ? null : value;
    }
}
