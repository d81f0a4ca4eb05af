package dev.baton.serialization;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Encodes artifact values as framed, self-describing, integrity-checked blobs (Kryo 5 + zstd) and decodes
 * them, instantiating only allowlisted classes. Thread-safe; one instance per flow class loader.
 *
 * <p>Blob format (all streaming): a header (magic, format version, codec, compression), the compressed
 * payload, and a trailer (uncompressed length and the SHA-256 of the serialized, uncompressed bytes, which is
 * the content key). The key therefore does not depend on the compression setting.
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
        /** zstd level (negative for the fast levels, 0 = none, default 1). */
        Builder compressionLevel(int level);

        /**
         * The flow's class loader: classes it defines (not its parents') are allowed, and decoding resolves
         * classes through it.
         */
        Builder classLoader(ClassLoader loader);

        /** Allows a class (and registers it) beyond the built-in allowlist. */
        Builder allow(Class<?> type);

        /** Allows every class in the given package (exactly that package, not sub-packages). */
        Builder allowPackage(String packageName);

        ArtifactCodec build();
    }
}
