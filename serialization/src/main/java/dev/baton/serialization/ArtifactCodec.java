package dev.baton.serialization;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Encodes artifact values as framed, self-describing, integrity-checked blobs (Kryo 5 + zstd) and decodes
 * them, instantiating only allowlisted classes. Thread-safe; one instance per flow class loader.
 *
 * <p>Blob format (all streaming): a header (magic, format version, codec, compression), the compressed
 * payload, and a trailer (uncompressed length and the SHA-256 of the serialized, uncompressed bytes, which is
 * the content key, then a CRC32C of the whole blob). The key therefore does not depend on the compression setting.
 *
 * <p>Keys: equal values built the same way get the same key. Unordered collections serialize in their iteration
 * order, except the JDK's unmodifiable sets and maps ({@code Set.of}/{@code Map.of} and the like, whose iteration
 * order depends on a per-JVM salt): those of up to 1,024 JDK values (strings, numbers, enum constants, ...) are
 * written in natural order, so they get the same key in every process. Where the order is still not a function of
 * the contents (identity-hashed keys; larger or mixed unmodifiable collections) the same contents may get a
 * different key in another process: the value is then stored once more, never read wrongly. Records are values: one reached twice reads back as two
 * equal records; other objects keep their shared and cyclic references.
 *
 * <p>Decoding never loads or instantiates a class outside the allowlist: the JDK's value and collection types,
 * classes defined by the flow's class loader, Baton's value types and the classes and packages allowed on the
 * builder. Encoding refuses the same classes, so what was written can be read.
 */
public interface ArtifactCodec {

    /**
     * Serializes {@code value} and writes the framed blob to {@code out} (which is not closed), hashing while it
     * streams.
     *
     * @param artifact the artifact name, used in error messages
     * @throws ArtifactSerializationException naming the artifact and the class when the value cannot be
     *     serialized
     */
    EncodedBlob encode(String artifact, Object value, OutputStream out);

    /**
     * Reads one framed blob from {@code in}, verifying magic, version, lengths and the SHA-256 against
     * {@code expectedKey} (when non-null) before returning the value.
     *
     * @param artifact names the artifact in errors (e.g. {@code "loss of MyFlow/12/train/3"})
     * @throws CorruptBlobException when the blob is damaged, truncated or not a Baton blob
     * @throws DisallowedClassException when the blob names a class outside the allowlist
     */
    Object decode(String artifact, String expectedKey, InputStream in);

    /** A new codec builder. */
    static Builder builder() {
        return new dev.baton.serialization.internal.KryoZstdCodec.BuilderImpl();
    }

    /** Configures a codec. */
    interface Builder {
        /**
         * zstd level: negative for the fast levels, 0 for no compression, default 1. Any level reads any other's
         * blobs, and the key is the same at every level. At any level, a value whose serialized bytes zstd would not
         * shrink (random or already-compressed data) is stored uncompressed, which makes it faster to save and load.
         *
         * @throws dev.baton.flow.ConfigurationException outside zstd's range
         */
        Builder compressionLevel(int level);

        /**
         * The flow's class loader: classes it defines (not its parents') are allowed, and decoding resolves
         * classes through it.
         */
        Builder classLoader(ClassLoader loader);

        /**
         * Allows a class beyond the built-in allowlist, for encoding and decoding. (It is not given a Kryo
         * registration id: blobs name it, so the bytes, and keys, do not depend on the builder's call order.)
         */
        Builder allow(Class<?> type);

        /**
         * Allows every class in the given package (exactly that package, not sub-packages).
         *
         * @throws dev.baton.flow.ConfigurationException for the unnamed package or a JDK package (allow JDK
         *     classes one by one)
         */
        Builder allowPackage(String packageName);

        ArtifactCodec build();
    }
}
