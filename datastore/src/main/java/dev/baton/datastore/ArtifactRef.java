package dev.baton.datastore;

/**
 * Where an artifact's value is: its content key, with its type and size for listing without loading.
 *
 * @param key the content key (hex SHA-256 of the serialized bytes)
 * @param type the value's class name
 * @param size serialized (uncompressed) bytes
 */
public record ArtifactRef(String key, String type, long size) {}
