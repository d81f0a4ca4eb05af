package dev.baton.serialization;

/**
 * What {@link ArtifactCodec#encode} wrote.
 *
 * @param key the content key: lowercase hex SHA-256 of the serialized, uncompressed bytes
 * @param type the value's class name ({@code "null"} for null)
 * @param serializedSize bytes before compression
 * @param storedSize bytes of the whole framed blob
 */
public record EncodedBlob(String key, String type, long serializedSize, long storedSize) {}
