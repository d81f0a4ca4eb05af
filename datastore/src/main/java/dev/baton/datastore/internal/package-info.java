/**
 * The datastore implementation behind {@link dev.baton.datastore.Datastores#open}.
 *
 * <ul>
 *   <li>{@link dev.baton.datastore.internal.LocalObjectStore}: the {@code local} storage, a directory; every object
 *       is written to {@code <root>/.tmp/} first and published atomically (hard link for put-if-absent, rename
 *       for replace), so readers never see a partial object and stale temporary files are cleaned on open.</li>
 *   <li>{@link dev.baton.datastore.internal.DefaultContentStore}: content-addressed blobs over any
 *       {@link dev.baton.datastore.spi.ObjectStore} (local or S3), {@code <Flow>/data/<key[0:2]>/<key>}, never
 *       rewritten; bounded-parallel bulk transfers.</li>
 *   <li>{@link dev.baton.datastore.internal.DefaultFlowDatastore}: run and task metadata as JSON over any object
 *       store, in the layout of DESIGN.md; a task is read from one listing of its directory.</li>
 * </ul>
 */
package dev.baton.datastore.internal;
