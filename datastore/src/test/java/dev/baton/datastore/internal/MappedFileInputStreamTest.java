package dev.baton.datastore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.ContentStore;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.CorruptBlobException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large local objects are read through a memory mapping: the same bytes as a plain read, in any read sizes. */
class MappedFileInputStreamTest {
    @TempDir
    Path dir;

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] readAll(InputStream in, int readSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n = in.read(buffer, 0, readSize); n >= 0; n = in.read(buffer, 0, readSize)) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void readsTheFileExactlyAcrossWindowsInAnyReadSize() throws IOException {
        byte[] content = random(3 * 4096 + 123, 1);
        Path file = Files.write(dir.resolve("object"), content);
        // windows of 4 KiB: reads cross window ends, and the last window is partial
        for (int readSize : new int[] {1, 1000, 4096, 5000, 1 << 16}) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                    InputStream in = new MappedFileInputStream(file, channel, channel.size(), 4096)) {
                assertEquals(content.length, in.available());
                assertArrayEquals(content, readAll(in, readSize), "read size " + readSize);
                assertEquals(-1, in.read());
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                InputStream in = new MappedFileInputStream(file, channel, channel.size(), 4096)) {
            assertEquals(content[0] & 0xff, in.read());
            assertEquals(5000, in.skip(5000));
            assertEquals(content[5001] & 0xff, in.read());
            assertEquals(content.length - 5002, in.skip(Long.MAX_VALUE));
            assertEquals(-1, in.read(new byte[10], 0, 10));
        }
    }

    @Test
    void aClosedStreamRefusesReadsAndReleasesTheFile() throws IOException {
        Path file = Files.write(dir.resolve("object"), random(10_000, 2));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = new MappedFileInputStream(file, channel, channel.size(), 4096);
        in.read(new byte[100]);
        in.close();
        in.close(); // idempotent
        assertTrue(!channel.isOpen());
        IOException e = assertThrows(IOException.class, () -> in.read(new byte[10], 0, 10));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void theStoreMapsLargeObjectsAndReadsSmallOnesPlainly() throws IOException {
        LocalObjectStore store = new LocalObjectStore(dir);
        byte[] large = random((int) LocalObjectStore.MAP_MIN + 7, 3);
        byte[] small = random(1000, 4);
        store.write("Flow/data/aa/large", large);
        store.write("Flow/data/aa/small", small);
        try (InputStream in = store.open("Flow/data/aa/large")) {
            assertInstanceOf(MappedFileInputStream.class, in);
            assertArrayEquals(large, readAll(in, 1 << 20));
        }
        try (InputStream in = store.open("Flow/data/aa/small")) {
            assertTrue(!(in instanceof MappedFileInputStream));
            assertArrayEquals(small, readAll(in, 4096));
        }
    }

    @Test
    void aMappedBlobDecodesAndItsDamageIsStillNamed() throws IOException {
        LocalObjectStore store = new LocalObjectStore(dir);
        byte[] value = random((int) LocalObjectStore.MAP_MIN * 2, 5);
        try (DefaultContentStore blobs = new DefaultContentStore(store, "Flow", ArtifactCodec.builder().build(), 2)) {
            String key = blobs.put("large", value).key();
            assertArrayEquals(value, (byte[]) blobs.get("large of Flow/1/start/1", key));
            Path file = dir.resolve(blobs.pathOf(key));
            byte[] stored = Files.readAllBytes(file);
            stored[stored.length / 2] ^= 0x04;
            Files.write(file, stored);
            CorruptBlobException e = assertThrows(CorruptBlobException.class,
                    () -> blobs.get(ContentStore.artifactContext("large", "Flow/1/start/1"), key));
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains("large"), e.getMessage());
        }
    }
}
