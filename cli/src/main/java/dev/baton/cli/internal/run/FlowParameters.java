package dev.baton.cli.internal.run;

import dev.baton.flow.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flow's own parameters on the command line: the options {@code run} (and {@code step start}) do not know
 * themselves, as {@code --name value}, {@code --name=value}, or a bare {@code --flag} (true). Whether a name is a
 * parameter, and its type, is checked against the flow by the executor, which lists the valid ones.
 */
final class FlowParameters {
    private FlowParameters() {}

    static Map<String, String> parse(List<String> unmatched) {
        Map<String, String> out = new LinkedHashMap<>();
        if (unmatched == null) {
            return out;
        }
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigurationException("unexpected argument '" + arg + "': flow parameters are given as"
                        + " --name value");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < unmatched.size() && !unmatched.get(i + 1).startsWith("--")) {
                value = unmatched.get(++i);
            } else {
                value = "true"; // a bare boolean flag
            }
            if (out.put(name, value) != null) {
                throw new ConfigurationException("parameter --" + name + " is given twice");
            }
        }
        return out;
    }
}
