/**
 * The client API: reads past runs from any Baton datastore (a local directory or {@code s3://bucket/prefix}), as
 * Metaflow's client does.
 *
 * <pre>{@code
 * try (Client client = Baton.client(".baton")) {
 *     FlowHandle flow = client.flow("TrainFlow");
 *     Run run = flow.latestRun();                       // newest by creation time, in the client's namespace
 *     if (run.successful()) {
 *         double loss = (double) run.data().get("loss"); // the end task's artifacts, each loaded on first access
 *     }
 *     for (TaskHandle task : run.step("train").tasks()) { // foreach children in foreach-index order
 *         task.exception().ifPresent(e -> System.out.println(task.pathspec() + " failed: " + e.message()));
 *         System.out.print(task.stdout());
 *     }
 * }
 * }</pre>
 *
 * <p>Objects: {@link dev.baton.client.Client} (a datastore, seen through a namespace) &rarr;
 * {@link dev.baton.client.FlowHandle} &rarr; {@link dev.baton.client.Run} &rarr;
 * {@link dev.baton.client.StepHandle} &rarr; {@link dev.baton.client.TaskHandle} &rarr;
 * {@link dev.baton.client.Attempt}. Handles are snapshots of the metadata when they were made; artifact values are
 * loaded only when asked for, through the flow's codec (pass the flow's class loader to
 * {@link dev.baton.client.Baton#client(dev.baton.datastore.DatastoreConfig, ClassLoader)} to read values of the
 * flow's own classes). What does not exist is a {@link dev.baton.client.NotFoundException} naming it and listing
 * what does.
 *
 * <p>Namespaces: by default a client sees the runs of {@code user:<you>}; see {@link dev.baton.client.Client}.
 */
package dev.baton.client;
