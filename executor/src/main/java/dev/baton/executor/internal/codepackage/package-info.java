/**
 * Code packages: the user's flow classes and dependencies as one content-addressed zip, so that one generic
 * container image serves every flow.
 *
 * <p>Format: a zip whose first entry {@value dev.baton.executor.internal.codepackage.PackageFormat#MANIFEST}
 * lists the class path entries in order, one per line ({@code cp/000-classes/} for a directory,
 * {@code cp/001-lib.jar} for a jar), then the entries themselves. Everything that could vary between two builds
 * of the same code is fixed: entry order (class path order, then sorted relative paths), timestamps, no extra
 * fields, one compression level. So the same code gives the same bytes, and the SHA-256 of the bytes (the key)
 * names the package in the datastore at {@code <Flow>/data/<key[0:2]>/<key>}, beside the artifact blobs.
 */
package dev.baton.executor.internal.codepackage;
