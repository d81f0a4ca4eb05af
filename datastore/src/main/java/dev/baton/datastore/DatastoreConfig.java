package dev.baton.datastore;

import java.util.Map;

/**
 * How to reach a datastore.
 *
 * @param kind {@code local} or {@code s3}
 * @param root a directory (local) or {@code s3://bucket/prefix}
 * @param settings backend settings, e.g. {@code s3.endpoint}, {@code s3.sse}, {@code s3.kmsKeyId},
 *     {@code s3.storageClass}, {@code compression.level}
 */
public record DatastoreConfig(String kind, String root, Map<String, String> settings) {
    public DatastoreConfig {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    public static DatastoreConfig local(String root) {
        return new DatastoreConfig("local", root, Map.of());
    }
}
