package dev.baton.client;

import dev.baton.client.internal.Ids;
import dev.baton.datastore.FlowDatastore;
import dev.baton.datastore.meta.RunRecord;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One flow of a datastore: its runs, as the client's namespace lets it see them. Obtain with {@link Client#flow}. */
public final class FlowHandle {
    /** Newest first: by creation time, then by id (numerically when ids are numbers), both descending. */
    static final Comparator<RunRecord> NEWEST_FIRST = Comparator
            .comparing((RunRecord r) -> r.createdAt() == null ? Instant.MIN : r.createdAt())
            .thenComparing(RunRecord::runId, Ids.NATURAL)
            .reversed();

    private final Client client;
    private final String name;

    FlowHandle(Client client, String name) {
        this.client = client;
        this.name = name;
    }

    /** The flow's name (its class's simple name). */
    public String name() {
        return name;
    }

    /** The runs visible in the client's namespace, newest first (by creation time). */
    public List<Run> runs() {
        return allRunRecords().stream().filter(client::admits).map(r -> new Run(this, r)).toList();
    }

    /**
     * The run with id {@code runId}.
     *
     * @throws NotFoundException when there is no such run, or it is outside the client's namespace
     */
    public Run run(String runId) {
        Objects.requireNonNull(runId, "run id");
        Optional<RunRecord> record = runId.isEmpty() || runId.contains("/")
                ? Optional.empty()
                : datastore().readRun(runId);
        if (record.isEmpty()) {
            List<String> recent = allRunRecords().stream().filter(client::admits).limit(10).map(RunRecord::runId)
                    .toList();
            throw new NotFoundException("flow " + name + " has no run '" + runId + "'"
                    + (recent.isEmpty() ? "" : "; its newest runs" + namespaceNote() + " are " + recent));
        }
        RunRecord run = record.get();
        if (!client.admits(run)) {
            throw new NotFoundException("run " + name + "/" + runId + " is not in namespace " + client.namespace()
                    + " (its user is " + run.user() + ", its tags " + run.tags()
                    + "); read it with client.namespace(null), or the namespace user:" + run.user());
        }
        return new Run(this, run);
    }

    /**
     * The newest run in the client's namespace, whatever its status (by creation time).
     *
     * @throws NotFoundException when the namespace holds no run of this flow
     */
    public Run latestRun() {
        return allRunRecords().stream().filter(client::admits).findFirst().map(r -> new Run(this, r))
                .orElseThrow(() -> noRun("run"));
    }

    /**
     * The newest run in the client's namespace that succeeded.
     *
     * @throws NotFoundException when there is none
     */
    public Run latestSuccessfulRun() {
        return allRunRecords().stream()
                .filter(client::admits)
                .filter(r -> r.status() == RunRecord.RunStatus.SUCCEEDED)
                .findFirst()
                .map(r -> new Run(this, r))
                .orElseThrow(() -> noRun("successful run"));
    }

    private NotFoundException noRun(String what) {
        return new NotFoundException("flow " + name + " has no " + what + namespaceNote()
                + (client.namespace() == null ? "" : "; to see every user's runs use client.namespace(null)"));
    }

    private String namespaceNote() {
        return client.namespace() == null ? "" : " in namespace " + client.namespace();
    }

    /** Every run record of the flow, namespace not applied, newest first. */
    List<RunRecord> allRunRecords() {
        FlowDatastore datastore = datastore();
        List<String> ids = datastore.runIds();
        List<Optional<RunRecord>> records = client.session().readAll(ids, datastore::readRun);
        return records.stream().flatMap(Optional::stream).sorted(NEWEST_FIRST).toList();
    }

    FlowDatastore datastore() {
        return client.session().datastore(name);
    }

    Client client() {
        return client;
    }

    @Override
    public String toString() {
        return "Flow('" + name + "')";
    }
}
