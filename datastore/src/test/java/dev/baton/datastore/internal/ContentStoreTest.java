package dev.baton.datastore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.datastore.ArtifactRef;
import dev.baton.datastore.ContentStore;
import dev.baton.datastore.MissingBlobException;
import dev.baton.serialization.ArtifactCodec;
import dev.baton.serialization.ArtifactSerializationException;
import dev.baton.serialization.CorruptBlobException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The content store over the real local object store and the real codec. */
class ContentStoreTest {

    private static final String FLOW = "TrainFlow";

    @TempDir
    Path root;

    private final List<DefaultContentStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(DefaultContentStore::close);
    }

    private DefaultContentStore store(int inlineLimit) {
        ArtifactCodec codec = ArtifactCodec.builder().classLoader(getClass().getClassLoader()).build();
        DefaultContentStore store = new DefaultContentStore(new LocalObjectStore(root), FLOW, codec, 4, inlineLimit);
        opened.add(store);
        return store;
    }

    private DefaultContentStore store() {
        return store(DefaultContentStore.DEFAULT_INLINE_LIMIT);
    }

    private Path blobFile(String key) {
        return root.resolve(FLOW + "/data/" + key.substring(0, 2) + "/" + key);
    }

    private List<Path> blobFiles() throws IOException {
        Path data = root.resolve(FLOW + "/data");
        if (!Files.exists(data)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(".tmp"))) {
            return files.toList();
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest(name = "inline limit {0}")
    @ValueSource(ints = {DefaultContentStore.DEFAULT_INLINE_LIMIT, 16})
    void roundTripsAtTheDesignedPath(int inlineLimit) {
        DefaultContentStore store = store(inlineLimit);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("loss", 0.25);
        values.put("name", "héllo wörld ✓");
        values.put("rates", List.of(0.1, 0.01, 0.001));
        values.put("weights", randomBytes(3 << 20, 1)); // larger than the default inline limit: spills to a stage
        for (Map.Entry<String, Object> e : values.entrySet()) {
            ArtifactRef ref = store.put(e.getKey(), e.getValue());
            assertTrue(ref.key().matches("[0-9a-f]{64}"), ref.key());
            assertTrue(Files.isRegularFile(blobFile(ref.key())), "blob at <Flow>/data/<key[0:2]>/<key>");
            assertEquals(FLOW + "/data/" + ref.key().substring(0, 2) + "/" + ref.key(), store.pathOf(ref.key()));
            assertTrue(store.exists(ref.key()));
            Object back = store.get("artifact '" + e.getKey() + "'", ref.key());
            if (e.getValue() instanceof byte[] bytes) {
                assertArrayEquals(bytes, (byte[]) back);
                assertEquals(byte[].class.getName(), ref.type());
            } else {
                assertEquals(e.getValue(), back);
            }
        }
        assertFalse(store.exists("ff" + "0".repeat(62)));
    }

    @Test
    void sameValueTwiceIsOneBlobAndIsNeverRewritten() throws IOException {
        DefaultContentStore store = store();
        ArtifactRef first = store.put("a", List.of("x", "y"));
        Path file = blobFile(first.key());
        Object fileKey = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
        Files.setLastModifiedTime(file, old);

        ArtifactRef second = store.put("b", List.of("x", "y"));
        assertEquals(first, second);
        assertEquals(List.of(file), blobFiles());
        assertEquals(fileKey, Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "the existing blob is not replaced");
        assertEquals(old, Files.getLastModifiedTime(file), "the existing blob is not rewritten");
        assertEquals(List.of(), tempFiles());

        Map<String, ArtifactRef> all = store.putAll(Map.of("c", List.of("x", "y"), "d", List.of("x", "y")));
        assertEquals(Set.of(first.key()), all.values().stream().map(ArtifactRef::key).collect(Collectors.toSet()));
        assertEquals(1, blobFiles().size());
    }

    @Test
    void damagedBlobIsANamedError() throws IOException {
        DefaultContentStore store = store();
        String key = store.put("weights", randomBytes(100_000, 2)).key();
        Path file = blobFile(key);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        String context = "artifact 'weights' of TrainFlow/12/train/3 (attempt 0)";
        CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> store.get(context, key));
        assertTrue(e.getMessage().contains(context), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void truncatedBlobIsANamedError() throws IOException {
        DefaultContentStore store = store();
        String key = store.put("weights", randomBytes(100_000, 3)).key();
        try (FileChannel channel = FileChannel.open(blobFile(key), StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        String context = "artifact 'weights' of TrainFlow/12/train/3 (attempt 0)";
        CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> store.get(context, key));
        assertTrue(e.getMessage().contains(context), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());

        try (FileChannel channel = FileChannel.open(blobFile(key), StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        CorruptBlobException empty = assertThrows(CorruptBlobException.class, () -> store.get(context, key));
        assertTrue(empty.getMessage().contains(context) && empty.getMessage().contains(key), empty.getMessage());
    }

    @Test
    void blobStoredUnderAnotherKeyIsNotAcceptedAsThatKey() throws IOException {
        DefaultContentStore store = store();
        String a = store.put("a", "value a").key();
        String b = store.put("b", "value b").key();
        Files.copy(blobFile(a), blobFile(b), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> store.get("artifact 'b'", b));
        assertTrue(e.getMessage().contains("artifact 'b'") && e.getMessage().contains(b), e.getMessage());
    }

    @Test
    void missingBlobIsANamedError() {
        DefaultContentStore store = store();
        String key = "ab" + "c".repeat(62);
        String context = "artifact 'loss' of TrainFlow/12/train/3 (attempt 0)";
        MissingBlobException e = assertThrows(MissingBlobException.class, () -> store.get(context, key));
        assertTrue(e.getMessage().contains(context), e.getMessage());
        assertTrue(e.getMessage().contains(key), e.getMessage());

        MissingBlobException bad = assertThrows(MissingBlobException.class, () -> store.get(context, "../../etc/passwd"));
        assertTrue(bad.getMessage().contains(context), bad.getMessage());

        MissingBlobException many = assertThrows(MissingBlobException.class,
                () -> store.getAll("TrainFlow/12/train/3 (attempt 0)", Map.of("loss", key)));
        assertTrue(many.getMessage().contains(context), many.getMessage());
    }

    @ParameterizedTest(name = "value of {0} bytes")
    @ValueSource(ints = {1_000, 3 << 20})
    void sixteenConcurrentWritersOfOneValueStoreOneBlob(int size) throws Exception {
        DefaultContentStore store = store();
        byte[] value = randomBytes(size, 4);
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ArtifactRef>> writes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                writes.add(pool.submit(() -> {
                    start.await();
                    return store.put("weights", value);
                }));
            }
            Set<ArtifactRef> refs = new HashSet<>();
            for (Future<ArtifactRef> write : writes) {
                refs.add(write.get());
            }
            assertEquals(1, refs.size());
            String key = refs.iterator().next().key();

            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                reads.add(pool.submit(() -> {
                    start.await();
                    return (byte[]) store.get("artifact 'weights'", key);
                }));
            }
            for (Future<byte[]> read : reads) {
                assertArrayEquals(value, read.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, blobFiles().size());
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void putAllAndGetAllOfTenThousandSmallValues() {
        DefaultContentStore store = store();
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            values.put("a" + i, "small value number " + i);
        }
        values.put("duplicate", "small value number 7");

        Map<String, ArtifactRef> refs = store.putAll(values);
        assertEquals(List.copyOf(values.keySet()), List.copyOf(refs.keySet()), "same names, same order");
        assertEquals(refs.get("a7"), refs.get("duplicate"));
        assertEquals(10_000, store.keys().count());

        Map<String, String> keys = new LinkedHashMap<>();
        refs.forEach((name, ref) -> keys.put(name, ref.key()));
        Map<String, Object> back = store.getAll("TrainFlow/1/start/1 (attempt 0)", keys);
        assertEquals(List.copyOf(values.keySet()), List.copyOf(back.keySet()));
        assertEquals(values, back);
    }

    @Test
    void concurrentBatchesShareTheBoundedPoolAndEachGetsItsOwnResults() throws Exception {
        DefaultContentStore store = store();
        int callers = 4;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Map<String, Object>>> batches = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                batches.add(pool.submit(() -> {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 0; i < 100; i++) {
                        values.put("v" + i, "caller " + caller + " value " + i);
                    }
                    start.await();
                    Map<String, String> keys = new LinkedHashMap<>();
                    store.putAll(values).forEach((name, ref) -> keys.put(name, ref.key()));
                    assertEquals(values, store.getAll("caller " + caller, keys));
                    return values;
                }));
            }
            for (Future<Map<String, Object>> batch : batches) {
                assertEquals(100, batch.get().size());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(callers * 100, blobFiles().size());
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void killedWritersTempFileIsIgnoredAndCleaned() throws IOException {
        DefaultContentStore store = store();
        String key = store.put("x", "kept").key();
        // what a writer killed mid-blob leaves: a partial temporary file, never under the blob's name
        Path stale = root.resolve(".tmp/.tmp-killed-writer-1");
        Files.write(stale, Files.readAllBytes(blobFile(key)), StandardOpenOption.CREATE_NEW);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        // and a foreign temp file in a shard directory (e.g. from a tool writing next to its target)
        Files.writeString(blobFile(key).resolveSibling(".tmp-" + key), "partial");

        assertEquals(List.of(key), store.keys().toList());
        assertEquals("kept", store.get("artifact 'x'", key));

        DefaultContentStore reopened = store();
        assertFalse(Files.exists(stale), "stale temp file cleaned when the store opens");
        assertEquals(List.of(key), reopened.keys().toList());
    }

    @ParameterizedTest(name = "inline limit {0}")
    @ValueSource(ints = {DefaultContentStore.DEFAULT_INLINE_LIMIT, 16})
    void valueThatCannotBeSerializedLeavesNoBlobAndNoTempFile(int inlineLimit) throws IOException {
        DefaultContentStore store = store(inlineLimit);
        Runnable code = () -> { };
        // the large array is streamed out before the lambda is reached, so with a small inline limit the
        // failure happens after bytes went to a staged temporary file
        List<Object> value = new ArrayList<>(List.of(randomBytes(1 << 20, 5), code));
        ArtifactSerializationException e = assertThrows(ArtifactSerializationException.class,
                () -> store.putAll(Map.of("fine", "ok", "model", value)));
        assertTrue(e.getMessage().contains("'model'"), e.getMessage());
        assertTrue(blobFiles().size() <= 1, "at most the good value is stored");
        for (Path blob : blobFiles()) {
            assertEquals("ok", store.get("artifact 'fine'", blob.getFileName().toString()));
        }
        assertEquals(List.of(), tempFiles());
    }

    @Test
    void valuesAreStoredOnceAcrossStoresOfOneRoot() throws IOException {
        ContentStore one = store();
        ContentStore two = store();
        assertEquals(one.put("a", 42L), two.put("b", 42L));
        assertEquals(1, blobFiles().size());
    }
}
