package dev.baton.serialization.internal;

import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.EncodedBlob;
import java.io.InputStream;
import java.io.OutputStream;

/** Placeholder: the serialization issue implements this. */
public final class KryoZstdCodec implements ArtifactCodec {
    @Override
    public EncodedBlob encode(String artifact, Object value, OutputStream out) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public Object decode(String artifact, String expectedKey, InputStream in) {
        throw new UnsupportedOperationException("TODO");
    }

    public static final class BuilderImpl implements ArtifactCodec.Builder {
        @Override public Builder compressionLevel(int level) { return this; }
        @Override public Builder classLoader(ClassLoader loader) { return this; }
        @Override public Builder allow(Class<?> type) { return this; }
        @Override public Builder allowPackage(String packageName) { return this; }
        @Override public ArtifactCodec build() { return new KryoZstdCodec(); }
    }
}
