package dev.baton.cli.internal;

import dev.baton.client.Baton;
import dev.baton.client.Client;
import dev.baton.datastore.DatastoreConfig;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.FlowSpec;
import java.util.List;

/**
 * How the inspection commands find their flow and open a client. The flow is the one the global options name;
 * when {@code --flow} is a bare flow name whose class is not on the class path (inspecting from another
 * machine or directory), the runs are still readable: only artifact values of the flow's own classes are not.
 */
final class InspectSupport {
    private InspectSupport() {}

    /** The flow's name in the datastore and the class loader its artifact values decode with. */
    record Target(String flowName, ClassLoader classLoader) {}

    static Target target(GlobalOptions global) {
        try {
            Class<? extends FlowSpec> flowClass = global.flowClass();
            return new Target(flowClass.getSimpleName(), flowClass.getClassLoader());
        } catch (ConfigurationException notLoadable) {
            String name = global.flowName();
            if (name == null || name.isBlank() || name.contains(".") || global.classpath() != null) {
                throw notLoadable;
            }
            try (Client probe = Baton.client(global.datastoreConfig(), InspectSupport.class.getClassLoader())) {
                List<String> flows = probe.flows();
                if (!flows.contains(name)) {
                    throw new ConfigurationException(notLoadable.getMessage() + "; nor is there a flow named " + name
                            + " under " + global.datastoreRoot() + " (flows there: " + flows + ")");
                }
            }
            return new Target(name, InspectSupport.class.getClassLoader());
        }
    }

    static Client client(GlobalOptions global, Target target) {
        DatastoreConfig config = global.datastoreConfig();
        return Baton.client(config, target.classLoader());
    }
}
