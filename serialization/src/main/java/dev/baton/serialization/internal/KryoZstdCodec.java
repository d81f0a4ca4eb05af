package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.baton.flow.ConfigurationException;
import dev.baton.flow.TransientFailureException;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.ArtifactSerializationException;
import dev.baton.serialization.CorruptBlobException;
import dev.baton.serialization.DisallowedClassException;
import dev.baton.serialization.EncodedBlob;
import dev.baton.serialization.internal.FrameInputStream.BlobCorruption;
import dev.baton.serialization.internal.FrameInputStream.SourceFailure;
import dev.baton.serialization.internal.FrameInputStream.Trailer;
import dev.baton.serialization.internal.FrameOutputStream.SinkFailure;
import dev.baton.serialization.internal.GuardedClassResolver.RefusedClassException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * The Kryo 5 + zstd artifact codec. See {@link BlobFormat} for the bytes, {@link Allowlist} for what may be
 * decoded. Each encode or decode streams: Kryo's 64 KiB buffer over a SHA-256 stream over zstd over the framing,
 * with large primitive arrays going past Kryo's buffer ({@link ArraySerializers}), so the extra memory is a few
 * buffers whatever the value's size.
 */
public final class KryoZstdCodec implements ArtifactCodec {
    /** The default zstd level (see {@link ArtifactCodec.Builder#compressionLevel}). */
    public static final int DEFAULT_LEVEL = 1;

    private static final int KRYO_BUFFER = 1 << 16;
    private static final HexFormat HEX = HexFormat.of();

    private final int level;
    private final Allowlist allowlist;
    private final Pool<Worker> workers;

    private KryoZstdCodec(int level, Allowlist allowlist) {
        this.level = level;
        this.allowlist = allowlist;
        this.workers = new Pool<>(true, false, 4 * Runtime.getRuntime().availableProcessors()) {
            @Override
            protected Worker create() {
                return new Worker();
            }
        };
    }

    /** The zstd level this codec writes with; 0 for no compression. */
    public int compressionLevel() {
        return level;
    }

    @Override
    public EncodedBlob encode(String artifact, Object value, OutputStream out) {
        Objects.requireNonNull(out, "out");
        Worker worker = workers.obtain();
        try {
            return worker.encode(artifact, value, out);
        } finally {
            workers.free(worker);
        }
    }

    @Override
    public Object decode(String artifact, String expectedKey, InputStream in) {
        Objects.requireNonNull(in, "in");
        Worker worker = workers.obtain();
        try {
            return worker.decode(artifact, expectedKey, in);
        } finally {
            workers.free(worker);
        }
    }

    /** A configured Kryo with its buffers and digest: what one encode or decode needs, pooled. */
    private final class Worker {
        private final Kryo kryo;
        private final Output output = new Output(KRYO_BUFFER);
        private final Input input = new Input(KRYO_BUFFER);
        private final Sha256Pipeline sha = new Sha256Pipeline();
        private final HashingOutputStream hashingOut = new HashingOutputStream(sha);
        private final HashingInputStream hashingIn = new HashingInputStream(sha);
        private final byte[] drain = new byte[KRYO_BUFFER];
        /** The head of each encoded payload, on which {@link PayloadOutputStream} chooses to compress or not. */
        private final byte[] sample = new byte[PayloadOutputStream.SAMPLE];

        Worker() {
            kryo = new Kryo(new GuardedClassResolver(allowlist), new ValueReferenceResolver()) {
                @Override
                @SuppressWarnings({"rawtypes", "unchecked"})
                public Serializer getDefaultSerializer(Class type) {
                    // Records get the method-handle serializer unless annotated with their own.
                    Serializer annotated = getDefaultSerializerForAnnotatedType(type);
                    if (annotated == null && type.isRecord()) {
                        Serializer fast = RecordValueSerializer.forRecord(type);
                        if (fast != null) {
                            return fast;
                        }
                    }
                    return annotated != null ? annotated
                            : CanonicalOrderSerializers.canonical(type, super.getDefaultSerializer(type));
                }
            };
            kryo.setRegistrationRequired(false);
            kryo.setWarnUnregisteredClasses(false);
            kryo.setReferences(true);
            kryo.setClassLoader(allowlist.resolveLoader());
            // Classes without a no-arg constructor (records aside, which use their canonical constructor) are
            // created the way Java serialization does, through Objenesis.
            kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
            ArraySerializers.register(kryo);
            EnumCollectionSerializers.register(kryo, ArraySerializers.FIRST_ID + 5, ArraySerializers.FIRST_ID + 6);
            UnmodifiableSerializers.register(kryo);
            HashCollectionSerializers.register(kryo);
            kryo.addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
            kryo.addDefaultSerializer(URI.class, new DefaultSerializers.URISerializer());
            kryo.addDefaultSerializer(Pattern.class, new DefaultSerializers.PatternSerializer());
        }

        EncodedBlob encode(String artifact, Object value, OutputStream out) {
            sha.reset();
            PayloadOutputStream payload = null;
            boolean complete = false;
            try {
                payload = new PayloadOutputStream(out, level, sample);
                hashingOut.setNext(payload);
                output.setOutputStream(hashingOut);
                kryo.writeClassAndObject(output, value);
                output.flush();
                payload.close();
                byte[] digest = sha.digest();
                long length = sha.count();
                payload.finish(length, digest);
                complete = true;
                return new EncodedBlob(HEX.formatHex(digest), value == null ? "null" : value.getClass().getName(),
                        length, payload.written());
            } catch (SinkFailure e) {
                throw sinkFailure(artifact, e);
            } catch (IOException e) {
                throw new ArtifactSerializationException("Cannot compress artifact '" + artifact + "': " + e, e);
            } catch (KryoException e) {
                throw encodeFailure(artifact, value, e);
            } catch (StackOverflowError e) {
                throw new ArtifactSerializationException("Cannot serialize artifact '" + artifact + "' ("
                        + typeName(value) + "): it is nested too deeply (a very long linked structure?); store it as"
                        + " a flat collection instead", e);
            } finally {
                if (!complete) {
                    kryo.reset();
                    if (payload != null) {
                        payload.poison(); // frees zstd's native context; nothing more reaches the caller's stream
                    }
                }
                // A failed encode may leave a block's hash running; it must end before the worker is reused.
                sha.await();
                output.setOutputStream(null);
                hashingOut.setNext(null);
            }
        }

        Object decode(String artifact, String expectedKey, InputStream in) {
            sha.reset();
            FrameInputStream frame = new FrameInputStream(in);
            InputStream payload = null;
            try {
                int compression = frame.readHeader();
                payload = compression == BlobFormat.COMPRESSION_ZSTD
                        ? new ZstdInputStreamNoFinalizer(frame, RecyclingBufferPool.INSTANCE) : frame;
                hashingIn.setNext(payload);
                input.setInputStream(hashingIn);
                Object value;
                try {
                    value = kryo.readClassAndObject(input);
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    throw decodeFailure(artifact, expectedKey, frame, e);
                }
                if (input.position() != input.limit() || hashingIn.read() >= 0) {
                    throw new BlobCorruption("there are bytes after the serialized value");
                }
                verify(frame.readTrailer(), expectedKey);
                return value;
            } catch (SourceFailure e) {
                throw sourceFailure(artifact, expectedKey, e);
            } catch (IOException e) {
                // BlobCorruption, a zstd error (bad frame, checksum) or an early end of the serialized bytes.
                throw corrupt(artifact, expectedKey, reason(e), e);
            } finally {
                kryo.reset();
                input.setInputStream(null);
                hashingIn.setNext(null);
                sha.await();
                if (payload != null && payload != frame) {
                    try {
                        payload.close(); // frees zstd's native context; FrameInputStream leaves the caller's open
                    } catch (IOException ignored) {
                        // Nothing was left to release that matters to the caller.
                    }
                }
            }
        }

        /**
         * Kryo failed part-way. Decide whether the blob is damaged (then that is the error, whatever Kryo tripped
         * on) by reading the rest of it and checking the trailer; only an intact blob makes Kryo's failure the
         * real error.
         */
        private RuntimeException decodeFailure(String artifact, String expectedKey, FrameInputStream frame,
                Throwable failure) {
            SourceFailure source = find(failure, SourceFailure.class);
            if (source != null) {
                return sourceFailure(artifact, expectedKey, source);
            }
            try {
                kryo.reset();
                while (hashingIn.read(drain, 0, drain.length) >= 0) {
                    // Only hashing matters here.
                }
                verify(frame.readTrailer(), expectedKey);
            } catch (SourceFailure e) {
                return sourceFailure(artifact, expectedKey, e);
            } catch (IOException | RuntimeException e) {
                CorruptBlobException corrupt = corrupt(artifact, expectedKey, reason(e), failure);
                corrupt.addSuppressed(e);
                return corrupt;
            }
            RefusedClassException refused = find(failure, RefusedClassException.class);
            if (refused != null) {
                return new DisallowedClassException("Refusing to decode artifact '" + artifact + "' (key "
                        + keyOrUnknown(expectedKey) + "): it names class " + refused.className + ", which is not on"
                        + " the deserialization allowlist" + pathSuffix(failure) + ". Nothing of that class was"
                        + " loaded or instantiated. If it is the flow's own type, decode with the flow's class loader"
                        + " or allow it (ArtifactCodec.Builder.allow / allowPackage).");
            }
            if (failure instanceof StackOverflowError) {
                return new ArtifactSerializationException("Cannot decode artifact '" + artifact + "' (key "
                        + keyOrUnknown(expectedKey) + "): it is nested too deeply for this thread's stack", failure);
            }
            if (failure instanceof OutOfMemoryError) {
                return new ArtifactSerializationException("Cannot decode artifact '" + artifact + "' (key "
                        + keyOrUnknown(expectedKey) + "): it does not fit in the heap (raise -Xmx)", failure);
            }
            return new ArtifactSerializationException("Cannot decode artifact '" + artifact + "' (key "
                    + keyOrUnknown(expectedKey) + "): " + firstLine(failure) + pathSuffix(failure)
                    + ". Is the flow's class (or a field of it) different from the one that wrote the artifact?",
                    failure);
        }

        private void verify(Trailer trailer, String expectedKey) throws BlobCorruption {
            byte[] digest = sha.digest();
            long length = sha.count();
            if (trailer.serializedLength() != length) {
                throw new BlobCorruption("its serialized length is " + length + " bytes, the trailer says "
                        + trailer.serializedLength());
            }
            if (!MessageDigest.isEqual(digest, trailer.sha256())) {
                throw new BlobCorruption("its SHA-256 is " + HEX.formatHex(digest) + ", the trailer says "
                        + HEX.formatHex(trailer.sha256()));
            }
            if (expectedKey != null && !expectedKey.equalsIgnoreCase(HEX.formatHex(digest))) {
                throw new BlobCorruption("it holds the value with key " + HEX.formatHex(digest)
                        + ", not the expected one");
            }
        }
    }

    private static RuntimeException encodeFailure(String artifact, Object value, KryoException e) {
        SinkFailure sink = find(e, SinkFailure.class);
        if (sink != null) {
            return sinkFailure(artifact, sink);
        }
        RefusedClassException refused = find(e, RefusedClassException.class);
        if (refused != null) {
            return new ArtifactSerializationException("Cannot serialize artifact '" + artifact + "' ("
                    + typeName(value) + "): class " + refused.className + pathSuffix(e) + " cannot be stored: "
                    + refused.reason, e);
        }
        return new ArtifactSerializationException("Cannot serialize artifact '" + artifact + "' (" + typeName(value)
                + "): " + firstLine(e) + pathSuffix(e), e);
    }

    private static TransientFailureException sinkFailure(String artifact, SinkFailure e) {
        return new TransientFailureException("Writing artifact '" + artifact + "' failed: "
                + e.getCause().getMessage() + " (the destination stream failed; retry)", e.getCause());
    }

    private static TransientFailureException sourceFailure(String artifact, String key, SourceFailure e) {
        return new TransientFailureException("Reading artifact '" + artifact + "' (key " + keyOrUnknown(key)
                + ") failed: " + e.getCause().getMessage() + " (the source stream failed; retry)", e.getCause());
    }

    private static CorruptBlobException corrupt(String artifact, String key, String reason, Throwable cause) {
        return new CorruptBlobException("Artifact '" + artifact + "' (key " + keyOrUnknown(key) + ") is damaged: "
                + reason + ". It was not read; re-run the task that produced it.", cause);
    }

    private static String reason(Throwable e) {
        if (e instanceof BlobCorruption) {
            return e.getMessage();
        }
        if (e instanceof java.io.EOFException) {
            return "it is truncated (" + e.getMessage() + ")";
        }
        return "it does not decode (" + e + ")";
    }

    private static String keyOrUnknown(String key) {
        return key == null ? "unknown" : key;
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static String firstLine(Throwable e) {
        String message = e instanceof KryoException ? baseMessage((KryoException) e) : String.valueOf(e.getMessage());
        return message.lines().findFirst().orElse(e.getClass().getName());
    }

    private static String baseMessage(KryoException e) {
        String message = String.valueOf(e.getMessage());
        int trace = message.indexOf("\nSerialization trace:");
        return trace < 0 ? message : message.substring(0, trace);
    }

    /**
     * The field path Kryo's serializers recorded on the way out ("Serialization trace:" lines, innermost first),
     * as " at Outer.field -> Inner.field", or empty.
     */
    static String pathSuffix(Throwable e) {
        KryoException kryo = find(e, KryoException.class);
        if (kryo == null) {
            return "";
        }
        String message = String.valueOf(kryo.getMessage());
        int trace = message.indexOf("Serialization trace:");
        if (trace < 0) {
            return "";
        }
        List<String> steps = new ArrayList<>();
        for (String line : message.substring(trace + "Serialization trace:".length()).trim().split("\n")) {
            line = line.trim();
            int paren = line.indexOf(" (");
            if (line.isEmpty()) {
                continue;
            }
            if (paren > 0 && line.endsWith(")")) {
                String owner = line.substring(paren + 2, line.length() - 1);
                owner = owner.substring(Math.max(owner.lastIndexOf('.'), owner.lastIndexOf('$')) + 1);
                steps.add(0, owner + "." + line.substring(0, paren));
            } else {
                steps.add(0, line);
            }
        }
        return steps.isEmpty() ? "" : " at " + String.join(" -> ", steps);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Builds {@link KryoZstdCodec}s; use {@link ArtifactCodec#builder()}. */
    public static final class BuilderImpl implements ArtifactCodec.Builder {
        private int level = DEFAULT_LEVEL;
        private ClassLoader loader;
        private final Map<String, Class<?>> allowed = new LinkedHashMap<>();
        private final Set<String> packages = new LinkedHashSet<>();

        @Override
        public Builder compressionLevel(int level) {
            if (level != 0 && (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel())) {
                throw new ConfigurationException("compression level " + level + " is out of range: use 0 (none) or a"
                        + " zstd level from " + Zstd.minCompressionLevel() + " to " + Zstd.maxCompressionLevel());
            }
            this.level = level;
            return this;
        }

        @Override
        public Builder classLoader(ClassLoader loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        @Override
        public Builder allow(Class<?> type) {
            Objects.requireNonNull(type, "type");
            if (type.isHidden() || java.lang.reflect.Proxy.isProxyClass(type) || type.isPrimitive()) {
                throw new ConfigurationException("cannot allow " + type.getName()
                        + ": lambdas, hidden classes, proxies and primitives are never (de)serialized as classes");
            }
            allowed.put(type.getName(), type);
            return this;
        }

        @Override
        public Builder allowPackage(String packageName) {
            Objects.requireNonNull(packageName, "packageName");
            String name = packageName.trim();
            if (name.isEmpty()) {
                throw new ConfigurationException("cannot allow the unnamed package: put the classes to allow in a"
                        + " named package, or allow them one by one with allow(Class)");
            }
            if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                    || name.startsWith("sun.") || name.startsWith("com.sun.")) {
                throw new ConfigurationException("cannot allow package '" + packageName + "': JDK packages hold"
                        + " deserialization gadgets; allow the individual classes you need with allow(Class)");
            }
            packages.add(name);
            return this;
        }

        @Override
        public ArtifactCodec build() {
            return new KryoZstdCodec(level, new Allowlist(loader, allowed, packages));
        }
    }
}
