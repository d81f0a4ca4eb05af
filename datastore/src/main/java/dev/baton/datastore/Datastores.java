package dev.baton.datastore;

/** Opens datastores. */
public final class Datastores {
    private Datastores() {}

    /**
     * Opens the datastore of {@code flowName}.
     *
     * @param flowClassLoader the flow's class loader: its classes may be decoded, and values resolve through it
     */
    public static FlowDatastore open(DatastoreConfig config, String flowName, ClassLoader flowClassLoader) {
        throw new UnsupportedOperationException("TODO: datastore issue");
    }
}
