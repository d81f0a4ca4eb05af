package dev.baton.datastore.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ObjectStore} owes the datastore, whatever the storage under it. A backend's test
 * extends this class and supplies a fresh, empty store per test: the local filesystem and S3 pass the same
 * contract. Backend-specific behaviour (temp files, multipart thresholds, error mapping) is tested next to each
 * backend.
 */
public abstract class ObjectStoreContract {

    /** A fresh, empty store; closed after each test. */
    protected abstract ObjectStore newStore() throws Exception;

    /** Size of the "large" staged object: big enough to take the backend's large-object path. */
    protected int largeSize() {
        return 3 << 20;
    }

    protected ObjectStore store;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void writeReadOpenExistsDelete() throws IOException {
        assertFalse(store.exists("F/1/_run.json"));
        assertEquals(Optional.empty(), store.read("F/1/_run.json"));

        store.write("F/1/_run.json", bytes("one"));
        assertTrue(store.exists("F/1/_run.json"));
        assertArrayEquals(bytes("one"), store.read("F/1/_run.json").orElseThrow());
        try (InputStream in = store.open("F/1/_run.json")) {
            assertArrayEquals(bytes("one"), in.readAllBytes());
        }

        store.write("F/1/_run.json", bytes("two"));
        assertArrayEquals(bytes("two"), store.read("F/1/_run.json").orElseThrow(), "write replaces");

        store.delete("F/1/_run.json");
        assertFalse(store.exists("F/1/_run.json"));
        store.delete("F/1/_run.json"); // idempotent
        ObjectNotFoundException missing = assertThrows(ObjectNotFoundException.class, () -> store.open("F/1/_run.json"));
        assertEquals("F/1/_run.json", missing.path());
        assertTrue(missing.getMessage().contains(store.root()), missing.getMessage());
    }

    @Test
    void emptyObjectsRoundTrip() throws IOException {
        store.write("F/empty", new byte[0]);
        assertTrue(store.exists("F/empty"));
        assertArrayEquals(new byte[0], store.read("F/empty").orElseThrow());
        try (InputStream in = store.open("F/empty")) {
            assertEquals(-1, in.read());
        }
        try (ObjectStore.Staged staged = store.stage()) {
            assertTrue(staged.commitIfAbsent("F/empty-staged"));
        }
        assertArrayEquals(new byte[0], store.read("F/empty-staged").orElseThrow());
    }

    @Test
    void writeIfAbsentNeverReplaces() {
        assertTrue(store.writeIfAbsent("F/a/b", bytes("first")));
        assertFalse(store.writeIfAbsent("F/a/b", bytes("second")));
        assertArrayEquals(bytes("first"), store.read("F/a/b").orElseThrow());
    }

    @Test
    void stagedWriteIsInvisibleUntilCommittedAndDroppedWhenTargetExists() throws IOException {
        try (ObjectStore.Staged staged = store.stage()) {
            staged.out().write(bytes("payload"));
            assertEquals(List.of(), store.list("F/data/ab"));
            assertEquals(List.of(), store.list(""));
            assertTrue(staged.commitIfAbsent("F/data/ab/abc"));
        }
        assertArrayEquals(bytes("payload"), store.read("F/data/ab/abc").orElseThrow());

        try (ObjectStore.Staged staged = store.stage()) {
            staged.out().write(bytes("other"));
            assertFalse(staged.commitIfAbsent("F/data/ab/abc"));
        }
        assertArrayEquals(bytes("payload"), store.read("F/data/ab/abc").orElseThrow());

        try (ObjectStore.Staged staged = store.stage()) {
            staged.out().write(bytes("abandoned"));
        }
        assertFalse(store.exists("F/data/ab/abandoned"));
        assertEquals(List.of("abc"), store.list("F/data/ab"));
    }

    @Test
    void stagedCommitTwiceIsRefused() throws IOException {
        try (ObjectStore.Staged staged = store.stage()) {
            staged.out().write(bytes("x"));
            assertTrue(staged.commitIfAbsent("F/once"));
            assertThrows(IllegalStateException.class, () -> staged.commitIfAbsent("F/twice"));
        }
        assertFalse(store.exists("F/twice"));
    }

    @Test
    void largeStagedObjectRoundTripsByteForByte() throws IOException {
        byte[] data = random(largeSize(), 42);
        try (ObjectStore.Staged staged = store.stage()) {
            OutputStream out = staged.out();
            // odd-sized writes, like a compressor's output
            for (int off = 0; off < data.length; off += 65_537) {
                out.write(data, off, Math.min(65_537, data.length - off));
            }
            assertTrue(staged.commitIfAbsent("F/data/la/large"));
        }
        try (InputStream in = store.open("F/data/la/large")) {
            ByteArrayOutputStream back = new ByteArrayOutputStream(data.length);
            byte[] buffer = new byte[12_345];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                back.write(buffer, 0, n);
            }
            assertArrayEquals(data, back.toByteArray());
        }
        assertArrayEquals(data, store.read("F/data/la/large").orElseThrow());
    }

    @Test
    void openStreamsCanBeClosedEarly() throws IOException {
        byte[] data = random(largeSize(), 7);
        try (ObjectStore.Staged staged = store.stage()) {
            staged.out().write(data);
            staged.commitIfAbsent("F/big");
        }
        for (int i = 0; i < 3; i++) {
            try (InputStream in = store.open("F/big")) {
                byte[] head = in.readNBytes(1000);
                assertArrayEquals(java.util.Arrays.copyOf(data, 1000), head);
            }
        }
        assertArrayEquals(bytes("still usable"), roundTrip("F/after", bytes("still usable")));
    }

    private byte[] roundTrip(String path, byte[] value) {
        store.write(path, value);
        return store.read(path).orElseThrow();
    }

    @Test
    void listIsSortedNamesOnly() {
        store.write("F/r/b.json", bytes("x"));
        store.write("F/r/a/1/0.done.json", bytes("x"));
        store.write("F/r/c", bytes("x"));
        store.write("F/r/a/2/0.done.json", bytes("x"));
        assertEquals(List.of("a", "b.json", "c"), store.list("F/r"));
        assertEquals(List.of("a", "b.json", "c"), store.list("F/r/"));
        assertEquals(List.of("1", "2"), store.list("F/r/a"));
        assertEquals(List.of("F"), store.list(""));
        assertEquals(List.of(), store.list("F/nothing/here"));
        assertEquals(List.of(), store.list("F/r/c"), "listing an object is empty, like an S3 prefix");
    }

    @Test
    void rejectsEscapingPaths() {
        for (String bad : List.of("", "/etc/passwd", "F/../../x", "F/./x", "F//x", "..")) {
            assertThrows(ConfigurationException.class, () -> store.write(bad, bytes("x")), bad);
        }
        assertThrows(ConfigurationException.class, () -> store.list("../"));
        assertThrows(ConfigurationException.class, () -> store.open("F/../x"));
    }

    @Test
    void concurrentPutIfAbsentHasExactlyOneWinner() throws Exception {
        int threads = 12;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    start.await();
                    if (id % 2 == 0) {
                        return store.writeIfAbsent("F/data/aa/aakey", bytes("writer " + id));
                    }
                    try (ObjectStore.Staged staged = store.stage()) {
                        staged.out().write(bytes("writer " + id));
                        return staged.commitIfAbsent("F/data/aa/aakey");
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get() ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(new String(store.read("F/data/aa/aakey").orElseThrow(), StandardCharsets.UTF_8).startsWith("writer "));
    }

    @Test
    void manySmallObjectsConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                writes.add(pool.submit(() -> store.write("F/many/" + id, bytes("value " + id))));
            }
            for (Future<?> w : writes) {
                w.get();
            }
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                reads.add(pool.submit(() -> store.read("F/many/" + id).orElseThrow()));
            }
            for (int i = 0; i < 200; i++) {
                assertArrayEquals(bytes("value " + i), reads.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, store.list("F/many").size());
    }
}
