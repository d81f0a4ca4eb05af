package dev.baton.serialization.internal;

/**
 * The framed blob layout, version 1. Every multi-byte integer is big-endian.
 *
 * <pre>
 * header   magic "BATN" (4) | format version (1) | codec id (1) | compression id (1) | reserved, 0 (1)
 * payload  chunks: length (int32, 1..MAX_CHUNK) then that many bytes; a length of 0 ends the payload
 *          (the chunk bytes are pieces of one zstd frame, or the raw serialized bytes; the frame carries a zstd
 *          content checksum in blobs written before it was dropped as redundant with the SHA-256, and a reader
 *          accepts both)
 * trailer  serialized length (int64) | SHA-256 of the serialized bytes (32) | end magic "NTAB" (4)
 *          | CRC32C of every byte of the blob before it (int32)
 * </pre>
 *
 * <p>Why chunks: the encoder streams and cannot know the compressed length up front, and a zstd decoder reads
 * ahead of its frame, so the reader needs its own boundary to find the trailer. Why a CRC32C over everything on
 * top of SHA-256: it makes every single flipped byte, including ones in places the decompressor ignores (reserved
 * frame-header bits) or in the trailer itself, a detected corruption.
 */
final class BlobFormat {
    static final byte[] MAGIC = {'B', 'A', 'T', 'N'};
    static final byte[] END_MAGIC = {'N', 'T', 'A', 'B'};
    static final int FORMAT_VERSION = 1;
    static final int CODEC_KRYO5 = 1;
    static final int COMPRESSION_NONE = 0;
    static final int COMPRESSION_ZSTD = 1;
    static final int HEADER_SIZE = 8;
    static final int TRAILER_SIZE = 8 + 32 + 4 + 4;
    /** The largest chunk a writer emits and a reader accepts; a larger length is corruption. */
    static final int MAX_CHUNK = 1 << 22;
    /**
     * Not part of the format: the most bytes a writer checksums and hands to its sink in one go, small enough to
     * stay in a core's cache between the CRC pass and the sink's copy. (Readers take whole chunks: capping their
     * reads too made the SHA-256 thread, which reads the same slices, measurably slower.)
     */
    static final int PIECE = 1 << 18;

    private BlobFormat() {}
}
