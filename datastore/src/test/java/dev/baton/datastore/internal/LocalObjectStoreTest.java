package dev.baton.datastore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.spi.ObjectNotFoundException;
import dev.baton.datastore.spi.ObjectStore;
import dev.baton.flow.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest {

    @TempDir
    Path root;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> tempFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(".tmp"))) {
            return files.toList();
        }
    }

    @Test
    void writeReadOpenExistsDelete() throws IOException {
        LocalObjectStore store = new LocalObjectStore(root);
        assertFalse(store.exists("F/1/_run.json"));
        assertEquals(Optional.empty(), store.read("F/1/_run.json"));

        store.write("F/1/_run.json", bytes("one"));
        assertTrue(store.exists("F/1/_run.json"));
        assertArrayEquals(bytes("one"), store.read("F/1/_run.json").orElseThrow());
        try (InputStream in = store.open("F/1/_run.json")) {
            assertArrayEquals(bytes("one"), in.readAllBytes());
        }

        store.write("F/1/_run.json", bytes("two"));
        assertArrayEquals(bytes("two"), Files.readAllBytes(root.resolve("F/1/_run.json")));

        store.delete("F/1/_run.json");
        assertFalse(store.exists("F/1/_run.json"));
        store.delete("F/1/_run.json"); // idempotent
        ObjectNotFoundException missing = assertThrows(ObjectNotFoundException.class, () -> store.open("F/1/_run.json"));
        assertEquals("F/1/_run.json", missing.path());
        assertTrue(missing.getMessage().contains(root.toString()), missing.getMessage());
        assertEquals(List.of(), tempFiles(root));
    }

    @Test
    void writeIfAbsentNeverReplaces() {
        LocalObjectStore store = new LocalObjectStore(root);
        assertTrue(store.writeIfAbsent("F/a/b", bytes("first")));
        assertFalse(store.writeIfAbsent("F/a/b", bytes("second")));
        assertArrayEquals(bytes("first"), store.read("F/a/b").orElseThrow());
    }

    @Test
    void stagedWriteIsInvisibleUntilCommittedAndDroppedWhenTargetExists() throws IOException {
        LocalObjectStore store = new LocalObjectStore(root);
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
        assertEquals(List.of(), tempFiles(root), "committed, dropped and abandoned stages leave no temp file");
        assertFalse(store.exists("F/data/ab/abandoned"));
    }

    @Test
    void listIsSortedNamesOnlyAndHidesTempFiles() throws IOException {
        LocalObjectStore store = new LocalObjectStore(root);
        store.write("F/r/b.json", bytes("x"));
        store.write("F/r/a/1/0.done.json", bytes("x"));
        store.write("F/r/c", bytes("x"));
        Files.writeString(root.resolve("F/r/.tmp-killed-writer"), "partial");
        assertEquals(List.of("a", "b.json", "c"), store.list("F/r"));
        assertEquals(List.of("a", "b.json", "c"), store.list("F/r/"));
        assertEquals(List.of("F"), store.list(""), "the .tmp directory is not listed");
        assertEquals(List.of(), store.list("F/nothing/here"));
        assertEquals(List.of(), store.list("F/r/c"), "listing an object is empty, like an S3 prefix");
    }

    @Test
    void rejectsEscapingAndReservedPaths() {
        LocalObjectStore store = new LocalObjectStore(root);
        for (String bad : List.of("", "/etc/passwd", "F/../../x", "F/./x", "F//x", "..", "F/.tmp-x", ".tmp/x", "a\\b")) {
            assertThrows(ConfigurationException.class, () -> store.write(bad, bytes("x")), bad);
        }
        assertThrows(ConfigurationException.class, () -> store.list("../"));
        assertThrows(ConfigurationException.class, () -> store.open("F/../x"));
    }

    @Test
    void killedWritersTempFileIsIgnoredAndCleanedWhenStale() throws IOException {
        new LocalObjectStore(root).write("F/r/_run.json", bytes("{}"));
        // a writer killed mid-write leaves its temporary file: one stale, one still being written by a live writer
        Path stale = root.resolve(".tmp/.tmp-killed-1");
        Path fresh = root.resolve(".tmp/.tmp-live-1");
        Files.writeString(stale, "partial bytes");
        Files.writeString(fresh, "partial bytes");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        LocalObjectStore reopened = new LocalObjectStore(root);
        assertFalse(Files.exists(stale), "stale temp file cleaned on open");
        assertTrue(Files.exists(fresh), "a live writer's young temp file is left alone");
        assertEquals(List.of("F"), reopened.list(""));
        assertEquals(1, reopened.cleanTemp(Duration.ZERO.minusSeconds(1)));
        assertFalse(Files.exists(fresh));
    }

    @Test
    void concurrentWriteIfAbsentHasExactlyOneWinner() throws Exception {
        LocalObjectStore store = new LocalObjectStore(root);
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    start.await();
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
        assertEquals(List.of(), tempFiles(root));
    }

    @Test
    void rootThatIsAFileIsAConfigurationError() throws IOException {
        Path file = Files.writeString(root.resolve("not-a-dir"), "x");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new LocalObjectStore(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
