package dev.baton.serialization.internal;

import com.esotericsoftware.kryo.io.Output;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Builds well-framed blobs around arbitrary serialized bytes, as an attacker (or a bug) could. */
final class HandCraftedBlobs {
    private HandCraftedBlobs() {}

    /**
     * Kryo bytes for a top-level object of a class given by name (unregistered class: varint NAME+2 = 1, name id 0,
     * the name), followed by {@code body}.
     */
    static byte[] namingClass(String className, byte[] body) {
        Output output = new Output(256, -1);
        output.writeVarInt(1, true);
        output.writeVarInt(0, true);
        output.writeString(className);
        output.writeBytes(body);
        return output.toBytes();
    }

    /** A complete, valid blob (correct framing, CRC, length and SHA-256) around {@code serialized}. */
    static byte[] frame(byte[] serialized, boolean zstd) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            FrameOutputStream frame = new FrameOutputStream(out,
                    zstd ? BlobFormat.COMPRESSION_ZSTD : BlobFormat.COMPRESSION_NONE);
            OutputStream payload = frame;
            if (zstd) {
                ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(frame);
                z.setChecksum(true);
                payload = z;
            }
            payload.write(serialized);
            payload.close();
            frame.finish(serialized.length, MessageDigest.getInstance("SHA-256").digest(serialized));
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] serialized) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(serialized));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
