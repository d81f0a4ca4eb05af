package dev.baton.bench;

import dev.baton.serialization.ArtifactCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The codecs the serialization benchmarks compare: Baton's Kryo + zstd codec at a given level ("zstd1",
 * "zstd-1", ...; "none" for level 0), and plain Java serialization as the reference ("java").
 */
final class SerializationCodecs {
    private SerializationCodecs() {}

    /** Encodes to a stream and decodes from bytes. */
    interface BenchCodec {
        /** Encodes {@code value} into {@code out}; returns the bytes written. */
        long encode(Object value, CountingSink out);

        Object decode(byte[] blob);
    }

    static BenchCodec named(String name) {
        if (name.equals("java")) {
            return new JavaCodec();
        }
        int level = name.equals("none") ? 0 : Integer.parseInt(name.substring("zstd".length()));
        ArtifactCodec codec = ArtifactCodec.builder().compressionLevel(level).allowPackage("dev.baton.bench").build();
        return new BenchCodec() {
            @Override
            public long encode(Object value, CountingSink out) {
                return codec.encode("bench", value, out).storedSize();
            }

            @Override
            public Object decode(byte[] blob) {
                return codec.decode("bench", null, new ByteArrayInputStream(blob));
            }
        };
    }

    /** Encodes once into memory, for the decode benchmarks. */
    static byte[] blob(BenchCodec codec, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountingSink sink = new CountingSink(out);
        codec.encode(value, sink);
        return out.toByteArray();
    }

    /** Java serialization, with no hashing and no compression: the floor a JVM gives for free. */
    static final class JavaCodec implements BenchCodec {
        @Override
        public long encode(Object value, CountingSink out) {
            try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
                objects.writeObject(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.count();
        }

        @Override
        public Object decode(byte[] blob) {
            try (ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(blob))) {
                return objects.readObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Counts bytes and passes them on to an optional delegate (none: they are discarded). */
    static final class CountingSink extends OutputStream {
        private final OutputStream delegate;
        private long count;

        CountingSink(OutputStream delegate) {
            this.delegate = delegate;
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            count++;
            if (delegate != null) {
                delegate.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count += len;
            if (delegate != null) {
                delegate.write(b, off, len);
            }
        }
    }
}
