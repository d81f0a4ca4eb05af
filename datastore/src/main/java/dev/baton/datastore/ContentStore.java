package dev.baton.datastore;

import dev.baton.serialization.ArtifactCodec;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The content-addressed blob store of one flow: {@code <root>/<Flow>/data/<key[0:2]>/<key>}. A value is
 * serialized, hashed, compressed and stored once under its key, whatever run or task made it; a blob is never
 * rewritten. Thread-safe.
 */
public interface ContentStore {

    /**
     * Stores {@code value} unless a blob with its key exists (put-if-absent), streaming: bounded extra memory.
     *
     * @param artifact names the value in errors
     */
    ArtifactRef put(String artifact, Object value);

    /** Stores many values concurrently (bounded parallelism); the result has the same keys, in the same order. */
    Map<String, ArtifactRef> putAll(Map<String, ?> values);

    /**
     * Loads and verifies the value stored under {@code key}.
     *
     * @param context names the artifact and task in errors, e.g. {@code "artifact 'loss' of MyFlow/12/train/3"}
     * @throws dev.baton.serialization.CorruptBlobException for a damaged blob
     * @throws MissingBlobException when there is no blob with that key
     */
    Object get(String context, String key);

    /**
     * Loads many values, concurrently where the implementation can (bounded parallelism).
     *
     * @param owner names the holder of the artifacts in errors, e.g. {@code "MyFlow/12/train/3 (attempt 0)"}: the
     *     context of each value is {@code "artifact '<name>' of <owner>"}
     * @param keys artifact name to content key
     * @return artifact name to value, in the order of {@code keys}
     * @throws dev.baton.serialization.CorruptBlobException for a damaged blob
     * @throws MissingBlobException when a key has no blob
     */
    default Map<String, Object> getAll(String owner, Map<String, String> keys) {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        keys.forEach((name, key) -> values.put(name, get(artifactContext(name, owner), key)));
        return values;
    }

    boolean exists(String key);

    /** Every stored key. */
    Stream<String> keys();

    /** The codec this store encodes with. */
    ArtifactCodec codec();

    /** The error context of an artifact, as {@link #getAll} builds it: {@code "artifact '<name>' of <owner>"}. */
    static String artifactContext(String artifact, String owner) {
        return "artifact '" + artifact + "' of " + owner;
    }
}
