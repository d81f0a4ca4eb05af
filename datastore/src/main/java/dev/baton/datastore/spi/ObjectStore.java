package dev.baton.datastore.spi;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * The storage a datastore sits on: a flat namespace of objects named by {@code /}-separated relative paths
 * ({@code "MyFlow/data/ab/abcd..."}, {@code "MyFlow/12/start/1/0.done.json"}) under one root. Implemented by
 * the local filesystem and by S3. Thread-safe. Every method that fails for a reason worth retrying throws
 * {@link dev.baton.flow.TransientFailureException}; a missing bucket or directory, a denied request or bad
 * credentials throw {@link dev.baton.flow.ConfigurationException} naming the root, the path and the likely fix.
 */
public interface ObjectStore extends AutoCloseable {

    /** The root, as a user would write it: a directory path or {@code s3://bucket/prefix}. */
    String root();

    boolean exists(String path);

    /**
     * Opens an object for streaming reads (large S3 objects may be fetched with parallel ranged GETs behind
     * this stream).
     *
     * @throws ObjectNotFoundException when there is no such object
     */
    InputStream open(String path);

    /** The whole object, or empty when it does not exist. For small metadata objects. */
    Optional<byte[]> read(String path);

    /** Writes (or replaces) a small object atomically: a reader sees the old bytes or the new, never a mix. */
    void write(String path, byte[] bytes);

    /**
     * Writes a small object only when none exists at {@code path}.
     *
     * @return true when this call created it
     */
    boolean writeIfAbsent(String path, byte[] bytes);

    /**
     * Starts a staged write for a (possibly large) object whose name is known only after its bytes are written,
     * as with content-addressed blobs. Nothing is visible until {@link Staged#commitIfAbsent(String)}.
     */
    Staged stage();

    /**
     * The names directly below {@code prefix} (a "directory" path, with or without trailing {@code /}), like
     * {@code ls}: objects and sub-prefixes alike, names only, sorted.
     */
    List<String> list(String prefix);

    /**
     * Environment variables for the tasks a launcher starts on this root (child processes, AWS Batch jobs): what
     * this store has found out about its storage and each task's own store would otherwise find out again with
     * requests of its own (whether an S3-compatible endpoint honours conditional writes). Empty by default.
     * May make a request, once, to find out.
     */
    default java.util.Map<String, String> taskEnvironment() {
        return java.util.Map.of();
    }

    /**
     * Whether each request is a network round trip (S3), so that independent small reads are worth issuing
     * concurrently; false (the default) for storage where a read costs about as little as handing it to a thread.
     */
    default boolean remote() {
        return false;
    }

    /** Deletes an object if it exists (used for temporary and lock objects only; blobs are never deleted). */
    void delete(String path);

    @Override
    void close();

    /** A staged object: write its bytes to {@link #out()}, then commit it under its final path, or abort. */
    interface Staged extends AutoCloseable {
        /** Where the bytes go; the caller closes nothing but this {@code Staged}. */
        OutputStream out();

        /**
         * Makes the staged bytes visible at {@code path} unless an object already exists there (then the staged
         * bytes are dropped: content-addressed objects with the same name have the same content).
         *
         * @return true when this call created the object
         */
        boolean commitIfAbsent(String path);

        /** Drops the staged bytes if not committed. Idempotent. */
        @Override
        void close();
    }
}
