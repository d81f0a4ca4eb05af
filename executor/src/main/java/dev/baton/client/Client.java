package dev.baton.client;

import dev.baton.client.internal.ClientSession;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.RunRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the flows, runs, steps, tasks and artifacts of one datastore. Obtain one with {@link Baton#client}.
 *
 * <h2>Namespaces</h2>
 * As in Metaflow, a client sees the runs of one namespace: {@code user:<name>} (the runs whose
 * {@link RunRecord#user()} is that name), or any other tag a run carries, such as {@code production:<token>}
 * for runs deployed to production. {@code null} is the global namespace: every run. A new client starts in
 * {@link #defaultNamespace()}, {@code user:<you>}, the user Baton records for your local runs. Unlike
 * Metaflow's process-wide {@code namespace()}, {@link #namespace(String)} returns a new client view and changes
 * nothing else, so two parts of a program cannot change each other's view. {@link FlowHandle#runs()} and friends
 * skip runs outside the namespace; asking for such a run by id is a {@link NotFoundException} that says why.
 *
 * <h2>Snapshots</h2>
 * A handle reflects the datastore when it was obtained; ask its parent again to see newer state.
 *
 * <p>Thread-safe. Close it to release the datastore connections; views made with {@link #namespace(String)}
 * share this client's resources and are closed with it.
 */
public final class Client implements AutoCloseable {
    private final ClientSession session;
    private final String namespace;

    Client(ClientSession session, String namespace) {
        this.session = session;
        this.namespace = namespace;
    }

    /**
     * What a new client sees: {@code user:<name>}, where the name is the one the local runtime records as a run's
     * user: the {@code BATON_USER} environment variable when set, else the JVM's {@code user.name}.
     */
    public static String defaultNamespace() {
        String user = System.getenv("BATON_USER");
        return "user:" + (user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown"));
    }

    /**
     * A view of the same datastore restricted to {@code namespace}: {@code user:<name>}, a run tag such as
     * {@code production:<token>}, or {@code null} for every run.
     */
    public Client namespace(String namespace) {
        if (namespace != null && namespace.isBlank()) {
            throw new dev.baton.flow.ConfigurationException(
                    "namespace is blank: use user:<name>, a run tag such as production:<token>, or null for all runs");
        }
        return new Client(session, namespace);
    }

    /** This view's namespace, or {@code null} for the global one. */
    public String namespace() {
        return namespace;
    }

    /** The root of the datastore, as given. */
    public String root() {
        return session.config().root();
    }

    /** The flows that have at least one run under the root, sorted by name (namespace not applied). */
    public List<String> flows() {
        return session.flowNames();
    }

    /**
     * The flow named {@code name} (a flow class's simple name).
     *
     * @throws NotFoundException when no run of that flow exists under the root, listing the flows that do
     */
    public FlowHandle flow(String name) {
        Objects.requireNonNull(name, "flow name");
        FlowDatastore datastore = session.datastore(name);
        if (datastore.runIds().isEmpty()) {
            String known;
            try {
                known = String.valueOf(session.flowNames());
            } catch (RuntimeException e) {
                known = "(cannot be listed: " + e.getMessage() + ")";
            }
            throw new NotFoundException("flow '" + name + "' has no runs under " + root() + "; flows there: " + known);
        }
        return new FlowHandle(this, name);
    }

    /**
     * The object a pathspec names: {@code Flow/run}, {@code Flow/run/step} or {@code Flow/run/step/task} (a
     * {@link Run}, {@link StepHandle} or {@link TaskHandle}).
     */
    public Object pathspec(String pathspec) {
        String[] parts = pathspec.split("/", -1);
        if (parts.length < 2 || parts.length > 4) {
            throw new dev.baton.flow.ConfigurationException("'" + pathspec
                    + "' is not a pathspec: expected Flow/run, Flow/run/step or Flow/run/step/task");
        }
        Run run = flow(parts[0]).run(parts[1]);
        if (parts.length == 2) {
            return run;
        }
        StepHandle step = run.step(parts[2]);
        return parts.length == 3 ? step : step.task(parts[3]);
    }

    /** The task {@code Flow/run/step/task}. */
    public TaskHandle task(String pathspec) {
        if (pathspec.split("/", -1).length != 4) {
            throw new dev.baton.flow.ConfigurationException(
                    "'" + pathspec + "' is not a task pathspec: expected Flow/run/step/task");
        }
        return (TaskHandle) pathspec(pathspec);
    }

    ClientSession session() {
        return session;
    }

    /** True when a run with this record is visible in this view's namespace. */
    boolean admits(RunRecord run) {
        if (namespace == null) {
            return true;
        }
        if (namespace.startsWith("user:") && namespace.substring(5).equals(run.user())) {
            return true;
        }
        return run.tags().contains(namespace);
    }

    Optional<String> namespaceOption() {
        return Optional.ofNullable(namespace);
    }

    /** Closes the datastores this client opened; every view of it is closed too. */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "Client[" + root() + ", namespace " + (namespace == null ? "global" : namespace) + "]";
    }
}
